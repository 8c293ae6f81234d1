"""EPUB writing time: wenzhuan per article, for 1,000 articles, and pandoc per file beside it.

    .venv/bin/python benchmarks/epub.py                 # 1,000 articles, pandoc on 50 of them
    .venv/bin/python benchmarks/epub.py --pandoc-files 1000 --cli-files 50

The articles are generated (deterministic, Simplified Chinese Markdown with front matter,
headings, lists, a quote and emphasis, 2–6 KB each). Figures printed:

- wenzhuan, in process: read + normalize + write EPUB, per article (mean, median, p95) and the
  total for all articles; the write step alone is shown too.
- wenzhuan, one collection: all articles in one book (`collect`), one write.
- wenzhuan, command line per file: `wenzhuan convert a.md -o a.epub`, process start included
  (the fair comparison with pandoc, which also starts once per file).
- pandoc per file: `pandoc -f markdown -t epub3 a.md -o a.epub`, when pandoc is installed; on
  `--pandoc-files` of the articles, with the total for all articles extrapolated from the mean.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# Run as a script, this folder comes first on sys.path, and benchmarks/docx.py would stand in for
# python-docx when the built-in plugins load: take the folder off the path.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]

from wenzhuan.manager import PluginHost
from wenzhuan.model import Metadata
from wenzhuan.pipeline import Source, load, render
from wenzhuan.report import ChangeReport
from wenzhuan.walk import collect

_WORDS = ("城市", "发展", "居民", "社区", "图书馆", "阅读", "交通", "地铁", "公园", "环境", "学校", "教育",
          "文化", "历史", "科技", "创新", "企业", "市场", "服务", "建设", "项目", "规划", "生活", "健康",
          "医院", "老人", "儿童", "志愿者", "活动", "节日", "传统", "美食", "旅游", "乡村", "农业", "天气",
          "记者", "采访", "数据", "报告", "政策", "会议", "经济", "就业", "工作", "时间", "问题", "措施")
_GLUE = ("的", "了", "和", "在", "与", "对", "把", "让", "正在", "已经", "继续", "进一步", "不断")
_END = ("。", "。", "。", "！", "？")


def _sentence(rng: random.Random) -> str:
    n = rng.randint(4, 9)
    parts = [rng.choice(_WORDS) + (rng.choice(_GLUE) if i < n - 1 else "") for i in range(n)]
    if rng.random() < 0.3:
        parts.insert(rng.randint(1, n - 1), "，")
    return "".join(parts) + rng.choice(_END)


def _para(rng: random.Random) -> str:
    return "".join(_sentence(rng) for _ in range(rng.randint(3, 8)))


def article(n: int) -> str:
    """The n-th generated article as Markdown."""
    rng = random.Random(n)
    title = "".join(rng.choice(_WORDS) for _ in range(3)) + f"观察之{n + 1}"
    lines = ["---", f"title: {title}", f"authors: [{rng.choice(('王丽', '陈立', '李明'))}]",
             f"date: 2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}", "source: 城西区报",
             "tags: [城市, 生活]", "language: zh-Hans", "---", ""]
    for section in range(rng.randint(2, 4)):
        lines += [f"## 第{section + 1}部分", ""]
        for _ in range(rng.randint(2, 4)):
            para = _para(rng)
            if rng.random() < 0.3:
                cut = rng.randint(2, max(3, len(para) // 2))
                para = para[:cut] + "**" + para[cut:cut + 4] + "**" + para[cut + 4:]
            lines += [para, ""]
        if rng.random() < 0.5:
            lines += [f"- {_sentence(rng)}" for _ in range(3)] + [""]
        if rng.random() < 0.3:
            lines += ["> " + _sentence(rng), ""]
    return "\n".join(lines)


def _stats(times: list[float]) -> str:
    ms = sorted(t * 1000 for t in times)
    p95 = ms[min(len(ms) - 1, int(len(ms) * 0.95))]
    return (f"mean {statistics.mean(ms):7.2f} ms  median {statistics.median(ms):7.2f} ms  "
            f"p95 {p95:7.2f} ms  (n={len(ms)})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--articles", type=int, default=1000)
    ap.add_argument("--pandoc-files", type=int, default=50, help="articles to convert with pandoc, one run each")
    ap.add_argument("--cli-files", type=int, default=20, help="articles to convert with the wenzhuan command")
    args = ap.parse_args()

    host = PluginHost(entry_points=False)
    writer = host.catalog.writer("epub")
    with tempfile.TemporaryDirectory(prefix="wz-epub-bench-") as tmp:
        folder = Path(tmp)
        paths = []
        for n in range(args.articles):
            p = folder / f"a{n:04d}.md"
            p.write_text(article(n), encoding="utf-8")
            paths.append(p)
        size = sum(p.stat().st_size for p in paths)
        print(f"{args.articles} generated articles, {size / 1024:.0f} KB of Markdown "
              f"({size / len(paths) / 1024:.1f} KB each)")

        docs, whole, write_only = [], [], []
        start_all = time.perf_counter()
        for p in paths:
            t0 = time.perf_counter()
            doc = load(Source.from_path(p), host=host).document
            t1 = time.perf_counter()
            data = render(doc, writer, {}, ChangeReport(), catalog=host.catalog)
            t2 = time.perf_counter()
            (folder / (p.stem + ".epub")).write_bytes(data)
            docs.append(doc)
            whole.append(time.perf_counter() - t0)
            write_only.append(t2 - t1)
        total = time.perf_counter() - start_all
        print(f"wenzhuan in process, read+write per article: {_stats(whole)}")
        print(f"wenzhuan in process, EPUB write only:        {_stats(write_only)}")
        print(f"wenzhuan in process, {args.articles} articles one EPUB each: {total:.2f} s")

        t0 = time.perf_counter()
        book = render(collect(docs, Metadata(title="文集")), writer, {}, ChangeReport(), catalog=host.catalog)
        print(f"wenzhuan, {args.articles} articles as one collection EPUB: {time.perf_counter() - t0:.2f} s "
              f"({len(book) / 1024:.0f} KB)")

        wz = shutil.which("wenzhuan") or str(Path(sys.executable).with_name("wenzhuan"))
        env = dict(os.environ, WENZHUAN_LOAD_PLUGINS="")
        cli_times = []
        for p in paths[:args.cli_files]:
            t0 = time.perf_counter()
            subprocess.run([wz, "convert", str(p), "-o", str(folder / (p.stem + "-cli.epub"))], env=env,
                           check=True, capture_output=True)
            cli_times.append(time.perf_counter() - t0)
        if cli_times:
            print(f"wenzhuan command per file:                   {_stats(cli_times)}; "
                  f"{args.articles} files ≈ {statistics.mean(cli_times) * args.articles:.1f} s")

        pandoc = shutil.which("pandoc")
        if pandoc is None:
            print("pandoc: not installed; no comparison")
            return
        version = subprocess.run([pandoc, "--version"], capture_output=True, text=True).stdout.split("\n")[0]
        pd_times = []
        for p in paths[:args.pandoc_files]:
            t0 = time.perf_counter()
            subprocess.run([pandoc, "-f", "markdown", "-t", "epub3", str(p), "-o", str(folder / (p.stem + "-pandoc.epub"))],
                           check=True, capture_output=True)
            pd_times.append(time.perf_counter() - t0)
        if pd_times:
            kind = "measured" if len(pd_times) == args.articles else "extrapolated"
            print(f"{version} per file (-f markdown -t epub3):  {_stats(pd_times)}; "
                  f"{args.articles} files ≈ {statistics.mean(pd_times) * args.articles:.1f} s ({kind})")


if __name__ == "__main__":
    main()
