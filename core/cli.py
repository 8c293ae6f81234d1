"""The `wenzhuan` command: a thin shell over `wenzhuan.pipeline`.

Errors a user can act on are one line on stderr, `wenzhuan: error: FILE: what went wrong (what
to do)`, exit status 1; usage errors exit 2; a traceback only with `--debug`.
"""

from __future__ import annotations

import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .errors import DEFAULT_MAX_INPUT, FormatError, OptionError, WenzhuanError

if TYPE_CHECKING:  # pragma: no cover
    from .pipeline import Source
    from .registry import Option, Writer

# The rest of wenzhuan is imported where a command needs it: importing the pipeline and every
# plugin takes longer than `wenzhuan script` takes to convert megabytes.

EXAMPLES = """
\b
Examples:
  wenzhuan convert article.txt -o article.md      Markdown with YAML front matter
  wenzhuan convert article.txt -t md -o -         Markdown to stdout
  wenzhuan convert post.md -o post.epub           format guessed from the extension
  wenzhuan convert a.txt b.md -o book.epub --title 文集
  wenzhuan convert zh.md --script hant -o zh-hant.md  Traditional edition
  wenzhuan convert zh.md -t bilingual -o both.md      Simplified and Traditional, interleaved
  wenzhuan convert zh.md -o a.md --edition original --edition tw --edition bilingual
  wenzhuan script s2twp in.txt -o out.txt             raw text, like the opencc command
  wenzhuan convert archive/ -t epub -o books/      every file of a folder, mirrored
  wenzhuan convert a.txt -t epub -t docx -o out/  several formats, one normalization
  wenzhuan inspect article.txt --changes          what the normalizer changed
  wenzhuan formats                                every output format and its plugin
  wenzhuan formats epub                           one format's options
  wenzhuan convert a.md -o a.epub --transform toc -T toc.depth=2
"""


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except WenzhuanError as exc:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            click.echo(f"wenzhuan: error: {exc}", err=True)
            # an unknown format, transform or option name is a mistake on the command line
            ctx.exit(2 if isinstance(exc, (FormatError, OptionError)) else 1)


