"""DOCX writing time: per article, for 1,000 generated articles (as 1,000 files and as one
collection), side by side with `pandoc -f markdown -t docx` per file when pandoc is installed.

    .venv/bin/python benchmarks/docx_writer.py [--count 1000] [--pandoc-files 30]

Articles are generated (deterministic, about 2,000 characters of Chinese each: a heading, ten
paragraphs with emphasis and a link, a bulleted and a numbered list, a quote). pandoc gets the
same articles as Markdown written by wenzhuan's Markdown writer; it is timed per process, as a
user would run it once per file, on the first `--pandoc-files` articles.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from wenzhuan.manager import PluginHost
from wenzhuan.model import (
    BlockQuote, BulletList, Document, Emph, Heading, Link, Metadata, OrderedList, Para, Strong, Text,
)
from wenzhuan.pipeline import render
from wenzhuan.plugins.markdown import render_markdown
from wenzhuan.report import ChangeReport
from wenzhuan.walk import collect

HAN = ("的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面"
       "而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好"
       "应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严")


def article(i: int) -> Document:
    rnd = random.Random(i)

    def sentence(n: int) -> str:
        return "".join(rnd.choice(HAN) for _ in range(n)) + "。"

    paras = []
    for k in range(10):
        paras.append(Para((Text(sentence(40)), Emph((Text(sentence(6)),)), Text(sentence(50)),
                           Strong((Text(sentence(4)),)), Text(sentence(30)),
                           *((Link((Text("原文链接"),), f"https://example.com/{i}/{k}"),) if k % 3 == 0 else ()))))
    blocks = [Heading(2, (Text(sentence(8)),)), *paras[:5],
              BulletList(tuple((Para((Text(sentence(12)),)),) for _ in range(4))),
              *paras[5:8],
              OrderedList(tuple((Para((Text(sentence(12)),)),) for _ in range(4)), start=1),
              BlockQuote((Para((Text(sentence(60)),)),)), *paras[8:]]
    return Document(Metadata(title=sentence(10)[:-1], authors=("记者",), date="2024-03-01",
                             tags=("新闻",), language="zh-Hans"), tuple(blocks))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=1000, help="articles to generate (default 1000)")
    ap.add_argument("--pandoc-files", type=int, default=30, help="articles to time pandoc on (default 30)")
    args = ap.parse_args(argv)

    host = PluginHost(entry_points=False)
    writer = host.catalog.writer("docx")
    docs = [article(i) for i in range(args.count)]
    chars = statistics.mean(len("".join(t.text for p in d.blocks if isinstance(p, Para)
                                        for t in p.content if isinstance(t, Text))) for d in docs[:50])

    def write(doc: Document) -> bytes:
        return render(doc, writer, {}, ChangeReport(), catalog=host.catalog)

    write(docs[0])  # warm-up: imports, the package prepared once per process, OpenCC is not needed (language given)
    per, cpu, sizes = [], [], []
    start_all, cpu_all = time.perf_counter(), time.process_time()
    for doc in docs:
        t0, c0 = time.perf_counter(), time.process_time()
        data = write(doc)
        per.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        sizes.append(len(data))
    total, total_cpu = time.perf_counter() - start_all, time.process_time() - cpu_all

    t0 = time.perf_counter()
    book = write(collect(docs, Metadata(title="文集", language="zh-Hans")))
    book_time = time.perf_counter() - t0

    print(f"wenzhuan DOCX writer, {args.count} generated articles, ~{chars:.0f} characters of body text each")
    print(f"  per article:   median {statistics.median(per) * 1000:7.1f} ms   "
          f"p95 {sorted(per)[int(len(per) * 0.95) - 1] * 1000:7.1f} ms   mean size {statistics.mean(sizes) / 1024:.1f} KiB")
    print(f"  per article CPU: mean {statistics.mean(cpu) * 1000:5.1f} ms (wall time is higher on a busy machine)")
    print(f"  {args.count} files:    {total:7.2f} s   ({args.count / total:.0f} articles/s; {total_cpu:.2f} s CPU)")
    print(f"  one collection of {args.count}: {book_time:7.2f} s   ({len(book) / 1048576:.1f} MiB)")

    pandoc = shutil.which("pandoc")
    if not pandoc or args.pandoc_files < 1:
        print("pandoc: not installed, no comparison" if not pandoc else "pandoc: not timed (--pandoc-files 0)")
        return 0
    version = subprocess.run([pandoc, "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    n = min(args.pandoc_files, args.count)
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for i, doc in enumerate(docs[:n]):
            p = Path(tmp) / f"a{i}.md"
            p.write_text(render_markdown(doc), encoding="utf-8")
            paths.append(p)
        times = []
        for p in paths:
            t0 = time.perf_counter()
            subprocess.run([pandoc, "-f", "markdown", "-t", "docx", "-o", str(p.with_suffix(".docx")), str(p)],
                           check=True, capture_output=True)
            times.append(time.perf_counter() - t0)
    med = statistics.median(times)
    ours = statistics.median(per)
    print(f"{version} (-f markdown -t docx, one process per file), {n} of the same articles")
    print(f"  per article:   median {med * 1000:7.1f} ms   ({med / ours:.1f}x wenzhuan's per-article time)")
    print(f"  {args.count} files:    {med * args.count:7.2f} s   (extrapolated from the median)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
