"""Batch conversion: folders of articles, in parallel, with progress, resumable.

A thin shell over `wenzhuan.pipeline`: every file takes the one path (load → transforms →
render → write_atomic); this module only decides which files, where their outputs go, which are
already done, and runs them in worker processes.

- `plan_batch(...)` walks the inputs (folders recursively, hidden files and folders skipped),
  mirrors each folder's structure under the output folder, and names outputs after the inputs
  (never after titles), sanitized by `safe_name`.
- `run_batch(...)` converts what is not up to date, `jobs` files at a time in worker processes
  that each load the plugins once; one failing file never stops the others (unless
  `fail_fast`), and every result goes to `on_result` as it comes in.
- Resuming: `.wenzhuan-batch.jsonl` in the output folder (see `Journal`) records, per output,
  the input's size and mtime, the options fingerprint and the output's own size and mtime. An
  output whose input, options and bytes are unchanged since then is skipped; anything else is
  converted again. Outputs are written atomically, so an interrupted run leaves each output
  complete or absent, and the next run finishes the rest.
"""

from __future__ import annotations

import contextlib
import fnmatch
import functools
import gc
import hashlib
import json
import marshal
import os
import re
import select
import signal
import sys
import threading
import time
import unicodedata
from collections import deque
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping, Sequence

from . import __version__
from .atomic import check_output, write_all, write_atomic
from .errors import DEFAULT_MAX_INPUT, OutputError, WenzhuanError
from .manager import default_host
from .pipeline import Source, apply_transforms, check_skipped_passes, load, render
from .registry import Catalog, Writer, options_for, resolve_options

if TYPE_CHECKING:
    from concurrent.futures import Future

JOURNAL_NAME = ".wenzhuan-batch.jsonl"
# json.dumps(..., ensure_ascii=False), made once: the journal's lines and the report's files
_JSON = json.JSONEncoder(ensure_ascii=False)
# How the journal and the report encode their JSON text: a path whose bytes are not UTF-8 holds
# lone surrogates (`\udcff`), which UTF-8 refuses; "backslashreplace" writes each as the JSON
# escape `\udcff`, which reads back as the same path.
_JSON_ERRORS = "backslashreplace"
REPORT_VERSION = 1

# ------------------------------------------------------------------------------ settings


@dataclass(frozen=True)
class Settings:
    """Everything that decides the bytes of an output. Picklable: handed to every worker once."""

    formats: tuple[str, ...]
    writer_options: Mapping[str, Any] = field(default_factory=dict)
    from_format: str | None = None
    encoding: str | None = None
    skip_passes: tuple[str, ...] = ()
    transforms: tuple[str, ...] = ()
    transform_options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    reader_options: Mapping[str, Any] = field(default_factory=dict)
    max_size: int | None = DEFAULT_MAX_INPUT