def _print_version(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    from . import __version__

    click.echo(f"wenzhuan, version {__version__}")
    ctx.exit()


def _check_encoding(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """An unknown --encoding is a usage error, said once, not a failure of every input."""
    if value:
        import codecs

        try:
            codecs.lookup(value)
        except LookupError:
            raise click.BadParameter(f"unknown encoding {value!r}; give one Python knows, "
                                     "for example gb18030, big5 or utf-8") from None
        try:
            b"x".decode(value, "ignore")  # (base64, rot13: codecs that do not make text of bytes; b"" skips the check)
        except LookupError:
            raise click.BadParameter(f"{value!r} is not a text encoding; give one Python knows, "
                                     "for example gb18030, big5 or utf-8") from None
    return value


@click.group(cls=_Group, epilog=EXAMPLES)
@click.option("--version", "-V", is_flag=True, expose_value=False, is_eager=True, callback=_print_version,
              help="Show the version and exit.")
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """文转 wenzhuan: convert Chinese documents (plain text, Markdown, HTML) into clean
    Markdown, EPUB, DOCX and bilingual editions."""
    ctx.obj = {"debug": debug}


def _parse_kv(pairs: tuple[str, ...], what: str) -> dict[str, str]:
    out = {}
    for pair in pairs:
        if "=" not in pair:
            raise click.UsageError(f"{what} {pair!r} must look like name=value")
        key, value = pair.split("=", 1)
        out[key.strip()] = value
    return out


def _transform_options(pairs: tuple[str, ...], transforms: tuple[str, ...]) -> dict[str, dict[str, str]]:
    """`-T toc.depth=2` → {"toc": {"depth": "2"}}; each must name a transform given with --transform."""
    out: dict[str, dict[str, str]] = {}
    for key, value in _parse_kv(pairs, "transform option").items():
        name, dot, option = key.partition(".")
        if not dot or not name or not option:
            raise click.UsageError(f"transform option {key!r} must look like NAME.KEY=VALUE, e.g. toc.depth=2")
        if name not in transforms:
            raise click.UsageError(f"-T {key}=... is for transform {name!r}, which is not applied "
                                   f"(add --transform {name})")
        out.setdefault(name, {})[option] = value
    return out


def _split_writer_flags(args: list[str], writers: list[Writer]) -> tuple[list[str], dict[str, Any]]:
    """Separate input paths from writer options given as flags (`--vertical`, `--no-front-matter`,
    `--css FILE`). click hands both over together because writers declare their options at run time."""
    declared: dict[str, Option] = {}
    for w in writers:
        for opt in w.options:
            declared.setdefault(opt.name, opt)
    inputs: list[str] = []
    out: dict[str, Any] = {}
    i = 0
    while i < len(args):
        arg = args[i]
        if not arg.startswith("--"):
            inputs.append(arg)
            i += 1
            continue
        key, eq, value = arg[2:].partition("=")
        name = key.replace("-", "_")
        negated = name.startswith("no_") and name[3:] in declared and declared[name[3:]].type is bool
        opt = declared.get(name[3:] if negated else name)
        if opt is None:
            names = ", ".join(o.flag for o in declared.values()) or "none"
            raise click.UsageError(f"no such option: {arg.split('=')[0]} (options of "
                                   f"{', '.join(w.name for w in writers)}: {names})")
        if opt.type is bool and not eq:
            out[opt.name] = not negated
        elif eq:
            out[opt.name] = value
        else:
            if i + 1 >= len(args):
                raise click.UsageError(f"option {arg} needs a value")
            i += 1
            out[opt.name] = args[i]
        i += 1
    return inputs, out


def _pick_writers(formats: tuple[str, ...], output: str | None) -> list[Writer]:
    from .manager import default_host

    catalog = default_host().catalog
    if formats:
        picked: dict[str, Writer] = {}  # -t md -t markdown is one format, written once
        for f in formats:
            w = catalog.writer(f)
            picked.setdefault(w.name, w)
        return list(picked.values())
    if output and output != "-":
        suffix = Path(output).suffix
        writer = catalog.writer_for_extension(suffix) if suffix else None
        if writer is None:
            raise FormatError(f"cannot tell the output format from {output!r}",
                              hint="give it with -t, for example -t markdown")
        return [writer]
    if output == "-":
        raise click.UsageError("with -o - (standard output) give the format with -t FORMAT")
    raise click.UsageError("give the output format with -t FORMAT or an output file with -o")


@cli.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True}, epilog=EXAMPLES)
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option("-t", "--to", "formats", multiple=True, metavar="FORMAT",
              help="Output format (see `wenzhuan formats`); guessed from -o when absent.")
@click.option("-o", "--output", metavar="PATH", help="Output file, or - for stdout. "
              "Default: the input's name with the format's extension, in the current folder.")
@click.option("-f", "--from", "from_format", metavar="FORMAT", help="Input format; sniffed when absent.")
@click.option("--encoding", metavar="NAME", callback=_check_encoding, help="Input encoding; detected when absent.")
@click.option("-O", "--option", "options", multiple=True, metavar="NAME=VALUE",
              help="A writer option; writers' options may also be given as --name VALUE.")
@click.option("--transform", "transforms", multiple=True, metavar="NAME",
              help="Apply a transform before writing (see `wenzhuan transforms`).")
@click.option("-T", "--transform-option", "transform_options", multiple=True, metavar="NAME.KEY=VALUE",
              help="An option of a transform, for example -T toc.depth=2.")
@click.option("--skip-pass", "skip_passes", multiple=True, metavar="NAME", help="Skip a normalizer pass.")
@click.option("--title", help="Title of the output: of the collection made from several inputs, "
              "or in place of the one input's own.")
@click.option("--force", is_flag=True, help="Overwrite existing outputs; in batch, convert up-to-date files again too.")
@click.option("--max-input-size", type=click.IntRange(min=1), default=DEFAULT_MAX_INPUT // 1048576, show_default=True,
              metavar="MB", help="Refuse inputs larger than this many megabytes.")
@click.option("--script", "script_target", metavar="TARGET",
              help="Convert to another script: hans, hant, tw, tw-phrases, hk or an OpenCC config (s2twp...).")
@click.option("--bilingual", metavar="TARGET", help="Keep the original and add TARGET block by block "
              "(auto: the other script).")
@click.option("--layout", type=click.Choice(["interleaved", "side-by-side"]), help="Bilingual layout.")
@click.option("--mark-differences", is_flag=True, help="Mark characters the conversion changed.")
@click.option("--dict", "dicts", multiple=True, metavar="FILE",
              help="User dictionary, source<TAB>target lines, applied before OpenCC's (repeatable).")
