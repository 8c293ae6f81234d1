"""The `wenzhuan script` command: raw text between Chinese scripts, like the `opencc` command.

Its options are declared once, in `OPTIONS`: `wenzhuan.cli` makes the click command from them,
and `fast_main` parses the common forms of the command line itself, so that `wenzhuan script`
starts without importing click and the rest of the CLI (which took longer than Python and the
OpenCC binding take to start). Anything else (`--help`, a mistake, a form such as `-oFILE`) is
left to click, so that messages and exit statuses are click's.
"""

from __future__ import annotations

import os
import sys
from .errors import FormatError, OptionError, WenzhuanError


class Opt:
    """One option: its flags, `run`'s keyword for it, its metavar (None for a flag without a
    value), its help and default, and whether it may be given more than once."""

    __slots__ = ("flags", "name", "metavar", "help", "default", "multiple")

    def __init__(self, flags: tuple[str, ...], name: str, metavar: str | None, help: str, default: object = None,
                 multiple: bool = False) -> None:
        self.flags, self.name, self.metavar, self.help, self.default, self.multiple = (
            flags, name, metavar, help, default, multiple)


OPTIONS = (
    Opt(("-o", "--output"), "output", "PATH", "Output file, or - for stdout (the default)."),
    Opt(("--dict",), "dicts", "FILE", "User dictionary, source<TAB>target lines, applied before OpenCC's "
        "(repeatable).", (), multiple=True),
    Opt(("--encoding",), "encoding", "NAME", "Input encoding.", "utf-8"),
    Opt(("--engine",), "engine", "NAME", "Script conversion engine (default: opencc).", ""),
    Opt(("--force",), "force", None, "Overwrite an existing output file.", False),
)
_BY_FLAG = {flag: opt for opt in OPTIONS for flag in opt.flags}


def run(config: str, file: str | None = None, *, output: str | None = None, dicts=(), encoding: str = "utf-8",
        engine: str = "", force: bool = False) -> None:
    """Convert FILE (or stdin, for None or -) to `output` (or stdout, for None or -) with CONFIG."""
    from .errors import InputError
    from .script_text import CONFIGS, TextConverter, convert_stream, is_config, load_dictionaries, stream_engine

    if not is_config(config):
        raise OptionError(f"unknown OpenCC config {config!r}; known: {' '.join(CONFIGS)}")
    converter = TextConverter([stream_engine(engine)(config.removesuffix(".json"))], load_dictionaries(dicts))
    try:
        inp = open(file, "rb") if file and file != "-" else sys.stdin.buffer
    except OSError as exc:
        raise InputError(f"cannot read it: {exc.strerror or exc}", path=file) from None
    try:
        if output and output != "-":
            from pathlib import Path

            from .atomic import check_output, write_atomic_stream

            target = Path(output)
            check_output(target, [Path(file)] if file and file != "-" else [], force=force)
            write_atomic_stream(target, lambda fh: convert_stream(inp, fh, converter, encoding=encoding))
        else:
            try:
                convert_stream(inp, sys.stdout.buffer, converter, encoding=encoding)
                sys.stdout.buffer.flush()
            except BrokenPipeError:  # `wenzhuan script s2t big.txt | head`
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except WenzhuanError as exc:
        raise exc.with_path(file if file and file != "-" else "<stdin>")
    finally:
        if inp is not sys.stdin.buffer:
            inp.close()


def parse(args: list[str]) -> dict | None:
    """`run`'s arguments for the command line `args` (after `script`) when it is in a common form
    (CONFIG [FILE] and the options, as `--opt VALUE` or `--opt=VALUE`, anywhere); else None."""
    kw: dict = {opt.name: opt.default for opt in OPTIONS}
    positional: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        if arg == "-" or not arg.startswith("-"):
            positional.append(arg)
            continue
        flag, eq, value = arg.partition("=") if arg.startswith("--") else (arg, "", "")
        opt = _BY_FLAG.get(flag)
        if opt is None:  # --help, --, -oFILE, a mistake
            return None
        if opt.metavar is None:
            if eq:
                return None
            kw[opt.name] = True
            continue
        if not eq:
            if i == len(args) or (args[i].startswith("-") and args[i] != "-"):
                return None  # a missing value, or one that click may read otherwise
            value = args[i]
            i += 1
        kw[opt.name] = (*kw[opt.name], value) if opt.multiple else value
    if not 1 <= len(positional) <= 2:
        return None
    return {"config": positional[0], "file": positional[1] if len(positional) > 1 else None, **kw}


def fast_main(args: list[str]) -> int | None:
    """Run `wenzhuan script ARGS` without click when `parse` takes `args`: the exit status;
    None when click should run it. Errors are reported as the click CLI reports them."""
    if "_WENZHUAN_COMPLETE" in os.environ:  # click's shell completion
        return None
    kw = parse(args)
    if kw is None:
        return None
    try:
        run(**kw)
    except WenzhuanError as exc:
        print(f"wenzhuan: error: {exc}", file=sys.stderr)
        return 2 if isinstance(exc, (FormatError, OptionError)) else 1
    except (EOFError, KeyboardInterrupt):
        print("\nAborted!", file=sys.stderr)
        return 1
    return 0
