"""Bounded load on the conversion service, loopback only.

Starts `wenzhuan serve` on a free 127.0.0.1 port, sends a fixed number of conversions of one
~5 KB article at concurrency 1, 4 and 16 for each format, and prints requests per second,
p50/p99 latency, failures, and the server's memory (its process plus its workers) before and after.

    .venv/bin/python benchmarks/serve_load.py [--requests 200] [--formats markdown,epub]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx


def article(size: int = 5000) -> bytes:
    para = ("记者从城西社区获悉，扩建后的图书馆面积达到1200平方米，设有少儿阅读区、自习室和报告厅。"
            "馆长介绍，今年将重点采购古籍影印本和地方志，并延长周末开放时间。")
    lines = ["城西社区图书馆扩建完工", "王晓梅   2023-04-15   来源：城西日报", ""]
    while len("\n".join(lines).encode()) < size:
        lines.append("    " + para)
    return "\n".join(lines).encode()[:size].decode("utf-8", "ignore").encode()


def rss_kb(pid: int) -> int:
    """Resident memory of a process and its children, in kB."""
    pids = [pid]
    try:
        pids += [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        pass
    total = 0
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total


async def level(url: str, fmt: str, body: bytes, concurrency: int, count: int) -> dict:
    latencies: list[float] = []
    failures = 0
    queue = iter(range(count))

    async def worker(client: httpx.AsyncClient):
        nonlocal failures
        for _ in queue:
            t = time.perf_counter()
            r = await client.post(url + "/v1/convert", params={"to": fmt, "name": "a.txt"}, content=body)
            latencies.append(time.perf_counter() - t)
            failures += r.status_code != 200

    async with httpx.AsyncClient(timeout=60, limits=httpx.Limits(max_connections=concurrency)) as client:
        started = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
        wall = time.perf_counter() - started
    latencies.sort()
    return {"rps": count / wall, "p50": statistics.median(latencies) * 1000,
            "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000, "failures": failures}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--requests", type=int, default=200, help="requests per format and concurrency level")
    ap.add_argument("--formats", default="markdown,epub")
    args = ap.parse_args()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "WENZHUAN_LOAD_PLUGINS": ""}
    server = subprocess.Popen([sys.executable, "-m", "wenzhuan", "serve", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(300):
            try:
                known = {f["name"] for f in httpx.get(url + "/v1/formats", timeout=1).json()["formats"]}
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        else:
            sys.exit("the server did not start")
        time.sleep(1.0)  # let the workers finish loading
        body = article()
        print(f"machine: {os.cpu_count()} cores; article {len(body)} bytes; {args.requests} requests per row")
        print(f"server RSS before: {rss_kb(server.pid) / 1024:.1f} MB")
        print(f"{'format':10} {'conc':>4} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'failed':>6}")
        for fmt in args.formats.split(","):
            if fmt not in known:
                print(f"{fmt:10} (not installed; skipped)")
                continue
            for conc in (1, 4, 16):
                r = asyncio.run(level(url, fmt, body, conc, args.requests))
                print(f"{fmt:10} {conc:>4} {r['rps']:>8.1f} {r['p50']:>8.1f} {r['p99']:>8.1f} {r['failures']:>6}")
        print(f"server RSS after: {rss_kb(server.pid) / 1024:.1f} MB")
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