@click.option("--edition", "editions", multiple=True, metavar="NAME", help="One output per edition: "
              "original, a script TARGET, bilingual or bilingual:TARGET; NAME goes in the file name. "
              "One file at a time (a batch takes --script or --bilingual).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), metavar="N",
              help="Batch: files converted in parallel. [default: the number of cores]")
@click.option("--glob", "globs", multiple=True, metavar="PATTERN",
              help="Files of input folders to take, e.g. '*.txt' (repeatable). "
                   "[default: the extensions readers claim]")
@click.option("--fail-fast", is_flag=True, help="Batch: stop at the first file that fails.")
@click.option("--report", "report_path", metavar="FILE.json", help="Batch: write per-file results as JSON.")
@click.option("-q", "--quiet", is_flag=True, help="Print errors only: no progress, no per-file lines.")
@click.pass_context
def convert(ctx: click.Context, inputs, formats, output, from_format, encoding, options, transforms,
            transform_options, skip_passes, title, force, max_input_size, script_target, bilingual, layout,
            mark_differences, dicts, editions, jobs, globs, fail_fast, report_path, quiet) -> None:
    """Convert INPUT(s) (files or folders) to other formats.

    \b
    Where the output goes, by -o:
      -o FILE   one file: the output of the one input file, or one
                collection (a book) of several inputs or of a folder's files
      -o DIR/   batch: one output per input file, named after it, folders
                walked recursively and their structure mirrored; up-to-date
                outputs are skipped (--force redoes them), a failing file
                does not stop the others
      -o -      standard output
      none      the input's name with the format's extension, here
    -o is a folder when it ends with /, is an existing folder, when several
    -t formats are given, or when an input is a folder and -o has no extension.
    """
    from . import batch
    from .manager import default_host
    from .script import plan_editions

    writers = _pick_writers(formats, output)
    inputs, flags = _split_writer_flags(list(inputs) + list(ctx.args), writers)
    if not inputs:
        raise click.UsageError("give at least one input file")
    writer_opts = _parse_kv(options, "option")
    writer_opts.update(flags)
    transform_opts = _transform_options(transform_options, transforms)
    max_size = max_input_size * 1048576
    plans = plan_editions(script=script_target, bilingual=bilingual, layout=layout, dicts=dicts,
                          mark_differences=mark_differences, editions=editions,
                          writer=writers[0].name if len(writers) == 1 else "")
    if batch.output_is_folder(inputs, output, len(writers)):
        if title:
            raise click.UsageError("--title names one collection; with an output folder each file is its own")
        if len(plans) > 1:
            raise click.UsageError("--edition writes several files per input: give one edition per batch run")
        settings = batch.Settings(tuple(w.name for w in writers), writer_opts, from_format, encoding,
                                  tuple(skip_passes), tuple(transforms) + tuple(plans[0].transforms),
                                  transform_options={**transform_opts, **plans[0].options}, max_size=max_size)
        status = batch.batch_command(inputs, Path(output or "."), writers, settings, patterns=globs,
                                     workers=jobs, force=force, fail_fast=fail_fast, quiet=quiet,
                                     report=report_path, echo_error=lambda line: click.echo(line, err=True))
        if _AS_PROGRAM and status in (0, 1):
            _exit_now(status)
        ctx.exit(status)
    if len(writers) > 1:
        raise click.UsageError("several -t formats write several files: give an output folder with -o DIR/")
    if jobs or fail_fast or report_path:
        raise click.UsageError("--jobs, --fail-fast and --report apply to batch conversion (-o DIR/)")
    if output is None and any(Path(i).is_dir() for i in inputs if i != "-"):
        raise click.UsageError("a folder needs -o: an output folder (-o DIR/) or one collection (-o book.epub)")
    if output == "-" and len(plans) > 1:
        raise click.UsageError("several editions cannot all go to stdout; give -o FILE")
    left_out: list[tuple[str, str, bool]] = []
    inputs = [src for src, _ in batch.expand_inputs(
        inputs, globs or batch.default_patterns(default_host().catalog), left_out=left_out)]  # for a collection
    for folder, why, failed in left_out:
        if failed:  # (a collection without that folder's files would be short and not say so)
            raise WenzhuanError(why, path=folder, hint="check its permissions")
        if not quiet:
            click.echo(f"wenzhuan: {folder}: {why}", err=True)
    writer = writers[0]
    if output == "-":
        with _StdoutGuard() as stdout:  # plugins' stray output goes to stderr, not into the document
            _convert_to(inputs, output, writer, stdout, encoding=encoding, from_format=from_format,
                        skip_passes=skip_passes, max_size=max_size, title=title, plans=plans,
                        transforms=transforms, transform_opts=transform_opts, writer_opts=writer_opts,
                        force=force, quiet=quiet)
    else:
        _convert_to(inputs, output, writer, None, encoding=encoding, from_format=from_format,
                    skip_passes=skip_passes, max_size=max_size, title=title, plans=plans,
                    transforms=transforms, transform_opts=transform_opts, writer_opts=writer_opts,
                    force=force, quiet=quiet)


