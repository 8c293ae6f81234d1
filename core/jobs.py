"""One conversion as plain data in and plain data out, so it can run in a worker process.

The HTTP service sends jobs here; the result says what was made, or which kind of error
happened and its message (the same message the CLI prints), never a traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .errors import (
    FormatError, InputError, InputTooLargeError, OptionError, OutputError, PluginError,
    UnsupportedInputError, WenzhuanError,
)
from .manager import default_host
from .model import to_dict
from .pipeline import Source, apply_transforms, load, render
from .registry import options_for
from .script import plan_editions

# Most specific first: the kind names the HTTP status the service answers with.
ERROR_KINDS: tuple[tuple[type, str], ...] = (
    (InputTooLargeError, "too_large"),
    (UnsupportedInputError, "unsupported"),
    (InputError, "input"),
    (FormatError, "options"),
    (OptionError, "options"),
    (PluginError, "plugin"),
    (OutputError, "input"),
    (WenzhuanError, "input"),
)


def error_kind(exc: BaseException) -> str:
    for cls, kind in ERROR_KINDS:
        if isinstance(exc, cls):
            return kind
    return "internal"


def run_job(job: dict[str, Any]) -> dict[str, Any]:
    try:
        return {"ok": True, **_run(job)}
    except WenzhuanError as exc:
        return {"ok": False, "kind": error_kind(exc), "message": str(exc)}
    except Exception as exc:  # noqa: BLE001 - a bug; the service logs it, the client sees no trace
        return {"ok": False, "kind": "internal", "message": f"{type(exc).__name__}: {exc}"}


def _run(job: dict[str, Any]) -> dict[str, Any]:
    host = default_host()
    source = Source(job["data"], job.get("name") or "<upload>")
    loaded = load(source, host=host, encoding=job.get("encoding"), from_format=job.get("from"),
                  skip_passes=job.get("skip_passes", ()))
    if job.get("inspect"):
        return {"document": to_dict(loaded.document), "changes": loaded.report.to_dict()}
    catalog = host.catalog
    writers = [catalog.writer(name) for name in job["formats"]]
    options = dict(job.get("options", {}))
    given = {w.name: options_for(w, options, writers) for w in writers}  # (refuses options no format has)
    # A path option names a file on the server: over HTTP it would let any client read (and
    # probe for) the server's files, so the service refuses such options outright.
    server_files = sorted(o.name for w in writers for o in w.options
                          if o.type is Path and (o.name in options or o.name.replace("_", "-") in options))
    if server_files:
        raise OptionError(f"option(s) {', '.join(server_files)} name a file on the server and are not "
                          "accepted over HTTP", hint="run `wenzhuan convert` locally to use them")
    # the same script options as `wenzhuan convert --script/--bilingual`, so both behave alike
    plan = plan_editions(script=job.get("script"), bilingual=job.get("bilingual"), layout=job.get("layout"),
                         mark_differences=job.get("mark_differences", False),
                         writer=writers[0].name if len(writers) == 1 else "")[0]
    try:
        doc = apply_transforms(loaded.document, [*job.get("transforms", ()), *plan.transforms], loaded.report,
                               host=host, options=plan.options)
        files = []
        for writer in writers:
            data = render(doc, writer, given[writer.name], loaded.report, catalog=catalog)
            files.append({"format": writer.name, "extension": writer.extensions[0] if writer.extensions else "bin",
                          "media_type": writer.media_type, "data": data})
    except WenzhuanError as exc:
        raise exc.with_path(source.name)
    return {"files": files, "changes": loaded.report.to_dict()}
