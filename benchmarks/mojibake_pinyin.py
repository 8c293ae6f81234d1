"""Throughput of the `mojibake` and `pinyin` passes, in MB of UTF-8 input per second, one core.

    .venv/bin/python benchmarks/mojibake_pinyin.py [--mb 4]

Corpora are generated from sentences written for the tests, shuffled into paragraphs:
- clean: ordinary prose in both scripts;
- rare: the same with rare-but-real text in nearly every paragraph (kana, Cyrillic, Greek,
  rare characters, emoji): the worst case for the fast path, every paragraph is looked at;
- dirty: one paragraph in ten garbled (UTF-8 read as GBK, or GBK with a lost byte) and one
  character in twenty with a pinyin reading.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.garble import NEGATIVES, SENTENCES_HANS, SENTENCES_HANT, gbk_lost_byte, utf8_as_gbk  # noqa: E402
from wenzhuan.model import Document, Para, Text  # noqa: E402
from wenzhuan.plugins.passes._hanzi import model  # noqa: E402
from wenzhuan.plugins.passes.mojibake import MojibakePass  # noqa: E402
from wenzhuan.plugins.passes.pinyin import PinyinPass  # noqa: E402
from wenzhuan.registry import PassContext  # noqa: E402
from wenzhuan.report import ChangeReport  # noqa: E402


def paragraphs(rng: random.Random, target: int, dirty: bool, rare: bool = False) -> list[str]:
    from pypinyin import Style, pinyin

    out, size = [], 0
    pool = SENTENCES_HANS + SENTENCES_HANT + (NEGATIVES if rare else [])
    while size < target:
        p = "".join(rng.choice(pool) for _ in range(rng.randint(3, 8)))
        if dirty:
            roll = rng.random()
            if roll < 0.05:
                p = utf8_as_gbk(p)
            elif roll < 0.10:
                raw_len = len(p.encode("gbk", "replace"))
                p = gbk_lost_byte(p.encode("gbk", "replace").decode("gbk"), rng.randrange(4, raw_len - 4))
            else:
                chars = []
                for c in p:
                    chars.append(c)
                    if "\u4e00" <= c <= "\u9fff" and rng.random() < 0.05:
                        chars.append(f"({pinyin(c, style=Style.TONE)[0][0]})")
                p = "".join(chars)
        out.append(p)
        size += len(p.encode("utf-8")) + 1
    return out


def bench(pass_, paras: list[str]) -> tuple[float, int]:
    doc = Document(blocks=tuple(Para((Text(p),)) for p in paras))
    nbytes = sum(len(p.encode("utf-8")) + 1 for p in paras)
    report = ChangeReport()
    ctx = PassContext(report, pass_.name, block_lines=list(range(1, len(paras) + 1)))
    start = time.perf_counter()
    pass_.run(doc, ctx)
    elapsed = time.perf_counter() - start
    return nbytes / elapsed / 1e6, len(report.changes)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=float, default=4.0, help="corpus size in MB (default 4)")
    args = ap.parse_args()
    rng = random.Random(4)
    target = int(args.mb * 1e6)
    t = time.perf_counter()
    model()  # one-time set-up, reported apart
    print(f"model set-up: {time.perf_counter() - t:.2f} s")
    for label, dirty, rare in (("clean", False, False), ("rare", False, True), ("dirty", True, False)):
        paras = paragraphs(rng, target, dirty, rare)
        for pass_ in (MojibakePass(), PinyinPass()):
            rate, n = bench(pass_, paras)
            print(f"{pass_.name:9s} {label}: {rate:7.1f} MB/s  ({n} changes)")


if __name__ == "__main__":
    main()