class _StdoutGuard:
    """Standard output, kept for the document alone while plugins run: file descriptor 1 (and
    `sys.stdout`) point at stderr until the end, so a plugin that prints, or a library or child
    process writing to fd 1, cannot corrupt the converted document written to `-o -`."""

    def __enter__(self) -> "_StdoutGuard":
        self._saved_sys = sys.stdout
        try:
            sys.stdout.flush()
            self._fd = sys.stdout.fileno()
            self._saved_fd = os.dup(self._fd)
            os.dup2(sys.stderr.fileno(), self._fd)
        except (AttributeError, OSError, ValueError):  # not a real file (click's test runner)
            self._saved_fd = None
        self._out = self._saved_sys.buffer
        sys.stdout = sys.stderr
        return self

    def write(self, data: bytes) -> None:
        try:
            if self._saved_fd is not None:
                from .atomic import write_all

                write_all(self._saved_fd, data)
            else:
                self._out.write(data)
                self._out.flush()
        except BrokenPipeError:  # `wenzhuan convert a.txt -t md -o - | head`
            pass

    def __exit__(self, *exc) -> None:
        sys.stdout = self._saved_sys
        if self._saved_fd is not None:
            os.dup2(self._saved_fd, self._fd)
            os.close(self._saved_fd)


def _convert_to(inputs, output, writer, stdout, *, encoding, from_format, skip_passes, max_size, title,
                plans, transforms, transform_opts, writer_opts, force, quiet) -> None:
    from .manager import default_host
    from .model import Metadata
    from .atomic import check_output, write_atomic
    from .pipeline import apply_transforms, load, render
    from .report import ChangeReport
    from .walk import collect

    report = ChangeReport()
    docs = []
    for name in inputs:
        source = _read_input(name, max_size)
        loaded = load(source, encoding=encoding, from_format=from_format, skip_passes=skip_passes)
        report.extend(loaded.report)
        docs.append(loaded.document)
        source = loaded = None  # the input's bytes are not needed to render (a large input's peak memory)
    if len(docs) == 1:
        doc = docs[0]
        if title:
            doc = replace(doc, metadata=replace(doc.metadata, title=title))
    else:
        languages = {d.metadata.language for d in docs if d.metadata.language}
        doc = collect(docs, Metadata(title=title or "", language=languages.pop() if len(languages) == 1 else ""))
    shown = inputs[0] if len(inputs) == 1 else None
    base = Path(output) if output and output != "-" else Path(Path(inputs[0]).stem + "." + writer.extensions[0])
    results = []
    try:
        for plan in plans:  # one normalization, one output per edition
            edoc = apply_transforms(doc, list(transforms) + list(plan.transforms), report,
                                    options={**transform_opts, **plan.options})
            results.append((plan.path(base), render(edoc, writer, writer_opts, report,
                                                    catalog=default_host().catalog)))
    except WenzhuanError as exc:
        raise exc.with_path(shown)

    for warning in report.warnings:  # on stderr, so also when the output goes to stdout
        click.echo(f"wenzhuan: warning: {warning.describe()}", err=True)
    for span in report.unrepaired:  # garbled text left in the output must not go unnoticed
        click.echo(f"wenzhuan: warning: could not repair {span.describe()}", err=True)
    if output == "-":
        stdout.write(results[0][1])
        return
    for target, _ in results:
        check_output(target, [Path(i) for i in inputs if i != "-"], force=force)
    for target, data in results:
        write_atomic(target, data)
    if not quiet:
        for target, _ in results:
            click.echo(f"wrote {target}", err=True)


