"""Normalizer throughput on a large generated corpus (seeded): MB/s of input on one core.

    .venv/bin/python benchmarks/normalize.py [--mb 20] [--seed 1]

The corpus mixes what the normalizer meets: plain-text articles with titles, bylines, indentation
and half-width punctuation; hard-wrapped .txt chapters; Jekyll posts with raw <p> blocks, source
notes, signatures, share URLs and navigation; HTML pages; Simplified and Traditional. Like the
field samples it also has what the two later passes look at: now and then a rare but real
character (a name such as 王昶, `撸起袖子` as in article-000: about one every 3,000 characters,
each of which makes the mojibake pass look closely at its paragraph), and pinyin readings after
characters (`經(jīng)營`) in a third of the Traditional articles, as in article-002. There is
no actual mojibake: real archives have little, and benchmarks/mojibake_pinyin.py measures
that pass on garbled text. It prints the time of reading plus all passes, and of the passes
alone, with the number of changes from the report's counts (as a batch conversion reads them; the
before/after detail of each change is built only when asked for). Target: at least 5 MB/s.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import opencc  # noqa: E402

from benchmarks.corpus import PINYIN  # noqa: E402

from wenzhuan.manager import PluginHost  # noqa: E402
from wenzhuan.pipeline import Source, load, run_passes  # noqa: E402
from wenzhuan.report import ChangeReport  # noqa: E402

WORDS = ("邮政 企业 发展 服务 全面 推进 落实 工作 会议 精神 市场 客户 质量 效益 改革 创新 农村 城市 "
         "金融 寄递 业务 网点 能力 建设 管理 风险 安全 生产 目标 任务 集团 公司 部署 要求 坚持 加强").split()
PUNCT = [",", ",", "，", "、", ";", ":", "(GDP)", "“双十一”", " 2020年", "1-6月", "31.4亿元", "9:00"]
NAMES = ["王晓梅", "李建国", "胡燕斌", "亢俊杰", "陈大文"]
# rare but real: names and words with characters outside GB2312 level 1
RARE = ["撸起袖子加油干", "王昶", "李彧", "赵喆", "刘燊", "陈玥", "张珺", "浏览量", "鄞州区", "邗江区"]


def sentence(rng: random.Random) -> str:
    parts = []
    for _ in range(rng.randint(3, 8)):
        parts.append("".join(rng.choice(WORDS) for _ in range(rng.randint(2, 5))))
        if rng.random() < 0.003:
            parts.append(rng.choice(RARE))
        parts.append(rng.choice(PUNCT))
    return "".join(parts[:-1]) + rng.choice("。。。!?")


def paragraph(rng: random.Random) -> str:
    return "".join(sentence(rng) for _ in range(rng.randint(2, 6)))


def plain(rng: random.Random) -> str:
    lines = ["•" + "".join(rng.choice(WORDS) for _ in range(6)),
             f"{rng.choice(NAMES)} {rng.choice(NAMES)}   2020-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}   来源:《辽邮新媒》公众号", ""]
    for _ in range(rng.randint(8, 20)):
        lines += ["\u00a0" * 4 + paragraph(rng), ""]
    lines.append("阅读量 1234")
    return "\n".join(lines)


def wrapped(rng: random.Random) -> str:
    out = ["第一章　开始", ""]
    for _ in range(rng.randint(10, 30)):
        text = "\u3000\u3000" + paragraph(rng).replace(",", "，").replace(";", "；").replace(":", "：")
        out += [text[i:i + 30] for i in range(0, len(text), 30)]
    return "\n".join(out)


def jekyll(rng: random.Random) -> str:
    body = "\n".join(f" <p>{paragraph(rng)} </p>" for _ in range(rng.randint(8, 20)))
    return (f"---\nlayout: post\ntitle: \"{''.join(rng.choice(WORDS) for _ in range(5))}\"\n"
            f"date: 2022-01-25 13:47:42 +0800\n---\n{body[:-4]}□宗合</p><p>（文章来源：中国邮政快递报）</p>\n\n"
            "<http://x.cn/share?id=1>\n\n[返回首页](//x.cn/)｜[返回列表](//x.cn/l)\n")


def page(rng: random.Random) -> str:
    body = "".join(f"<p>&nbsp;&nbsp;{paragraph(rng)}<br></p>\n" for _ in range(rng.randint(8, 20)))
    return (f"<!DOCTYPE html><html><head><title>标题</title><script>var x=1;</script></head><body>"
            f"<h1>标题</h1><p>作者：{rng.choice(NAMES)} 来源：新华社</p>{body}<!-- c --></body></html>")


def corpus(mb: float, seed: int) -> list[tuple[str, bytes]]:
    rng = random.Random(seed)
    s2t = opencc.OpenCC("s2t")
    readings = {s2t.convert(k): v for k, v in PINYIN.items()}
    makers = [("txt", plain), ("txt", wrapped), ("md", jekyll), ("html", page)]
    docs, size = [], 0
    while size < mb * 1_000_000:
        ext, make = rng.choice(makers)
        text = make(rng)
        if rng.random() < 0.3:
            text = s2t.convert(text)
            if rng.random() < 0.33:
                text = "".join(f"{ch}({readings[ch]})" if ch in readings and rng.random() < 0.6 else ch
                               for ch in text)
        data = text.encode("utf-8")
        docs.append((ext, data))
        size += len(data)
    return docs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=20.0, help="corpus size in MB (default 20)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    docs = corpus(args.mb, args.seed)
    total = sum(len(d) for _, d in docs)
    host = PluginHost(entry_points=False)
    catalog = host.catalog
    names = ", ".join(p.name for p in catalog.passes)

    start = time.process_time()
    loaded = [load(Source(data, f"doc.{ext}", Path(f"doc.{ext}")), host=host, skip_passes=[p.name for p in catalog.passes])
              for ext, data in docs]
    read_time = time.process_time() - start

    start = time.process_time()
    changes = 0
    for item in loaded:
        report = ChangeReport()
        run_passes(item.document, catalog, report)
        changes += sum(report.counts().values())
    pass_time = time.process_time() - start

    mb = total / 1_000_000
    print(f"corpus: {len(docs)} documents, {mb:.1f} MB (seed {args.seed})")
    print(f"passes: {names}")
    print(f"read (decode + sniff + reader): {read_time:.2f} s, {mb / read_time:.1f} MB/s")
    print(f"passes alone:                   {pass_time:.2f} s, {mb / pass_time:.1f} MB/s ({changes} changes)")
    print(f"read + all passes:              {read_time + pass_time:.2f} s, {mb / (read_time + pass_time):.1f} MB/s "
          f"(target 5 MB/s)")


if __name__ == "__main__":
    main()
