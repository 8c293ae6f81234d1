"""Batch throughput against pandoc, and peak memory on one very large article.

    .venv/bin/python -m benchmarks.batch                   # 1,000 articles, the README's figures
    .venv/bin/python -m benchmarks.batch --n 200 --pandoc-sample 50 --big-mb 5   # a quick look

What it measures, printing Markdown tables (paste them into the README's "Performance"):

1. Throughput: `--n` generated articles (benchmarks/corpus.py, seeded) converted by
   `wenzhuan convert CORPUS -t FORMAT -o OUT -j N` (one process, wall time including start-up,
   a new output folder each time, none deleted until the end; wenzhuan's modules byte-compiled first, as an installed
   wheel's are) for N = 1 and 2, and by pandoc run once per file
   (`pandoc -f markdown -t gfm|epub3|docx`) with 1 and 2 files at a time, on the same articles.
   Pandoc is timed on a seeded random sample of `--pandoc-sample` of them (0: all), since its
   rate per article does not depend on how many there are. Each pair is measured `--rounds`
   times, interleaved, and each side's best rate is kept (a shared machine is noisy). Besides
   wall-clock rates it prints articles per CPU second (user + system time of the child
   processes; for wenzhuan its workers too, so start-up and the pool count), which other load on
   the machine disturbs much less. Ratios are wenzhuan ÷ pandoc articles per second at the same
   parallelism, wall clock and per CPU second; the issue's targets are on throughput, the wall-clock
   ratio, and only it is judged against them. Formats without a registered writer are skipped
   with a message.
2. Peak memory: one `--big-mb` MB article converted to each format by `wenzhuan convert`;
   the peak RSS of that process (from wait4's rusage) divided by the input size.

The file system is probed before each run. On the ext4 without a journal these figures come
from, creating a file takes 0.02-0.06 ms on a quiet disk, but 0.1-0.4 ms for the half minute or
so after thousands of files were written or deleted, until the kernel has written that back (and
more the more files a burst creates). Right after generating the corpus, or after the previous
round's 1,000 outputs, a run would measure that as much as the converter: wenzhuan spends about
0.8 ms of CPU on an article, pandoc 20. A probe slower than `CREATE_LIMIT_US` is reported and
waited out (up to `SETTLE_SECONDS`) before wenzhuan's runs and pandoc's alike, and every probe is
printed. Leave a minute between benchmark runs all the same: each deletes its files when it ends.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.corpus import big_article, generate  # noqa: E402

PANDOC_TARGET = {"markdown": "gfm", "epub": "epub3", "docx": "docx"}
TARGETS = {"markdown": 20, "epub": 10, "docx": 10}
EXT = {"markdown": "md", "epub": "epub", "docx": "docx"}


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    pandoc = "absent"
    if shutil.which("pandoc"):
        pandoc = subprocess.run(["pandoc", "--version"], capture_output=True, text=True).stdout.split("\n")[0]
    return (f"{os.cpu_count()} cores (nproc), {cpu}, Python {platform.python_version()}, {pandoc}, "
            f"load average {load:.1f} at start")


def registered_formats() -> set[str]:
    from wenzhuan.manager import default_host

    return set(default_host().catalog.writers)


def compile_bytecode() -> None:
    """Byte-compile wenzhuan's modules, as installing a wheel does: with PYTHONDONTWRITEBYTECODE
    set, or from a source tree, every run would otherwise compile them from source first (about
    0.1 s of CPU, which no installed wenzhuan spends)."""
    import compileall

    import wenzhuan
    import wenzhuan.plugins

    for folder in {*wenzhuan.__path__, *wenzhuan.plugins.__path__}:
        compileall.compile_dir(folder, quiet=1)


def wenzhuan_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "wenzhuan", *args]


CREATE_LIMIT_US = 60
SETTLE_SECONDS = 300


def creation_us(folder: Path, n: int = 200) -> float:
    """Microseconds to create one empty file, over `n` files in a new folder under `folder` (kept
    until the end, as the runs' outputs are: deleting them would slow the next run down)."""
    probe = Path(tempfile.mkdtemp(prefix="probe-", dir=folder))
    start = time.perf_counter()
    for i in range(n):
        os.close(os.open(probe / str(i), os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))
    return (time.perf_counter() - start) / n * 1e6


def settled(folder: Path) -> float:
    """Probe file creation under `folder` until it is as fast as usual (at most `SETTLE_SECONDS`
    of waiting); the last probe, in microseconds per file."""
    waited = 0
    while True:
        us = creation_us(folder)
        if us <= CREATE_LIMIT_US or waited >= SETTLE_SECONDS:
            return us
        print(f"  (creating a file takes {us:.0f} µs here, over {CREATE_LIMIT_US}: the disk is still writing "
              f"back files written or deleted recently; waiting 15 s)", flush=True)
        time.sleep(15)
        waited += 15


def children_cpu() -> float:
    """CPU seconds (user + system) of every child process waited for so far."""
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def time_wenzhuan(corpus: Path, fmt: str, jobs: int, out: Path) -> tuple[float, float, int]:
    """Wall seconds and CPU seconds for one batch run into the new folder `out`, and how many
    files failed."""
    report = out.with_suffix(".report.json")
    start, cpu = time.perf_counter(), children_cpu()
    done = subprocess.run(wenzhuan_cmd("convert", str(corpus), "-t", fmt, "-o", str(out), "-j", str(jobs),
                                       "--quiet", "--report", str(report)),
                          capture_output=True)
    seconds, cpu = time.perf_counter() - start, children_cpu() - cpu
    import json

    failed = json.loads(report.read_text())["failed"] if report.exists() else -1
    if done.returncode not in (0, 1):
        raise SystemExit(f"wenzhuan failed: {done.stderr.decode()[-2000:]}")
    return seconds, cpu, failed


def time_pandoc(files: list[Path], target: str, jobs: int, out: Path) -> tuple[float, float, int]:
    out.mkdir(parents=True)
    ext = {"gfm": "md", "epub3": "epub", "docx": "docx"}[target]

    def one(i_path):
        i, path = i_path
        done = subprocess.run(["pandoc", "-f", "markdown", "-t", target, "-o", str(out / f"{i}.{ext}"),
                               "--metadata", f"title={path.stem}", str(path)], capture_output=True)
        return done.returncode

    start, cpu = time.perf_counter(), children_cpu()
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        codes = list(pool.map(one, enumerate(files)))
    return time.perf_counter() - start, children_cpu() - cpu, sum(1 for c in codes if c)


_RSS_HELPER = """
import os, subprocess, sys, time
start = time.perf_counter()
proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
err = proc.stderr.read()
_, status, usage = os.wait4(proc.pid, 0)
sys.stderr.write(err.decode(errors="replace")[-1000:])
print(usage.ru_maxrss, time.perf_counter() - start, os.waitstatus_to_exitcode(status))
"""


def peak_rss(cmd: list[str]) -> tuple[int, float, int]:
    """(peak RSS in bytes, seconds, exit status) of one child process.

    Linux carries a process's peak RSS across fork and exec, so a child forked from this
    (large) process would report at least our own peak: the command is started from a small
    helper interpreter instead, and its rusage read there with wait4."""
    done = subprocess.run([sys.executable, "-c", _RSS_HELPER, *cmd], capture_output=True, text=True)
    kb, seconds, code = done.stdout.split()
    if int(code):
        sys.stderr.write(done.stderr)
    return int(kb) * 1024, float(seconds), int(code)  # ru_maxrss is in KB on Linux


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="articles in the corpus [1000]")
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--pandoc-sample", type=int, default=100, help="articles pandoc converts (0: all) [100]")
    parser.add_argument("--rounds", type=int, default=3,
                        help="measure each pair this many times, interleaved, and keep each side's best [3]")
    parser.add_argument("--formats", default="markdown,epub,docx")
    parser.add_argument("--jobs", default="1,2")
    parser.add_argument("--big-mb", type=float, default=50, help="size of the one large article [50]; 0 skips")
    parser.add_argument("--work", help="working folder (default: a temporary one, removed after)")
    args = parser.parse_args(argv)

    os.environ.setdefault("WENZHUAN_LOAD_PLUGINS", "")  # built-ins only, as measured
    compile_bytecode()
    print(f"machine: {machine()}\n")
    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="wenzhuan-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        corpus = work / "corpus"
        shutil.rmtree(corpus, ignore_errors=True)
        arts = generate(args.n, corpus, seed=args.seed)
        total_kb = sum(a.size for a in arts) / 1024
        print(f"corpus: {len(arts)} articles, {total_kb:,.0f} KB, seed {args.seed}\n")
        files = sorted(p for p in corpus.rglob("*") if p.is_file())
        sample = files if args.pandoc_sample <= 0 else sorted(
            random.Random(args.seed).sample(files, min(args.pandoc_sample, len(files))))
        # Every run writes into a new folder, and none is deleted before the end: on ext4 without
        # a journal (as on the machines measured) the kernel skips the inodes of files deleted in
        # the last ~30 s at each file it creates, which made creating a file 4-15 times dearer
        # (0.1-0.4 ms, against 0.03) right after the previous round's 1,000 outputs were deleted.
        runs = Path(tempfile.mkdtemp(prefix="runs-", dir=work))
        have = registered_formats()
        has_pandoc = shutil.which("pandoc") is not None
        jobs_list = [int(j) for j in args.jobs.split(",")]

        rows = []
        for fmt in args.formats.split(","):
            if fmt not in have:
                print(f"skipped {fmt}: no writer registered (formats here: {', '.join(sorted(have))})")
                continue
            for jobs in jobs_list:
                ours = theirs = ours_cpu = theirs_cpu = 0.0
                failed = 0
                probes = []
                for r in range(max(1, args.rounds)):  # interleaved, so both sides see the same machine
                    probes.append(settled(runs))
                    secs, cpu, failed = time_wenzhuan(corpus, fmt, jobs, runs / f"out-{fmt}-{jobs}-{r}")
                    ours, ours_cpu = max(ours, len(files) / secs), max(ours_cpu, len(files) / cpu)
                    if has_pandoc:
                        probes.append(settled(runs))  # (the same disk for both sides)
                        psecs, pcpu, _ = time_pandoc(sample, PANDOC_TARGET[fmt], jobs,
                                                      runs / f"pandoc-{fmt}-{jobs}-{r}")
                        theirs, theirs_cpu = max(theirs, len(sample) / psecs), max(theirs_cpu, len(sample) / pcpu)
                rows.append((fmt, jobs, ours, ours_cpu, failed, theirs, theirs_cpu))
                ratio = f"{ours / theirs:.1f}x" if theirs else "n/a"
                print(f"  {fmt:8} -j {jobs}: wenzhuan {ours:8.1f} articles/s ({failed} failed), "
                      f"pandoc {theirs:6.1f} articles/s: {ratio}; per CPU second {ours_cpu:.0f} vs "
                      f"{theirs_cpu:.1f} ({1000 / ours_cpu:.2f} vs {1000 / theirs_cpu if theirs_cpu else 0:.1f} "
                      f"ms of CPU per article); creating a file before each run (wenzhuan, pandoc, ...): "
                      f"{', '.join(f'{us:.0f}' for us in probes)} µs", flush=True)
        if rows:
            # (the targets are on throughput; the ratio per CPU second is shown beside it, unjudged)
            print("\n| format | jobs | wenzhuan articles/s | pandoc articles/s (per file) | ratio | target "
                  "| per CPU second: wenzhuan / pandoc | ratio |")
            print("| --- | --- | --- | --- | --- | --- | --- | --- |")
            for fmt, jobs, ours, ours_cpu, failed, theirs, theirs_cpu in rows:
                ratio = f"{ours / theirs:.1f}x" if theirs else "n/a"
                ok = "met" if theirs and ours / theirs >= TARGETS[fmt] else "not met"
                cpu_ratio = f"{ours_cpu / theirs_cpu:.1f}x" if theirs_cpu else "n/a"
                note = f" ({failed} failed)" if failed else ""
                print(f"| {fmt} (pandoc {PANDOC_TARGET[fmt]}) | {jobs} | {ours:.1f}{note} | {theirs:.1f} | "
                      f"{ratio} | ≥{TARGETS[fmt]}x: {ok} | {ours_cpu:.0f} / {theirs_cpu:.1f} | {cpu_ratio} |")
            print()

        if args.big_mb > 0:
            big = work / "big.txt"
            data = big_article(int(args.big_mb * 1024 * 1024), seed=args.seed).encode("utf-8")
            big.write_bytes(data)
            size = len(data)
            print(f"one article of {size / 1048576:.1f} MB ({big.name}):\n")
            baseline, _, _ = peak_rss([sys.executable, "-c", "import wenzhuan.cli"])
            print("| format | peak RSS | × input | above an idle interpreter | seconds | target |")
            print("| --- | --- | --- | --- | --- | --- |")
            for fmt in args.formats.split(","):
                if fmt not in have:
                    continue
                out = work / f"big.{EXT[fmt]}"
                rss, secs, code = peak_rss(wenzhuan_cmd("convert", str(big), "-t", fmt, "-o", str(out), "--force"))
                ok = "met" if rss <= 10 * size else "not met"
                status = "" if code == 0 else f" (exit {code})"
                print(f"| {fmt} | {rss / 1048576:,.0f} MB | {rss / size:.1f}x | "
                      f"{(rss - baseline) / 1048576:,.0f} MB ({(rss - baseline) / size:.1f}x) | {secs:.1f}{status} | "
                      f"≤10x: {ok} |", flush=True)
            print(f"\n(an idle interpreter with wenzhuan imported: {baseline / 1048576:.0f} MB)")
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