def _script_options(command):
    """The `script` command's options, as `wenzhuan.script_command` declares them."""
    from .script_command import OPTIONS

    for opt in reversed(OPTIONS):  # decorators apply bottom up
        kind = ({"is_flag": True} if opt.metavar is None else  # a default is shown when there is one
                {"metavar": opt.metavar, "multiple": opt.multiple, "show_default": bool(opt.default)})
        command = click.option(*opt.flags, opt.name, default=opt.default, help=opt.help, **kind)(command)
    return command


@cli.command("script")
@click.argument("config", metavar="CONFIG")
@click.argument("file", required=False, metavar="[FILE]")
@_script_options
def script_command(config, file, **options) -> None:
    """Convert raw text between Chinese scripts, like the `opencc` command: FILE (or stdin) to
    stdout (or -o), UTF-8, line by line in bounded memory, nothing normalized. CONFIG is one of
    s2t t2s s2tw tw2s s2twp tw2sp s2hk hk2s s2hkp hk2sp t2tw tw2t t2hk hk2t t2jp jp2t."""
    from .script_command import run

    run(config, file, **options)


def _read_input(name: str, max_size: int) -> Source:
    from .pipeline import Source

    if name == "-":
        return Source.from_stream(sys.stdin.buffer, "<stdin>", max_size=max_size)
    return Source.from_path(name, max_size=max_size)


@cli.command(epilog=EXAMPLES)
@click.argument("input", type=click.Path(path_type=str))
@click.option("-f", "--from", "from_format", metavar="FORMAT", help="Input format; sniffed when absent.")
@click.option("--encoding", metavar="NAME", callback=_check_encoding, help="Input encoding; detected when absent.")
@click.option("--skip-pass", "skip_passes", multiple=True, metavar="NAME", help="Skip a normalizer pass.")
@click.option("--changes", is_flag=True, help="Print what the normalizer changed instead of the model.")
@click.option("--json", "as_json", is_flag=True, help="With --changes: the report as JSON.")
@click.option("--strict", is_flag=True, help="Fail when a span could not be repaired.")
def inspect(input, from_format, encoding, skip_passes, changes, as_json, strict) -> None:
    """Print INPUT's document model as JSON, or with --changes what the normalizer did."""
    import json

    from .model import to_dict
    from .pipeline import load

    loaded = load(_read_input(input, DEFAULT_MAX_INPUT), encoding=encoding, from_format=from_format,
                  skip_passes=skip_passes)
    if changes:
        if as_json:
            click.echo(json.dumps(loaded.report.to_dict(), ensure_ascii=False, indent=2))
        else:
            click.echo(f"{input}: read as {loaded.reader} ({loaded.encoding})")
            click.echo(loaded.report.format())
    else:
        click.echo(json.dumps(to_dict(loaded.document), ensure_ascii=False, indent=2))
    if strict and loaded.report.unrepaired:
        raise WenzhuanError(f"{len(loaded.report.unrepaired)} span(s) could not be repaired",
                            path=input, hint="see `wenzhuan inspect --changes`")


@cli.command()
@click.argument("format", required=False)
def formats(format: str | None) -> None:
    """List output formats and the plugin providing each; with FORMAT, show its options."""
    from .manager import default_host

    host = default_host()
    catalog = host.catalog
    if format:
        writer = catalog.writer(format)
        provider = catalog.provider("writer", writer.name)
        click.echo(f"{writer.name}: {writer.description}")
        if writer.aliases:
            click.echo(f"  aliases: {', '.join(writer.aliases)}")
        click.echo(f"  extensions: {', '.join('.' + e for e in writer.extensions)}")
        click.echo(f"  media type: {writer.media_type}")
        click.echo(f"  provided by: {provider}")
        _echo_options(writer.options, lambda o: (
            f"{o.flag}/--no-{o.flag[2:]}" if o.type is bool else f"{o.flag} {o.type_name().upper()}")
            + f"  (-O {o.name}=...)")
        return
    rows = [("format", "extensions", "media type", "provided by")]
    for name, writer in sorted(catalog.writers.items()):
        label = name + (f" ({', '.join(writer.aliases)})" if writer.aliases else "")
        rows.append((label, " ".join("." + e for e in writer.extensions), writer.media_type.split(";")[0],
                     str(catalog.provider("writer", name))))
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    for r in rows:
        click.echo("  ".join(c.ljust(widths[i]) for i, c in enumerate(r[:3])) + "  " + r[3])
    _echo_problems(catalog.problems)


