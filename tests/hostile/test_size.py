"""Size: one 50 MB line and a million short lines convert in reasonable time and memory; inputs
over `--max-input-size` (default 100 MB) are refused before they are read, from a file, a
device, standard input or the HTTP service."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from .kit import error_line, leftovers

ENV = {**os.environ, "WENZHUAN_LOAD_PLUGINS": ""}
HAN = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经"


def _wenzhuan(*args, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "wenzhuan", *map(str, args)], capture_output=True,
                          timeout=300, env=ENV, **kw)


def test_a_200_mb_file_is_refused_without_being_read(tmp_path):
    big = tmp_path / "huge.txt"
    with open(big, "wb") as fh:  # sparse: 200 MB that take no disk
        fh.truncate(200 * 1048576)
    out = tmp_path / "out"
    out.mkdir()
    probe = ("import resource, subprocess, sys\n"
             f"p = subprocess.run([sys.executable, '-m', 'wenzhuan', 'convert', {str(big)!r}, '-o', {str(out / 'x.md')!r}],"
             " capture_output=True)\n"
             "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
             "sys.stderr.buffer.write(p.stderr)\n")
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, timeout=300, env=ENV)
    assert error_line(proc) == (f"wenzhuan: error: {big}: is 200.0 MB, over the 100 MB input limit "
                                "(raise the limit with --max-input-size MB)")
    assert int(proc.stdout) < 190 * 1024, "the refused file was read into memory"  # ru_maxrss is in KiB
    assert leftovers(out) == []


def test_the_limit_is_configurable(tmp_path):
    src = tmp_path / "two.txt"
    src.write_text("第一段文字。\n" * 200_000, encoding="utf-8")  # 3.6 MB
    proc = _wenzhuan("convert", src, "-o", tmp_path / "two.md", "--max-input-size", "2")
    assert error_line(proc) == (f"wenzhuan: error: {src}: is 3.6 MB, over the 2 MB input limit "
                                "(raise the limit with --max-input-size MB)")
    assert leftovers(tmp_path, ["two.txt"]) == []


def test_an_endless_device_is_cut_at_the_limit(tmp_path):
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero here")
    proc = _wenzhuan("convert", "/dev/zero", "-f", "text", "-o", tmp_path / "z.md", "--max-input-size", "1")
    assert error_line(proc) == ("wenzhuan: error: /dev/zero: is over the 1 MB input limit "
                                "(raise the limit with --max-input-size MB)")
    assert leftovers(tmp_path) == []


def test_standard_input_over_the_limit(tmp_path):
    proc = _wenzhuan("convert", "-", "-t", "md", "-o", tmp_path / "in.md", "--max-input-size", "1",
                     input="第一段文字。\n".encode() * 100_000)
    assert error_line(proc) == ("wenzhuan: error: <stdin>: is over the 1 MB input limit "
                                "(raise the limit with --max-input-size MB)")
    assert leftovers(tmp_path) == []
    with open("/dev/zero", "rb") as endless:  # an endless stdin is not read to its end
        proc = _wenzhuan("convert", "-", "-t", "md", "-o", "-", "--max-input-size", "1", stdin=endless)
    assert error_line(proc).endswith("<stdin>: is over the 1 MB input limit (raise the limit with --max-input-size MB)")


@pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient`")  # starlette's own notice
def test_the_service_refuses_a_body_over_its_limit():
    from starlette.testclient import TestClient

    from wenzhuan.service import Limits, create_app

    with TestClient(create_app(Limits(max_body=1048576, timeout=30, concurrency=1))) as client:
        big = client.post("/v1/convert?to=md", content="第一段文字。\n".encode() * 100_000)
        assert big.status_code == 413
        assert big.json()["detail"] == "the request body is over the 1 MB limit"
        small = client.post("/v1/convert?to=md&name=a.txt", content="第一段文字。\n".encode())
        assert small.status_code == 200 and small.text.endswith("第一段文字。\n")


MEASURE = """
import json, resource, sys, time
from pathlib import Path
from wenzhuan.manager import default_host
from wenzhuan.atomic import write_atomic
from wenzhuan.pipeline import Source, load, render
src, out = Path(sys.argv[1]), Path(sys.argv[2])
catalog = default_host().catalog
t0 = time.perf_counter()
loaded = load(Source.from_path(src))
times = {"load": time.perf_counter() - t0}
for fmt in sys.argv[3:]:
    t = time.perf_counter()
    write_atomic(out / ("x." + fmt), render(loaded.document, catalog.writer(fmt), {}, loaded.report, catalog=catalog))
    times[fmt] = time.perf_counter() - t
print(json.dumps({"seconds": {k: round(v, 1) for k, v in times.items()}, "blocks": len(loaded.document.blocks),
                  "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}))
"""


def _measure(src: Path, out: Path, *formats: str) -> dict:
    out.mkdir()
    proc = subprocess.run([sys.executable, "-c", MEASURE, str(src), str(out), *formats], capture_output=True,
                          timeout=900, env=ENV)
    assert proc.returncode == 0, proc.stderr.decode()[-2000:]
    result = json.loads(proc.stdout)
    print(src.name, result)  # the figures, for `pytest -s`
    assert leftovers(out, [f"x.{f}" for f in formats]) == []
    return result


@pytest.mark.slow
def test_one_50_mb_line(tmp_path):
    rnd = random.Random(50)
    src = tmp_path / "line.txt"
    line = "".join(rnd.choice(HAN) for _ in range(50 * 1048576 // 3 - 10)) + "。最后一句。"
    src.write_text(line + "\n", encoding="utf-8")
    result = _measure(src, tmp_path / "out", "markdown", "docx")
    assert result["blocks"] == 1
    assert sum(result["seconds"].values()) < 300, result
    assert (tmp_path / "out" / "x.markdown").read_text(encoding="utf-8").endswith("。最后一句。\n")
    import docx

    paragraphs = docx.Document(str(tmp_path / "out" / "x.docx")).paragraphs
    assert paragraphs[-1].text.endswith("。最后一句。")


@pytest.mark.slow
def test_a_million_short_lines(tmp_path):
    rnd = random.Random(1)
    src = tmp_path / "lines.txt"
    src.write_text("".join("".join(rnd.choice(HAN) for _ in range(rnd.randint(3, 12))) + "\n"
                           for _ in range(1_000_000)) + "最后一行。\n", encoding="utf-8")
    result = _measure(src, tmp_path / "out", "markdown", "docx")
    assert result["blocks"] > 900_000
    assert sum(result["seconds"].values()) < 600, result
    assert (tmp_path / "out" / "x.markdown").read_text(encoding="utf-8").endswith("最后一行。\n")