def fingerprint(settings: Settings, writer: Writer, catalog: Catalog) -> str:
    """A short hash of everything that makes an output what it is: wenzhuan's version, the
    writer and who provides it (name, distribution, version), its resolved options (files named
    by path options by their content), reading, passes and transforms."""
    given = options_for(writer, settings.writer_options, [catalog.writer(f) for f in settings.formats])
    opts = resolve_options(writer.options, given, owner=f"format {writer.name!r}")
    provider = catalog.provider("writer", writer.name)

    def plain(value: Any) -> Any:
        if isinstance(value, os.PathLike):
            path = Path(value)
            digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None
            return {"path": str(path), "sha256": digest}
        return value if isinstance(value, (str, int, float, bool, type(None))) else repr(value)

    state = {
        "wenzhuan": __version__,
        "writer": [writer.name, provider.plugin if provider else None,
                   provider.distribution if provider else None, provider.version if provider else None],
        "options": {k: plain(v) for k, v in sorted(opts.items())},
        "from": settings.from_format, "encoding": settings.encoding,
        "skip_passes": sorted(settings.skip_passes),
        "passes": [p.name for p in catalog.passes],
        "transforms": list(settings.transforms),
        "transform_options": {k: {kk: plain(vv) for kk, vv in sorted(v.items())}
                              for k, v in sorted(settings.transform_options.items())},
        "reader_options": {k: plain(v) for k, v in sorted(settings.reader_options.items())},
    }
    blob = json.dumps(state, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()[:16]


# ------------------------------------------------------------------------- inputs, names

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_NATURAL = re.compile(r"(\d+)")


def safe_name(part: str) -> str:
    """One path component made safe for an output name: no control characters (they become
    `_`), no separators, never `.`, `..` or empty, NFC-normalized, at most 200 UTF-8 bytes (room
    for an extension and a temporary file's affixes within the 255 most file systems allow). A
    longer one is cut, and ends with `~` and 8 hex digits of its whole name's hash, so that names
    differing only after the cut stay apart."""
    if (part.isascii() and part.isprintable() and len(part) <= 200 and "/" not in part and "\\" not in part
            and part not in ("", ".", "..") and part.strip() == part):
        return part  # (the usual name, as it is: a batch asks for every file and folder)
    if not part.isascii():
        part = _decoded_name(part)
    part = unicodedata.normalize("NFC", part)
    part = _CONTROL.sub("_", part).replace("/", "_").replace("\\", "_").strip()
    if part in ("", ".", ".."):
        part = "_" if not part else part.replace(".", "_")
    if len(part.encode("utf-8")) > 200:
        tag = "~" + hashlib.sha256(part.encode("utf-8")).hexdigest()[:8]
        while len(part.encode("utf-8")) > 200 - len(tag):
            part = part[:-1]
        part += tag
    return part


def _decoded_name(part: str) -> str:
    """A name whose bytes are not UTF-8 (Python holds them as lone surrogates, `\\udcb9`) read
    as GB18030, as the names in archives made on Chinese Windows are, or else with each byte
    that does not decode as `_`: an output name must be text, and so must the journal."""
    try:
        part.encode("utf-8")
        return part
    except UnicodeEncodeError:
        raw = part.encode("utf-8", "surrogateescape")
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        return raw.decode("utf-8", "replace").replace("\ufffd", "_")


def natural_key(path: str) -> list:
    """Sort `2.txt` before `10.txt`: digit runs compare as numbers."""
    return [int(t) if t.isdigit() else t.casefold() for t in _NATURAL.split(path)]


def default_patterns(catalog: Catalog) -> tuple[str, ...]:
    """`*.EXT` for every extension a registered reader claims."""
    exts = sorted({e.lower().lstrip(".") for r in catalog.readers.values() for e in r.extensions})
    return tuple(f"*.{e}" for e in exts)


def matches(rel: str, patterns: Sequence[str]) -> bool:
    """Does the relative path (or its file name) match one of the glob patterns? Case-insensitive."""
    return _matcher(tuple(patterns))(rel)


@functools.lru_cache(maxsize=8)
def _matcher(patterns: tuple[str, ...]) -> Callable[[str], bool]:
    one = re.compile("|".join(f"(?:{fnmatch.translate(p.lower())})" for p in patterns) or "(?!)", re.DOTALL)

    def match(rel: str) -> bool:
        low = rel.lower()
        return bool(one.match(low.rsplit("/", 1)[-1]) or one.match(low))

    return match


def walk_folder(folder: Path, patterns: Sequence[str], exclude: Iterable[Path] = (),
                left_out: list[tuple[str, str, bool]] | None = None) -> list[tuple[str, str]]:
    """Files under `folder` matching `patterns`, as (path, posix path relative to `folder`), in
    natural order. Hidden files and folders (a leading `.`) are skipped, files not when a pattern
    names them (`.notes.md`); symbolic links to folders are not followed; folders in `exclude`
    (the output folder) are left out, as are folders below `folder` holding another batch's
    outputs (its journal, `JOURNAL_NAME`): a batch into another folder must not take them for
    inputs. Each folder left out, and each that cannot be read, is added to `left_out` as (path,
    why, whether it is a failure)."""
    excluded = set()
    for e in exclude:
        try:
            excluded.add(e.resolve())
        except OSError:
            pass
    match = _matcher(tuple(patterns))
    hidden_files = any(p.rsplit("/", 1)[-1].startswith(".") for p in patterns)
    found: list[tuple[str, str]] = []
    notes = left_out if left_out is not None else []

    def walk(here: str, prefix: str) -> None:  # (strings: a Path per file is most of a walk's time)
        try:
            with os.scandir(here) as it:
                entries = list(it)
        except OSError as exc:
            notes.append((here, f"cannot read this folder ({exc.strerror or exc})", True))
            return
        for entry in entries:
            name = entry.name
            hidden = name.startswith(".")
            if hidden and not hidden_files:
                continue
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if hidden and (is_dir or name == JOURNAL_NAME):  # (hidden folders, and journals, never)
                continue
            path = name if here == "." else entry.path  # (as Path(".") / name)
            if is_dir:
                if entry.is_symlink():
                    continue
                journal = os.path.join(path, JOURNAL_NAME)
                if Path(path).resolve() in excluded:
                    if not os.path.exists(journal):  # (a folder of inputs, not yet a batch's outputs)
                        notes.append((path, "left out: it is the output folder (-o)", False))
                    continue
                if os.path.exists(journal):
                    notes.append((path, "left out: it holds another batch's outputs; give it as an input "
                                        "of its own to convert them", False))
                    continue
                walk(path, prefix + name + "/")
                continue
            rel = prefix + name
            try:
                is_file = entry.is_file()  # (a link is followed: one to a file counts)
            except OSError:
                is_file = False
            if is_file and match(rel):
                found.append((path, rel))

    walk(str(folder), "")
    found.sort(key=lambda pr: natural_key(pr[1]))
    return found


def expand_inputs(inputs: Sequence[str], patterns: Sequence[str], exclude: Iterable[Path] = (),
                  left_out: list[tuple[str, str, bool]] | None = None) -> list[tuple[str, str]]:
    """Inputs as (path to read, path relative to the output folder): a file keeps its name, the
    files of a folder keep their path below it, and below the folder's own name when several
    inputs are given (`2023/ 2024/` -> `2023/a.txt`, `2024/a.txt`, where they would clash); a file
    given twice (itself and in its folder) is taken once. A folder with no matching file, or that
    cannot be read, is an error; see `walk_folder` for `left_out`."""
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    for name in inputs:
        path = Path(name)
        if name != "-" and path.is_dir():
            notes: list[tuple[str, str, bool]] = []
            files = walk_folder(path, patterns, exclude, notes)
            if notes and notes[0][0] == str(path) and notes[0][2]:  # the folder itself cannot be read
                raise WenzhuanError(notes[0][1], path=name, hint="check its permissions")
            if left_out is not None:
                left_out.extend(notes)
            if not files and not any(failed for _, _, failed in notes):
                if notes:  # (its files are all in folders left out: --glob would not help)
                    raise WenzhuanError("no files to convert in it", path=name, hint=f"{notes[0][0]}: {notes[0][1]}")
                raise WenzhuanError(f"no files matching {' '.join(patterns)} in it", path=name,
                                    hint="choose other files with --glob PATTERN")
            if len(inputs) > 1:
                below = os.path.basename(os.path.abspath(name))  # (`.` is the current folder's; a link's own)
                if below:
                    files = [(src, f"{below}/{rel}") for src, rel in files]
        else:
            files = [(name, path.name)]
        for f in files:
            if len(inputs) > 1:  # (one input cannot repeat itself)
                key = os.path.normpath(os.path.abspath(f[0]))
                if key in seen:
                    continue
                seen.add(key)
            out.append(f)
    return out


@dataclass(frozen=True)
class Job:
    """One input and the outputs to make of it: ((format, output path), ...)."""

    input: str
    outputs: tuple[tuple[str, str], ...]
    root: str = "."


def output_path(rel: str, outdir: Path, writer: Writer, tag: str = "") -> Path:
    """OUTDIR/REL with REL's folders and stem sanitized and the format's extension (after
    `.TAG` when a tag is given)."""
    return Path(_output_path(rel, str(outdir), writer.extensions[0], tag))


def _output_path(rel: str, outdir: str, extension: str, tag: str = "") -> str:
    """`output_path` in strings (a batch makes one per input and format)."""
    parts = [safe_name(p) for p in rel.split("/") if p]
    if not parts:
        parts = ["_"]
    name = parts[-1]
    dot = name.rfind(".")
    stem = name[:dot] if 0 < dot < len(name) - 1 else name  # (as Path.stem)
    parts[-1] = safe_name(stem) + ("." + tag if tag else "") + "." + extension
    return os.path.join(*parts) if outdir == "." else os.path.join(outdir, *parts)  # (as Path.joinpath)


@dataclass
class Plan:
    jobs: list[Job]
    clashes: list["FileResult"]  # inputs that fail before converting: clashing outputs, unreadable folders
    notes: list[tuple[str, str]] = field(default_factory=list)  # (folder, why it was left out)


def plan_batch(inputs: Sequence[str], outdir: Path, writers: Sequence[Writer],
               patterns: Sequence[str]) -> Plan:
    """Jobs for every input file; inputs whose output names clash with an earlier one's fail.
    Formats that share an extension (markdown and bilingual both write .md) do not overwrite
    each other: the one `-o NAME.EXT` would pick keeps NAME.EXT (else the first asked for), the
    others get NAME.FORMAT.EXT, whatever the order of -t."""
    left_out: list[tuple[str, str, bool]] = []
    pairs = expand_inputs(inputs, patterns, exclude=[outdir], left_out=left_out)
    jobs: list[Job] = []
    clashes = [FileResult(folder, {}, "failed", error=f"{why}: its files were not converted (check its permissions)")
               for folder, why, failed in left_out if failed]
    taken: dict[str, str] = {}
    catalog = default_host().catalog
    # per writer: "" or the format's name before its extension; of formats sharing one, the
    # format that `-o NAME.EXT` would pick keeps NAME.EXT (else the first asked for)
    keeper: dict[str, Writer] = {}
    for w in writers:
        keeper.setdefault(w.extensions[0], w)
    for w in writers:
        usual = catalog.writer_for_extension(w.extensions[0])
        if usual is not None and usual.name == w.name:
            keeper[w.extensions[0]] = w
    tags = ["" if keeper[w.extensions[0]] is w else safe_name(w.name) for w in writers]
    folder = str(outdir)
    for src, rel in pairs:
        outs = tuple((w.name, _output_path(rel, folder, w.extensions[0], tag)) for w, tag in zip(writers, tags))
        clash = next((o for _, o in outs if o in taken), None)
        if clash is not None:
            clashes.append(FileResult(src, dict(outs), "failed", error=(
                f"its output {clash} is also the output of {taken[clash]}; "
                f"convert one of them separately")))
            continue
        for _, o in outs:
            taken[o] = src
        jobs.append(Job(src, outs, str(outdir)))
    return Plan(jobs, clashes, [(folder, why) for folder, why, failed in left_out if not failed])


# ------------------------------------------------------------------------------ results


@dataclass
class FileResult:
    """What became of one input. `status` is converted, skipped (up to date), failed, or (in
    an interrupted run's report) not done."""

    input: str
    outputs: dict[str, str]
    status: str
    seconds: float = 0.0
    changes: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    unrepaired: int = 0
    error: str | None = None
    up_to_date: list[str] = field(default_factory=list)  # outputs of this input skipped as up to date
    input_stat: tuple[int, int] | None = None  # (size, mtime_ns) when it was read
    output_stats: dict[str, tuple[int, int]] = field(default_factory=dict)  # output → (size, mtime_ns)

    def to_dict(self) -> dict[str, Any]:
        return {"input": self.input, "outputs": self.outputs, "up_to_date": self.up_to_date,
                "status": self.status,
                "seconds": round(self.seconds, 4), "changes": self.changes,
                "warnings": self.warnings, "unrepaired": self.unrepaired, "error": self.error}


def _stat(path: str | Path) -> tuple[int, int]:
    st = os.stat(path)
    return st.st_size, st.st_mtime_ns


def _cause(exc: WenzhuanError) -> str:
    return f"{exc.message} ({exc.hint})" if exc.hint else exc.message


# output folder -> the output folder (root) it was checked against, in this run (run_batch
# empties it before it starts, so workers forked from it start empty too)
_FOLDERS_MADE: dict[str, str] = {}


def _make_folder(out: Path, root: str) -> None:
    """Make the folder of `out`, refusing one that leads outside `root` (a symbolic link), once
    per folder in a process: the files of a folder are many, its checks the same for all."""
    folder = str(out.parent)
    if _FOLDERS_MADE.get(folder) == root:
        return
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot make its folder: {exc.strerror or exc}", path=str(out)) from None
    if not out.parent.resolve().is_relative_to(Path(root).resolve()):
        raise OutputError("its folder leads outside the output folder (a symbolic link); "
                          "refusing to write through it", path=str(out))
    _FOLDERS_MADE[folder] = root


def convert_one(job: Job, settings: Settings) -> FileResult:
    """Convert one input to each of its outputs from one normalization. All outputs are rendered
    before any is written, so a failing writer leaves none of them behind. Never raises a
    `WenzhuanError`: the failure is the result."""
    start = time.perf_counter()
    catalog = default_host().catalog
    result = FileResult(job.input, {f: o for f, o in job.outputs}, "failed")
    try:
        source = Source.from_path(job.input, max_size=settings.max_size)
        result.input_stat = (source.stat.st_size, source.stat.st_mtime_ns)
        loaded = load(source, host=default_host(), encoding=settings.encoding,
                      from_format=settings.from_format, skip_passes=settings.skip_passes,
                      reader_options=settings.reader_options)
        del source  # the input's bytes are not needed to render (a large input's peak memory)
        report = loaded.report
        doc = apply_transforms(loaded.document, settings.transforms, report,
                               options=settings.transform_options)
        writers = [catalog.writer(f) for f in settings.formats]
        rendered = []
        for fmt, out in job.outputs:
            writer = catalog.writer(fmt)
            data = render(doc, writer, options_for(writer, settings.writer_options, writers), report,
                          catalog=catalog)
            rendered.append((Path(out), data))
        for out, data in rendered:
            _make_folder(out, job.root)
            if os.path.lexists(out):  # (absent, the usual case, there is nothing to check)
                check_output(out, [Path(job.input)], force=True)  # existing outputs were vetted by the runner
            # No fsync per file: the rename still makes each output complete or absent for every
            # process (a kill cannot cut one short); after a power cut the journal's size and
            # mtime check finds any output the OS had not written yet, and converts it again.
            # No tidying of temporary files per output: the runner removed them all first.
            written = write_atomic(out, data, sync=False, tidy=False)
            result.output_stats[str(out)] = (written.st_size, written.st_mtime_ns)
        result.status = "converted"
        result.changes = report.counts()
        result.warnings = [w.describe() for w in report.warnings]
        result.unrepaired = len(report.unrepaired)
    except WenzhuanError as exc:
        # the cause alone when it is about the input itself, else with the path it names (an output)
        result.error = _cause(exc) if exc.path in (None, job.input) else str(exc)
    except (MemoryError, RecursionError) as exc:
        result.error = f"ran out of {'memory' if isinstance(exc, MemoryError) else 'stack'} converting it"
    result.seconds = time.perf_counter() - start
    return result


# ------------------------------------------------------------------------------ journal


# file systems stamp mtimes from a clock that may lag time.time_ns() by a tick or round it
_CLOCK_SLACK_NS = 2_000_000_000
# a killed run's outputs without a `done` line were in progress when it last wrote its journal
_IN_FLIGHT_NS = 60_000_000_000


class Journal:
    """`.wenzhuan-batch.jsonl` in the output folder: what this runner made there.

    One JSON object per line, appended as work starts (`"state": "started"`) and ends
    (`"state": "done"`), compacted at the end of a run; a line cut short by a kill is ignored.
    An output is ours (overwritable without --force) when its size and mtime are the ones its
    `done` line recorded, or, for a run killed before it could record it, when it was written
    while that run worked (after its `started` line, and at most a minute after its journal's
    last write); a file edited since is not. A run that ends resolves its claims: outputs it
    failed or never got to are not ours (`failed` lines, and compaction drops `started` ones).
    An output is up to date when its last line is `done` with the same input, input size and
    mtime, options fingerprint, and it is still ours that way.
    """

    def __init__(self, outdir: Path):
        self.outdir = outdir
        self.path = outdir / JOURNAL_NAME
        self.entries: dict[str, dict] = {}
        self._fh = None
        self._prefix = os.path.join(str(outdir), "")
        self._real: dict[str, str] = {}  # input -> its real path, resolved once per run
        self._real_folders: dict[str, str] = {}  # the same for the inputs' folders
        self._last_write = 0  # the journal's mtime when opened: when a killed run last wrote it

    def open(self) -> "Journal":
        try:
            self.outdir.mkdir(parents=True, exist_ok=True)
            if self.path.exists():
                with open(self.path, "rb") as fh:
                    for line in fh:
                        try:
                            entry = json.loads(line)
                            key = entry["output"]
                        except (ValueError, KeyError, TypeError):
                            continue  # a line cut short by a kill
                        prev = self.entries.get(key)
                        state = entry.get("state")
                        if state == "failed":  # the run that started it ended without it
                            if prev and prev.get("state") == "done":
                                self.entries[key] = {k: v for k, v in prev.items() if k != "restarted"}
                            else:
                                self.entries.pop(key, None)
                            continue
                        if state == "started" and prev and prev.get("state") == "done":
                            # a later run that did not record a result: what the earlier run
                            # made stays known, and when the later one started
                            entry = {**prev, "restarted": entry.get("at")}
                        self.entries[key] = entry
                self._last_write = self.path.stat().st_mtime_ns
            self._fh = open(self.path, "a", encoding="utf-8", errors=_JSON_ERRORS)
        except FileExistsError:
            raise OutputError("is a file, not a folder", path=str(self.outdir),
                              hint="give a folder with -o DIR/, or one output file without the /") from None
        except OSError as exc:
            raise OutputError(f"cannot write in it: {exc.strerror or exc}", path=str(self.outdir)) from None
        try:
            import fcntl
            fcntl.flock(self._fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except ImportError:  # pragma: no cover - not POSIX
            pass
        except OSError:
            self._fh.close()
            raise OutputError("another wenzhuan batch is writing into this folder", path=str(self.outdir),
                              hint="wait for it to finish") from None
        return self

    def key(self, output: str | Path) -> str:
        output = str(output)
        if output.startswith(self._prefix) and os.sep == "/":  # outputs are made below outdir
            return output[len(self._prefix):]
        return Path(output).relative_to(self.outdir).as_posix()

    def real(self, source: str) -> str:
        real = self._real.get(source)
        if real is None:
            # os.path.realpath, with each folder resolved once rather than once per file in it
            folder, name = os.path.split(source)
            if name in ("", ".", "..") or os.path.islink(source):
                real = os.path.realpath(source)
            else:
                base = self._real_folders.get(folder)
                if base is None:
                    base = self._real_folders[folder] = os.path.realpath(folder)
                real = os.path.join(base, name)
            self._real[source] = real
        return real

    def foreign(self, output: str) -> str | None:
        """Why the existing `output` must not be overwritten without --force, or None when it is
        the file this runner made there (its size and mtime still the recorded ones)."""
        entry = self.entries.get(self.key(output))
        if entry is None:
            return "already exists and was not made by this batch"
        try:
            stat = _stat(output)
        except OSError:
            return None  # gone meanwhile: nothing to lose
        done = entry.get("state") == "done"
        if done and list(stat) == entry.get("output_stat"):
            return None
        # a run killed before it could record its result: the output is complete (written
        # atomically) and that run's when it was written while the run worked
        started = _claimed_since(entry)
        if started is not None and started - _CLOCK_SLACK_NS <= stat[1] <= self._last_write + _IN_FLIGHT_NS:
            return None
        return "was changed after this batch made it" if done else "already exists and was not made by this batch"

    def up_to_date(self, output: str, source: str, fp: str) -> bool:
        entry = self.entries.get(self.key(output))
        if not entry or entry.get("state") != "done" or entry.get("fingerprint") != fp:
            return False
        try:
            in_size, in_mtime = _stat(source)
            out_size, out_mtime = _stat(output)
        except OSError:
            return False
        return (entry.get("input") == self.real(source)
                and [in_size, in_mtime] == entry.get("input_stat")
                and [out_size, out_mtime] == entry.get("output_stat")
                and out_mtime >= in_mtime)

    def _append(self, entries: Iterable[dict]) -> None:
        lines = "".join(_JSON.encode(e) + "\n" for e in entries)
        if lines:
            self._fh.write(lines)
            self._fh.flush()

    def started(self, jobs: Iterable[Job], fps: Mapping[str, str]) -> None:
        entries = []
        now = time.time_ns()
        for job in jobs:
            for fmt, out in job.outputs:
                entry = {"output": self.key(out), "state": "started", "format": fmt,
                         "input": self.real(job.input), "fingerprint": fps[fmt], "at": now}
                prev = self.entries.get(entry["output"])
                if prev is None:
                    self.entries[entry["output"]] = entry
                elif prev.get("state") == "done" and "restarted" not in prev:  # kept until redone (see `open`)
                    self.entries[entry["output"]] = {**prev, "restarted": now}
                # (else the earlier claim of a killed run stays, from when that run started)
                entries.append(entry)
        self._append(entries)

    def done(self, result: FileResult, fps: Mapping[str, str]) -> None:
        entries = []
        for fmt, out in result.outputs.items():
            if out not in result.output_stats:  # failed: no claim on what may be there
                key = self.key(out)
                if self.entries.get(key, {}).get("state") == "started":
                    del self.entries[key]
                entries.append({"output": key, "state": "failed"})
                continue
            entry = {"output": self.key(out), "state": "done", "format": fmt,
                     "input": self.real(result.input), "fingerprint": fps[fmt],
                     "input_stat": list(result.input_stat or ()),
                     "output_stat": list(result.output_stats[out])}
            self.entries[entry["output"]] = entry
            entries.append(entry)
        self._append(entries)

    def close(self) -> None:
        """Compact to one line per output (atomically), then release the lock. The run's claims
        end with it: an output still only `started` is ours only when it was written while the
        run worked (a worker stopped between writing it and reporting it), else never made."""
        if self._fh is None:
            return
        self.entries = {k: kept for k, e in self.entries.items() if (kept := self._settled(e)) is not None}
        try:
            data = "".join(_JSON.encode(e) + "\n"
                           for _, e in sorted(self.entries.items())).encode("utf-8", _JSON_ERRORS)
            write_atomic(self.path, data)
        except WenzhuanError:
            pass  # the appended journal is still valid
        finally:
            self._fh.close()
            self._fh = None

    def _settled(self, entry: dict) -> dict | None:
        """`entry` as the closing run leaves it (see `close`); None to drop it."""
        since = _claimed_since(entry)
        if since is None:
            return entry
        try:
            stat = _stat(os.path.join(self.outdir, entry["output"]))
            written = stat[1] >= since - _CLOCK_SLACK_NS and (
                entry.get("state") != "done" or list(stat) != entry.get("output_stat"))
        except OSError:
            written = False
        if written:
            return entry  # (as a run killed then would have left it: see `foreign`)
        if entry.get("state") == "done":
            return {x: y for x, y in entry.items() if x != "restarted"}
        return None


def _claimed_since(entry: dict) -> int | None:
    """Since when a run may have written `entry`'s output without recording it (`foreign` on
    open, `_settled` at close): its `started` line's time, or for a `done` entry the time a later
    run started on it again; None when neither is known."""
    return entry.get("restarted") if entry.get("state") == "done" else entry.get("at")


def remove_stale_parts(jobs: Iterable[Job]) -> int:
    """Delete temporary files (`.NAME.*.part`) that a killed run left beside our outputs."""
    removed = 0
    by_folder: dict[str, set[str]] = {}
    for job in jobs:
        for _, out in job.outputs:
            folder, name = os.path.split(out)
            by_folder.setdefault(folder or ".", set()).add(name)
    for folder, names in by_folder.items():
        try:
            entries = os.listdir(folder)
        except OSError:
            continue
        for entry in entries:
            if entry.startswith(".") and entry.endswith(".part"):
                base = entry[1:-5].rsplit(".", 1)[0]
                if base in names:
                    try:
                        os.unlink(os.path.join(folder, entry))
                        removed += 1
                    except OSError:
                        pass
    return removed


# ------------------------------------------------------------------------------- workers

_SETTINGS: Settings | None = None
_IN_JOB = False


class _Terminated(BaseException):
    """Raised in a worker by SIGTERM during a job, so write_atomic removes its temporary file."""


def _on_term(signum, frame):  # noqa: ARG001
    if _IN_JOB:
        raise _Terminated()
    os._exit(128 + signum)


def _init_worker(settings: Settings, main_pid: int) -> None:
    """Runs once in each worker: ignore Ctrl-C (the main process decides), stop cleanly on
    SIGTERM or when the main process dies (even by SIGKILL), and load the plugins once."""
    global _SETTINGS
    _SETTINGS = settings
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _on_term)
    threading.Thread(target=_watch, args=(main_pid,), name="wenzhuan-watchdog", daemon=True).start()
    default_host().catalog  # noqa: B018 - load plugins now, once


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return fh.read().rsplit(b")", 1)[1].split()[0] not in (b"Z", b"X")
    except FileNotFoundError:
        return False
    except (OSError, IndexError):
        try:
            os.kill(pid, 0)
            return True
        except ProcessLookupError:
            return False
        except OSError:
            return True


def _watch(main_pid: int) -> None:
    """A worker's watchdog: when the main process is gone, SIGTERM ourselves, so a job in
    progress removes its temporary file and the worker exits instead of waiting forever."""
    try:
        poller = select.poll()  # (not select: it cannot watch a descriptor above 1023)
        poller.register(os.pidfd_open(main_pid), select.POLLIN)  # Linux 5.3+: readable when it ends
    except (AttributeError, OSError):
        poller = None
    while _alive(main_pid):
        if poller is not None:
            poller.poll(5000)
        else:
            time.sleep(0.5)
    os.kill(os.getpid(), signal.SIGTERM)


def _work(jobs: Sequence[Job]) -> list[FileResult]:
    """Convert a few files in a row: one task for several small files costs the pool (pickling,
    queues, wake-ups) a fifth of one task per file."""
    global _IN_JOB
    results = []
    for job in jobs:
        _IN_JOB = True
        try:
            results.append(convert_one(job, _SETTINGS))
        except _Terminated:
            os._exit(143)
        finally:
            _IN_JOB = False
    return results


# -------------------------------------------------------------------------------- runner


@dataclass
class Summary:
    results: list[FileResult] = field(default_factory=list)
    total: int = 0
    seconds: float = 0.0
    interrupted: str | None = None  # "interrupted" or "fail-fast"
    not_done: list[FileResult] = field(default_factory=list)  # when stopped: what a rerun would do

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def failed(self) -> list[FileResult]:
        return [r for r in self.results if r.status == "failed"]

    def to_dict(self, settings: Settings | None = None) -> dict[str, Any]:
        return {
            "wenzhuan_batch": REPORT_VERSION,
            "formats": list(settings.formats) if settings else [],
            "total": self.total, "converted": self.count("converted"), "skipped": self.count("skipped"),
            "failed": self.count("failed"), "not_done": self.total - len(self.results),
            "stopped": self.interrupted, "seconds": round(self.seconds, 3),
            "files": [r.to_dict() for r in (*self.results, *self.not_done)],
        }


class _Stop(Exception):
    pass


def run_batch(jobs: Sequence[Job], settings: Settings, outdir: Path, *, workers: int = 1,
              force: bool = False, fail_fast: bool = False, pre_failed: Sequence[FileResult] = (),
              on_result: Callable[[FileResult, int, int], None] | None = None,
              on_start: Callable[[int], None] | None = None) -> Summary:
    """Convert `jobs` into `outdir`; see the module docstring. `on_result(result, done, total)`
    is called in this process as each file finishes (skipped and failed ones included);
    `on_start(total)` once before the first. KeyboardInterrupt (Ctrl-C, or SIGTERM, which is
    turned into one here) stops the run: files in progress finish (a second Ctrl-C stops them
    too: no output is ever left partial, though a hidden temporary file may be, which the next
    run removes) and the summary says `interrupted`.

    Workers are processes: a script calling this with `workers > 1` while other threads run
    (so workers come from a forkserver) needs the usual `if __name__ == "__main__":` guard."""
    catalog = default_host().catalog
    writers = {f: catalog.writer(f) for f in settings.formats}
    fps = {f: fingerprint(settings, w, catalog) for f, w in writers.items()}
    summary = Summary(total=len(jobs) + len(pre_failed))
    start = time.perf_counter()
    journal = Journal(outdir).open()
    old_term = signal.getsignal(signal.SIGTERM)

    def _term(signum, frame):  # noqa: ARG001
        raise KeyboardInterrupt

    try:
        signal.signal(signal.SIGTERM, _term)
    except ValueError:  # not the main thread
        old_term = None

    def emit(result: FileResult) -> None:
        summary.results.append(result)
        if on_result:
            on_result(result, len(summary.results), summary.total)
        if result.status == "failed" and fail_fast:
            raise _Stop

    # What is alive now (the plugins, their tables and models) lives as long as the run: frozen,
    # the garbage collector leaves it alone instead of walking all of it again and again, and
    # forked workers do not copy every page of it (copy-on-write) when they collect. Not when
    # the calling program froze objects of its own: unfreezing afterwards would release them.
    freeze = not gc.get_freeze_count()
    if freeze:
        gc.freeze()
    try:
        _FOLDERS_MADE.clear()  # folders may have changed since an earlier run in this process
        remove_stale_parts(jobs)
        if on_start:
            on_start(summary.total)
        todo: list[Job] = []
        partly_done: dict[str, list[str]] = {}
        for result in pre_failed:
            emit(result)
        for job in jobs:
            pending = tuple((f, o) for f, o in job.outputs
                            if force or not journal.up_to_date(o, job.input, fps[f]))
            if not pending:
                emit(FileResult(job.input, dict(job.outputs), "skipped"))
                continue
            fresh = [o for f, o in job.outputs if (f, o) not in pending]
            refusal = _refusal(job.input, pending, journal, force)
            if refusal:
                emit(FileResult(job.input, dict(job.outputs), "failed", error=refusal))
                continue
            todo.append(Job(job.input, pending, job.root))
            if fresh:
                partly_done[job.input] = fresh
        journal.started(todo, fps)

        def finish(result: FileResult) -> None:
            journal.done(result, fps)
            result.up_to_date = partly_done.get(result.input, [])
            emit(result)

        if workers <= 1 or len(todo) <= 1:  # in this process: no pool to start
            for job in todo:
                finish(convert_one(job, settings))
        elif _can_fork():
            _run_forked(todo, settings, min(workers, len(todo)), finish, freeze=freeze)
        else:
            _run_pool(todo, settings, min(workers, len(todo)), finish)
    except KeyboardInterrupt:
        summary.interrupted = "interrupted"
    except _Stop:
        summary.interrupted = "fail-fast"
    finally:
        if freeze:
            gc.unfreeze()
        journal.close()
        if summary.interrupted:
            seen = {r.input for r in summary.results}
            summary.not_done = [FileResult(j.input, dict(j.outputs), "not done") for j in jobs if j.input not in seen]
        summary.seconds = time.perf_counter() - start
        if old_term is not None:
            signal.signal(signal.SIGTERM, old_term)
    return summary


def _refusal(source: str, outputs: Sequence[tuple[str, str]], journal: Journal, force: bool) -> str | None:
    """Why `source` cannot be converted into `outputs` as they are: one of them is the input
    itself, or (without --force) a file this batch did not make or that was edited since."""
    for _, out in outputs:
        if not os.path.lexists(out):
            continue
        try:
            if os.path.samefile(out, source):
                return f"{out} is the input itself; give another output folder with -o"
        except OSError:
            pass
        why = None if force else journal.foreign(out)
        if why:
            return f"{out} {why} (use --force to overwrite it)"
    return None


def _can_fork() -> bool:
    """Whether workers can be forked from this process: it has no other thread (the CLI: the
    progress bar refreshes without a thread for this reason; forking while threads run can
    deadlock the child). Forked workers start in milliseconds with the plugins loaded."""
    return hasattr(os, "fork") and threading.active_count() == 1


def _pool_context():
    """forkserver where there is one, whose workers start clean and load the plugins once in
    their initializer; else spawn. (For a process with threads: see `_can_fork`.)"""
    import multiprocessing  # (here: a batch run in this process, or a single file, needs none of it)

    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    ctx = multiprocessing.get_context("forkserver")
    from .manager import DEFAULT_PLUGINS
    ctx.set_forkserver_preload(["wenzhuan.batch", *DEFAULT_PLUGINS])  # imported once, shared by forks
    return ctx


# A task holds as many files as take about this long (by the seconds per file so far): results,
# and so the journal and the display, are never more than this much work behind, which is also
# all a `kill -9` of the main process can cost a rerun per worker. Every task costs the pool CPU
# (pickling, pipes, wake-ups): with 25 ms (2-4 Markdown articles a task) the main process of a
# 1,000-article batch spent about 0.1 s more than with 50 ms, which still keeps the display lively.
TASK_SECONDS = 0.05
MAX_TASK_FILES = 32
# Files the main process converts before it forks the workers, spread over the batch: plugins
# load what they load on first use for each kind of input (parsers, tables, the passes' models)
# here, once, and every worker inherits it instead of loading it again. One per this many files
# of the batch (the workers start that much later), at most `WARM_FILES`, none over
# `WARM_MAX_BYTES` (a large file would hold them up).
WARM_EVERY = 250
WARM_FILES = 4
WARM_MAX_BYTES = 256 * 1024


class _Chunker:
    """Hands out the jobs a few at a time: one at a time until files have been timed, then as
    many as take about `TASK_SECONDS`, and fewer towards the end, so that the workers finish
    together rather than one waiting for another's last task."""

    def __init__(self, todo: Sequence[Job], workers: int):
        self.queue = iter(todo)
        self.left = len(todo)
        self.workers = workers
        self.seconds = 0.0
        self.files = 0

    def timed(self, result: FileResult) -> None:
        self.seconds += result.seconds
        self.files += 1

    def next(self) -> list[Job]:
        per_file = self.seconds / self.files if self.files else TASK_SECONDS
        n = max(1, min(MAX_TASK_FILES, int(TASK_SECONDS / per_file) if per_file > 0 else MAX_TASK_FILES,
                       self.left // (2 * self.workers)))
        jobs = [job for _, job in zip(range(n), self.queue)]
        self.left -= len(jobs)
        return jobs


def _warm_up(todo: Sequence[Job], settings: Settings, finish: Callable[[FileResult], None]) -> list[Job]:
    """Convert a few files spread over `todo` in this process (see `WARM_FILES`); returns the
    other jobs."""
    n = max(1, min(WARM_FILES, len(todo) // WARM_EVERY))
    picks = {i * (len(todo) - 1) // max(1, n - 1) for i in range(n)}
    for i in sorted(picks):
        try:
            small = os.stat(todo[i].input).st_size <= WARM_MAX_BYTES
        except OSError:
            small = False
        if not small:
            picks.discard(i)
            continue
        finish(convert_one(todo[i], settings))
    return [job for i, job in enumerate(todo) if i not in picks]


# Forked workers send each result as soon as they have it; the main process takes what has come
# in, then waits this long before looking again (until every file is claimed), so that it wakes
# once for several results: woken for each, it took 0.1 s of CPU from the workers per 1,000
# Markdown articles, against 0.04 s.
COLLECT_PAUSE = 0.02


def _run_forked(todo: Sequence[Job], settings: Settings, workers: int,
                finish: Callable[[FileResult], None], *, freeze: bool = False) -> None:
    """Convert in `workers` processes forked from this one, which records the results.

    Each worker claims the next file from a counter in shared memory, so no process hands out
    work and none waits to be given some, and sends each result down its own pipe as soon as it
    has it (the journal and the display are never more than a file behind). A worker that dies
    (killed, out of memory) fails only the file it was converting, and another takes its place;
    one terminated (SIGTERM) mid-file leaves that file to be converted again. Stopping (Ctrl-C,
    `fail_fast`): no file is claimed any more and the running ones finish; a second Ctrl-C
    terminates the workers, whose results are still read to the end."""
    todo = _warm_up(todo, settings, finish)
    workers = min(workers, len(todo))
    if not workers:
        return
    if freeze:
        gc.freeze()  # (see run_batch) what the warm-up loaded too, before the workers inherit it
    claims = _Claims(len(todo), workers)
    readers: dict[_ResultReader, tuple[int, int]] = {}  # a worker's pipe -> (its pid, its number)
    done: set[int] = set()  # files with a result
    replacements = len(todo)  # (a bound: a worker that dies converting a file fails that file)
    stopping = False

    def start(number: int) -> None:
        claims.set_current(number, -1)
        sys.stdout.flush()  # (a worker must not write again what this process had buffered)
        sys.stderr.flush()
        read_fd, write_fd = os.pipe()
        with _signals_held():  # (neither process may be interrupted half-made)
            pid = os.fork()
            if pid == 0:  # the worker: never returns
                os.close(read_fd)
                for other in readers:
                    other.close()
                _forked_worker(claims, number, write_fd, todo, settings)
            os.close(write_fd)
            readers[_ResultReader(read_fd)] = (pid, number)

    def ended(reader) -> None:
        nonlocal replacements
        pid, number = readers.pop(reader)
        reader.close()
        _, status = os.waitpid(pid, 0)
        code = os.waitstatus_to_exitcode(status)
        lost = claims.current(number)
        # (stopping, it is "not done"; terminated, not the file's doing: converted at the end)
        if lost >= 0 and lost not in done and not stopping and code != 128 + signal.SIGTERM:
            done.add(lost)
            job = todo[lost]
            why = f"killed by signal {-code}" if code < 0 else f"exit status {code}"
            finish(FileResult(job.input, dict(job.outputs), "failed",
                              error=f"the worker converting it stopped ({why})"))
        if code and not stopping and not claims.exhausted() and replacements > 0:
            replacements -= 1
            start(number)

    def collect() -> None:
        # results read but left unrecorded by a stop raised while recording them come first
        ready = [reader for reader in readers if reader.results]
        if not ready:
            ready = _readable(readers)
            for reader in ready:
                reader.read()
        for reader in ready:
            while reader.results:
                i, result = reader.results.popleft()
                done.add(i)
                finish(result)
            if reader.closed:  # the worker finished, or died
                ended(reader)

    try:
        for number in range(workers):
            start(number)
        while readers:
            collect()
            # (not while a result is half read: its worker waits for the pipe to be emptied)
            if not claims.exhausted() and not any(reader.buffer for reader in readers):
                time.sleep(COLLECT_PAUSE)  # (see COLLECT_PAUSE)
        # what no worker took (too many died) or finished (terminated, or gone without a trace)
        for i in range(len(todo)):
            if i not in done:
                finish(convert_one(todo[i], settings))
    except BaseException:
        stopping = True
        with _signals_held():
            claims.stop()
        try:
            while readers:
                try:
                    collect()
                except _Stop:
                    pass
        except KeyboardInterrupt:
            for pid, _ in readers.values():
                try:
                    os.kill(pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
            while readers:  # what they finished before the signal is still recorded
                try:
                    collect()
                except (KeyboardInterrupt, _Stop):
                    pass
        raise
    finally:
        claims.close()


@contextlib.contextmanager
def _signals_held():
    """SIGINT and SIGTERM held back by the kernel, and delivered on leaving."""
    held = signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


_STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}


class _Claims:
    """Which file each forked worker converts: the next file to claim and each worker's current
    one, in a small file mapped into memory and shared with the workers (inherited by fork). A
    POSIX record lock on that file guards the counter: unlike a semaphore, the kernel releases
    it when its holder dies."""

    def __init__(self, total: int, workers: int):
        import mmap

        self.total = total
        size = 8 * (1 + workers)  # [next file, each worker's file or -1]
        try:
            self.fd = os.memfd_create("wenzhuan-claims")  # (Linux: in memory, no folder needed)
        except (AttributeError, OSError):
            import tempfile

            with tempfile.TemporaryFile() as fh:
                self.fd = os.dup(fh.fileno())
        os.ftruncate(self.fd, size)
        self.memory = mmap.mmap(self.fd, size)
        for number in range(workers):
            self.set_current(number, -1)

    @contextlib.contextmanager
    def _locked(self):
        import fcntl

        fcntl.lockf(self.fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.lockf(self.fd, fcntl.LOCK_UN)

    def claim(self, number: int | None = None) -> int | None:
        """The next file, recorded as worker `number`'s in the same step (so a worker killed
        right after claiming still leaves a trace of its file); None when all are claimed."""
        with self._locked():
            i = int.from_bytes(self.memory[0:8], "little", signed=True)
            if i >= self.total:
                return None
            self.memory[0:8] = (i + 1).to_bytes(8, "little", signed=True)
            if number is not None:
                self.set_current(number, i)
            return i

    def exhausted(self) -> bool:
        """Whether every file has been claimed (a read without the lock: the counter only grows)."""
        return int.from_bytes(self.memory[0:8], "little", signed=True) >= self.total

    def stop(self) -> None:
        """No file is claimed any more."""
        with self._locked():
            self.memory[0:8] = self.total.to_bytes(8, "little", signed=True)

    def current(self, number: int) -> int:
        at = 8 * (1 + number)
        return int.from_bytes(self.memory[at:at + 8], "little", signed=True)

    def set_current(self, number: int, i: int) -> None:
        at = 8 * (1 + number)
        self.memory[at:at + 8] = i.to_bytes(8, "little", signed=True)

    def close(self) -> None:
        self.memory.close()
        os.close(self.fd)


# A forked worker sends each result down its own pipe as a frame: its length (4 bytes), then
# the (index, FileResult's fields) marshalled ("m"), or pickled ("p") when a plugin put in a value
# of another type than the builtins (a str subclass, an enum), which marshal refuses. Plain
# os.pipe and marshal: multiprocessing.connection and pickle took 7 ms to import, before the
# workers could start.
_RESULT_FIELDS = tuple(f.name for f in fields(FileResult))


def _send_result(fd: int, i: int, result: FileResult) -> None:
    values = (i, tuple(getattr(result, name) for name in _RESULT_FIELDS))
    try:
        data = b"m" + marshal.dumps(values)
    except ValueError:
        import pickle

        data = b"p" + pickle.dumps(values, pickle.HIGHEST_PROTOCOL)
    write_all(fd, len(data).to_bytes(4, "little") + data)


class _ResultReader:
    """The main process's end of a worker's pipe: `results` read but not yet recorded (a
    stop raised while recording them leaves the rest there), and whether the worker's end is
    `closed` (it exited or died; a frame it was writing is lost with it)."""

    def __init__(self, fd: int):
        self.fd = fd
        self.buffer = bytearray()  # the start of a frame still coming in
        self.results: deque[tuple[int, FileResult]] = deque()
        self.closed = False

    def read(self) -> None:
        """Take what the pipe holds (`_readable` found it readable)."""
        try:
            data = os.read(self.fd, 1 << 20)
        except OSError:
            data = b""
        if not data:
            self.closed = True
            return
        buffer = self.buffer
        buffer += data
        start = 0
        while len(buffer) - start >= 4:
            end = start + 4 + int.from_bytes(buffer[start:start + 4], "little")
            if end > len(buffer):
                break
            frame = bytes(buffer[start + 5:end])
            if buffer[start + 4] == ord("m"):
                i, values = marshal.loads(frame)
            else:
                import pickle

                i, values = pickle.loads(frame)
            self.results.append((i, FileResult(*values)))
            start = end
        del buffer[:start]

    def close(self) -> None:
        os.close(self.fd)


def _readable(readers: Iterable[_ResultReader]) -> list[_ResultReader]:
    """The readers with something to read (or closed), waiting until there is one. (`poll`,
    not `select`, which cannot watch descriptors above 1023 in a program that holds many.)"""
    poller = select.poll()
    by_fd = {}
    for reader in readers:
        poller.register(reader.fd, select.POLLIN)
        by_fd[reader.fd] = reader
    return [by_fd[fd] for fd, _ in poller.poll()]


def _forked_worker(claims: _Claims, number: int, conn: int, todo: Sequence[Job], settings: Settings) -> None:
    """A forked worker's life (see `_run_forked`); ends the process, never returns. It starts
    with SIGINT and SIGTERM held (`_signals_held`) and lets them through once its own handlers
    are in place."""
    global _IN_JOB
    status = 0
    try:
        # its own streams, not the progress display's wrappers (which would redraw a stale bar)
        sys.stdout, sys.stderr = sys.__stdout__ or sys.stdout, sys.__stderr__ or sys.stderr
        _init_worker(settings, os.getppid())
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)
        while True:
            i = claims.claim(number)
            if i is None:
                break
            _IN_JOB = True
            try:
                result = convert_one(todo[i], settings)
            except _Terminated:
                os._exit(128 + signal.SIGTERM)
            finally:
                _IN_JOB = False
            _send_result(conn, i, result)
            claims.set_current(number, -1)
        os.close(conn)
    except BaseException:  # noqa: BLE001 - the main process reports the file as failed
        status = 1
    os._exit(status)  # (not the main process's exit handlers, nor its buffers)


def _run_pool(todo: Sequence[Job], settings: Settings, workers: int,
              finish: Callable[[FileResult], None]) -> None:
    """Workers from a forkserver (see `_can_fork`): a `ProcessPoolExecutor` given a few files
    at a time, with at most a few tasks per worker in flight, so stopping is quick and memory
    flat.

    A worker that dies (killed, out of memory, a crash in an extension) breaks the whole pool:
    every task in flight fails with it, whichever file was the cause. Those files are converted
    again in a new pool, one at a time, so that a file that kills its worker alone fails, and
    only it; then the rest goes on as before."""
    from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    def new_pool() -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=workers, mp_context=_pool_context(),
                                   initializer=_init_worker, initargs=(settings, os.getpid()))

    chunker = _Chunker(todo, workers)
    pool = new_pool()
    in_flight: dict[Future, list[Job]] = {}
    suspects: deque[Job] = deque()  # in flight when a worker died: converted again alone
    alone: Future | None = None  # the task of the one suspect in flight
    graceful = True
    try:
        def submit(jobs: list[Job]) -> Future:
            try:
                fut = pool.submit(_work, jobs)
            except BrokenProcessPool as exc:
                # a worker died since the last look (the pool refuses new tasks at once, and
                # fails those in flight a moment later): the task fails with the pool, as they do
                fut = Future()
                fut.set_exception(exc)
            in_flight[fut] = jobs
            return fut

        def refill() -> None:
            nonlocal alone
            if alone is not None:  # nothing else in flight until it is done
                return
            if suspects:
                if not in_flight:
                    alone = submit([suspects.popleft()])
                return
            while len(in_flight) < workers * 2:
                jobs = chunker.next()
                if not jobs:
                    return
                submit(jobs)

        def failed(jobs: Sequence[Job], why: str) -> None:
            for job in jobs:
                finish(FileResult(job.input, dict(job.outputs), "failed",
                                  error=f"the worker converting it stopped {why}"))

        def take(fut: Future) -> bool:
            """Reports the files of a finished task; False when the pool broke under it."""
            nonlocal alone
            jobs = in_flight.pop(fut)
            was_alone = fut is alone
            if was_alone:
                alone = None
            try:
                results = fut.result()
            except BrokenProcessPool:
                if was_alone:
                    failed(jobs, "(killed, or it crashed)")
                else:
                    suspects.extend(jobs)
                return False
            except Exception as exc:  # noqa: BLE001 - its result could not be sent back
                failed(jobs, f"({type(exc).__name__}: {exc})")
                return True
            for result in results:
                chunker.timed(result)
                finish(result)
            return True

        refill()
        while in_flight:
            done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            if not all([take(fut) for fut in done]):  # (a list: every one of them taken)
                # the others in flight fail with the pool (the executor marks them all at once)
                for fut in wait(in_flight).done:
                    take(fut)
                pool.shutdown(wait=False, cancel_futures=True)
                pool = new_pool()
            refill()
    except BaseException:
        # Stop: drop what has not started; let running files finish (each output is complete
        # or absent either way); a second Ctrl-C terminates the workers, which then remove
        # their temporary files.
        for fut in in_flight:
            fut.cancel()
        try:
            _drain(in_flight, finish)
        except KeyboardInterrupt:
            graceful = False
            for proc in list((pool._processes or {}).values()):  # noqa: SLF001
                proc.terminate()
        raise
    finally:
        pool.shutdown(wait=graceful, cancel_futures=True)


def _drain(in_flight: Mapping[Future, list[Job]], finish: Callable[[FileResult], None]) -> None:
    running = [f for f in in_flight if not f.cancelled()]
    for fut in running:
        try:
            results = fut.result()
        except Exception:  # noqa: BLE001
            continue
        for result in results:
            try:
                finish(result)
            except _Stop:
                pass


# ------------------------------------------------------------------------------- display


class PlainDisplay:
    """One line per file on `stream`, for logs and pipes:

        [1/3] converted in/a.txt -> out/a.md
        [2/3] skipped in/b.txt (up to date)
        [3/3] failed in/c.txt: cannot decode as utf-8: ...
    """

    def __init__(self, stream):
        self.stream = stream

    def start(self, total: int) -> None:
        pass

    def result(self, r: FileResult, done: int, total: int) -> None:
        width = len(str(total))
        head = f"[{done:>{width}}/{total}] "
        if r.status == "converted":
            line = f"converted {r.input} -> {', '.join(r.outputs.values())}"
        elif r.status == "skipped":
            line = f"skipped {r.input} (up to date)"
        else:
            line = f"failed {r.input}: {r.error}"
        self.stream.write(head + line + "\n")
        self.stream.flush()

    def stop(self) -> None:
        pass


class Tee:
    def __init__(self, *displays):
        self.displays = [d for d in displays if d is not None]

    def start(self, total: int) -> None:
        for d in self.displays:
            d.start(total)

    def result(self, r: FileResult, done: int, total: int) -> None:
        for d in self.displays:
            d.result(r, done, total)

    def stop(self) -> None:
        for d in self.displays:
            d.stop()


class RichDisplay:
    """A progress bar on a terminal: files done/total, rate, errors so far, time left; each
    failure is printed above the bar as it happens. It redraws as results come in, without a
    refresh thread, so the worker processes can be forked safely."""

    def __init__(self, stream):
        from rich.console import Console
        from rich.progress import (
            BarColumn, MofNCompleteColumn, Progress, ProgressColumn, TextColumn, TimeElapsedColumn,
            TimeRemainingColumn,
        )
        from rich.text import Text

        class Rate(ProgressColumn):
            def render(self, task):
                speed = task.finished_speed or task.speed
                return Text(f"{speed:,.1f} files/s" if speed else "– files/s", style="progress.data.speed")

        class Errors(ProgressColumn):
            def render(self, task):
                n = task.fields.get("errors", 0)
                return Text(f"{n} failed", style="bold red" if n else "dim")

        self.console = Console(file=stream, stderr=stream is sys.stderr)
        self.progress = Progress(TextColumn("[bold]converting"), BarColumn(), MofNCompleteColumn(), Rate(),
                                 Errors(), TimeElapsedColumn(), TimeRemainingColumn(),
                                 console=self.console, transient=False, auto_refresh=False)
        self.task = None
        self.errors = 0
        self.shown = 0.0

    def start(self, total: int) -> None:
        self.progress.start()
        self.task = self.progress.add_task("convert", total=total, errors=0)
        self.progress.refresh()

    def result(self, r: FileResult, done: int, total: int) -> None:
        if r.status == "failed":
            self.errors += 1
            self.console.print(f"[red]failed[/red] {r.input}: {r.error}", markup=True, highlight=False,
                               soft_wrap=True)
        now = time.monotonic()
        if now - self.shown >= 0.1 or done == total or r.status == "failed":  # at most 10 redraws a second
            self.progress.update(self.task, completed=done, errors=self.errors, refresh=True)
            self.shown = now
        else:
            self.progress.update(self.task, completed=done, errors=self.errors)

    def stop(self) -> None:
        self.progress.stop()


def pick_display(*, quiet: bool, stdout=None, stderr=None):
    """A bar on stderr when it is a terminal; one line per file on stdout when stdout is not a
    terminal, or when there is no bar; nothing with `quiet`."""
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    if quiet:
        return Tee()
    bar = RichDisplay(stderr) if _isatty(stderr) else None
    lines = PlainDisplay(stdout) if (not _isatty(stdout) or bar is None) else None
    return Tee(bar, lines)


def _isatty(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


# At most this many warnings are listed at the end of a batch (the report has them all).
SHOWN_WARNINGS = 10


def summary_lines(summary: Summary, *, force: bool = False) -> list[str]:
    """The closing lines: one `wenzhuan: error: FILE: cause` per failure, the first
    `SHOWN_WARNINGS` warnings as `wenzhuan: warning: FILE: message`, then the totals."""
    lines = [f"wenzhuan: error: {r.input}: {r.error}" for r in summary.failed]
    warned = sorted((r for r in summary.results if r.warnings), key=lambda r: natural_key(r.input))
    warnings = [f"wenzhuan: warning: {r.input}: {w}" for r in warned for w in r.warnings]
    lines += warnings[:SHOWN_WARNINGS]
    if len(warnings) > SHOWN_WARNINGS:
        lines.append(f"wenzhuan: ... and {len(warnings) - SHOWN_WARNINGS} more warnings "
                     "(--report FILE.json lists them all)")
    rate = len(summary.results) / summary.seconds if summary.seconds > 0 else 0.0
    with_warnings = f" ({len(warned)} with warnings)" if warned else ""
    totals = (f"{summary.total} file{'s' if summary.total != 1 else ''}: {summary.count('converted')} converted{with_warnings}, "
              f"{summary.count('skipped')} up to date, {summary.count('failed')} failed "
              f"in {summary.seconds:.2f} s ({rate:.1f} files/s)")
    left = summary.total - len(summary.results)
    if summary.interrupted == "interrupted":
        again = "the same command again without --force" if force else "the same command again"
        lines.append(f"wenzhuan: interrupted: {totals}; {left} not done: run {again} to finish")
    elif summary.interrupted == "fail-fast":
        lines.append(f"wenzhuan: stopped at the first failure (--fail-fast): {totals}; {left} not done")
    else:
        lines.append(f"wenzhuan: {totals}")
    return lines


def exit_status(summary: Summary) -> int:
    if summary.interrupted == "interrupted":
        return 130
    return 1 if summary.failed or summary.interrupted else 0


# ---------------------------------------------------------------------------- the command


def output_is_folder(inputs: Sequence[str], output: str | None, n_formats: int) -> bool:
    """The rule `convert --help` states: -o names an output folder (batch mode: one output per
    input file) when it ends with `/`, is an existing folder, when several formats are asked
    for, or when an input is a folder and -o has no extension. Otherwise -o is one file: the
    one input's output, or one collection of all inputs."""
    if output == "-":
        return False
    if n_formats > 1:
        return True
    if output is None:
        return False
    if output.endswith(("/", os.sep)) or Path(output).is_dir():
        return True
    return not Path(output).suffix and any(Path(i).is_dir() for i in inputs if i != "-")


def report_json(report: dict[str, Any]) -> bytes:
    """The `--report` file: indented, with each of its `files` on one line (a file's whole record
    is one line for grep, and the C encoder, which `indent` would turn off, writes them in a
    third of the time: 5 ms for 1,000 files instead of 16)."""
    files = report["files"]
    head = json.dumps({**report, "files": []}, ensure_ascii=False, indent=2)
    if not files:
        return head.encode("utf-8", _JSON_ERRORS) + b"\n"
    body = ",\n".join("    " + _JSON.encode(f) for f in files)
    head = head.removesuffix("[]\n}")  # (`files` is the last key: its list goes where `[]` was)
    return f"{head}[\n{body}\n  ]\n}}\n".encode("utf-8", _JSON_ERRORS)


def batch_command(inputs: Sequence[str], outdir: Path, writers: Sequence[Writer], settings: Settings, *,
                  patterns: Sequence[str] | None, workers: int | None, force: bool, fail_fast: bool,
                  quiet: bool, report: str | None, echo_error: Callable[[str], None]) -> int:
    """`wenzhuan convert ... -o OUTDIR/`: plan, run with a display, print the summary, write
    the report; returns the exit status."""
    if "-" in inputs:
        raise WenzhuanError("standard input (-) cannot be part of a batch conversion",
                            hint="write it to a file first, or convert it alone with -o FILE")
    catalog = default_host().catalog
    for w in writers:  # bad options fail once, up front, not once per file
        resolve_options(w.options, options_for(w, settings.writer_options, writers), owner=f"format {w.name!r}")
    for t in settings.transforms:
        catalog.transform(t)
    check_skipped_passes(settings.skip_passes, catalog)
    if report:  # (checked now: found at the end, it would cost the run its report)
        _check_report_path(Path(report), outdir)
    patterns = tuple(patterns) if patterns else default_patterns(catalog)
    plan = plan_batch(inputs, outdir, writers, patterns)
    if not quiet:
        for folder, why in plan.notes:
            echo_error(f"wenzhuan: {folder}: {why}")
    display = pick_display(quiet=quiet)
    display_started = False

    def start(total: int) -> None:
        nonlocal display_started
        display.start(total)
        display_started = True

    try:
        summary = run_batch(plan.jobs, settings, outdir, workers=workers or os.cpu_count() or 1, force=force,
                            fail_fast=fail_fast, pre_failed=plan.clashes, on_result=display.result,
                            on_start=start)
    finally:
        if display_started:
            display.stop()
    for line in summary_lines(summary, force=force):
        if quiet and not line.startswith("wenzhuan: error:") and not summary.interrupted:
            continue
        echo_error(line)
    if report:
        data = report_json(summary.to_dict(settings))
        target = Path(report)
        _check_report_path(target, outdir)
        write_atomic(target, data)
    return exit_status(summary)


def _check_report_path(target: Path, outdir: Path) -> None:
    if target.is_dir():
        raise OutputError("is a directory", path=str(target), hint="give a file name for the report")
    made = Path(os.path.abspath(outdir))  # (the batch makes the output folder and its parents)
    if not target.parent.is_dir() and Path(os.path.abspath(target.parent)) not in (made, *made.parents):
        raise OutputError("its folder does not exist", path=str(target),
                          hint="make the folder first, or give the report another path")


__all__ = [
    "FileResult", "Job", "Journal", "Plan", "Settings", "Summary", "batch_command", "convert_one",
    "default_patterns", "expand_inputs", "fingerprint", "natural_key", "options_for", "output_is_folder",
    "output_path", "plan_batch", "run_batch", "safe_name", "summary_lines", "walk_folder",
]