def _echo_options(options, usage) -> None:
    click.echo("  options:" if options else "  options: none")
    for opt in options:
        if opt.default is None or opt.default == "":  # "no value": the help says what happens then
            click.echo(f"    {usage(opt)}  {opt.help}")
            continue
        default = str(opt.default).lower() if isinstance(opt.default, bool) else opt.default
        click.echo(f"    {usage(opt)}  {opt.help} [default: {default}]")


def _echo_problems(problems) -> None:
    for p in problems:
        click.echo(f"broken: {p.plugin}" + (f" ({p.distribution})" if p.distribution else "") + f": {p.message}")


@cli.command()
@click.argument("name", required=False)
def transforms(name: str | None) -> None:
    """List transforms (applied with --transform NAME) and the plugin providing each; with
    NAME, show its options (given with -T NAME.KEY=VALUE)."""
    from .manager import default_host

    catalog = default_host().catalog
    if name:
        transform = catalog.transform(name)
        click.echo(f"{transform.name}: {transform.description}")
        click.echo(f"  provided by: {catalog.provider('transform', transform.name)}")
        _echo_options(transform.options, lambda o: f"-T {name}.{o.name}={o.type_name().upper()}")
        return
    width = max([len(n) for n in catalog.transforms] + [9])
    for tname, transform in sorted(catalog.transforms.items()):
        click.echo(f"{tname.ljust(width)}  {transform.description}  "
                   f"[{catalog.provider('transform', tname)}]")
    _echo_problems(catalog.problems)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="As JSON.")
def plugins(as_json: bool) -> None:
    """List installed plugins, their distributions, versions and the hooks they implement."""
    import json

    from .manager import default_host

    host = default_host()
    rows = host.plugins()
    problems = host.catalog.problems
    if as_json:
        click.echo(json.dumps({"plugins": rows, "problems": [p.__dict__ for p in problems]},
                              ensure_ascii=False, indent=2))
        return
    for row in rows:
        origin = "built-in" if row["builtin"] else f"{row['distribution'] or '?'} {row['version'] or ''}".strip()
        click.echo(f"{row['name']}  [{origin}]  {', '.join(row['hooks'])}")
    _echo_problems(problems)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@click.option("--workers", default=1, show_default=True, type=int, help="Server processes.")
@click.option("--max-body-size", default=20, show_default=True, type=float, metavar="MB",
              help="Largest request body accepted.")
@click.option("--timeout", default=30.0, show_default=True, type=float, metavar="SECONDS",
              help="Longest a conversion may run before it is stopped.")
@click.option("--concurrency", type=int, metavar="N", help="Conversions at once per server process "
              "[default: the number of cores].")
def serve(host, port, workers, max_body_size, timeout, concurrency) -> None:
    """Run the conversion service: an HTTP API and an upload page at http://HOST:PORT/."""
    import os

    from .service import Limits, serve as run

    run(host, port, workers, Limits(int(max_body_size * 1048576), timeout, concurrency or os.cpu_count() or 2))


# Set by `main`: this process is the wenzhuan program, not a caller's (a test's CliRunner), so
# it may end itself once its work is done.
_AS_PROGRAM = False


def _exit_now(status: int) -> None:
    """End the program at once after a batch that ran to its end, without the interpreter's
    teardown, which frees every module, table and cache one object at a time: 30-100 ms of a
    1,000-file batch, after its last file is written. The batch has closed what it opened and
    its workers have exited; the exit handlers run and what was printed is flushed first. Returns
    (the usual exit then follows) when another thread still runs or flushing fails."""
    import atexit
    import threading

    run_exit_handlers = getattr(atexit, "_run_exitfuncs", None)
    if run_exit_handlers is None or any(
            not t.daemon for t in threading.enumerate() if t is not threading.main_thread()):
        return
    if not _flushed():
        return  # (the usual exit reports it)
    run_exit_handlers()  # (they run once: the usual exit, if it follows, finds none left)
    if _flushed():
        os._exit(status)


def _flushed() -> bool:
    try:
        sys.stdout.flush()
        sys.stderr.flush()
        return True
    except (OSError, ValueError):
        return False


def main() -> None:
    global _AS_PROGRAM
    _AS_PROGRAM = True
    try:
        cli(prog_name="wenzhuan")
    except OptionError as exc:  # raised before click's group handler in some paths
        click.echo(f"wenzhuan: error: {exc}", err=True)
        sys.exit(2)
