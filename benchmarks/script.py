"""Script conversion throughput: wenzhuan against the OpenCC binding called directly.

    .venv/bin/python benchmarks/script.py [--mb 5] [--repeat 5]

Generates about 5 MB of Simplified Chinese paragraphs (seeded, from the repository's samples and,
when present, OpenCC's test texts in ../shared), its Traditional version for t2s, and measures
for s2t, s2twp and t2s (MB of UTF-8 input per CPU second, best of --repeat; the in-process
measurements run in turn, and a conversion's result is freed after the clock stops):

- `binding`: `opencc.OpenCC(config).convert(text)` on the whole text, in process;
- `script in-process`: `wenzhuan.script.convert_stream`, the loop behind `wenzhuan script`
  (1 MB chunks cut at line ends, decode, convert, encode);
- `document`: `wenzhuan.script.convert_document` (what the `script` transform runs) on a
  document of one paragraph per line, already read: the conversion, not reading or writing;
  `document, formatted`: the same with bold or a link inside half the paragraphs, whose phrases
  are converted across the boundaries;
- `binding as a command`: a Python process that imports opencc, reads the file, converts it and
  writes the result to a file; `wenzhuan script`: `wenzhuan script CONFIG FILE` with its output
  going to a file, the same work (the footnote gives `-o FILE`, which also syncs the file to
  disk before renaming it into place); both include Python's start-up and the loading of the
  config's dictionaries, and run with their bytecode cached, as installed programs do;
- `wenzhuan script less start-up`: the same less the command's run on empty input (start-up
  and dictionaries), against the binding in process.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "opencc-cases"


def sentences() -> list[str]:
    pool: list[str] = []
    for path in sorted((ROOT / "samples").glob("*")):
        if path.suffix in (".txt", ".md"):
            try:
                lines = path.read_text(encoding="utf-8").splitlines()
            except UnicodeDecodeError:  # the GBK and Big5 samples
                continue
            pool += [s for s in lines if len(s) > 8 and not s.startswith(("#", "-", "---"))]
    golden = SHARED / "golden" / "input" / "us_constitution_zhs.txt"
    if golden.exists():
        pool += [s for s in golden.read_text(encoding="utf-8").splitlines() if len(s) > 8]
    cases = SHARED / "cases.json"
    if cases.exists():
        pool += [c["input"] for c in json.loads(cases.read_text(encoding="utf-8"))
                 if c["config"].startswith("s2")]
    return pool


def generate(mb: float, seed: int = 7) -> str:
    rng = random.Random(seed)
    pool = sentences()
    out, size, goal = [], 0, int(mb * 1024 * 1024)
    while size < goal:
        para = "".join(rng.choice(pool) for _ in range(rng.randint(1, 4)))
        out.append(para)
        size += len(para.encode("utf-8")) + 1
    return "\n".join(out) + "\n"


def best(fn, repeat: int) -> float:
    """Best CPU time (this process's and its children's) of `repeat` runs: the machine is shared,
    and wall-clock time would measure the neighbours too."""
    return best_each([fn], repeat)[0]


def best_each(fns, repeat: int) -> list[float]:
    """`best` of each function, run in turn (one of each, `repeat` times over), so that a busy
    spell on the machine weighs on all of them alike."""
    import resource

    times: list[list[float]] = [[] for _ in fns]
    for _ in range(repeat):
        for fn, out in zip(fns, times):
            kids = resource.getrusage(resource.RUSAGE_CHILDREN)
            t = time.process_time()
            result = fn()
            own = time.process_time() - t
            del result  # freed off the clock: the conversion is measured, not the freeing of its result
            kids2 = resource.getrusage(resource.RUSAGE_CHILDREN)
            out.append(own + (kids2.ru_utime - kids.ru_utime) + (kids2.ru_stime - kids.ru_stime))
    return [min(t) for t in times]


def document_of(text: str, formatted: bool = True):
    from wenzhuan.model import Document, Link, Para, Strong, Text

    blocks = []
    for i, line in enumerate(text.splitlines()):
        if formatted and i % 2 and len(line) > 12:  # half the paragraphs have inline formatting across phrases
            a, b = len(line) // 3, len(line) // 2
            inner = Strong((Text(line[a:b]),)) if i % 4 == 1 else Link((Text(line[a:b]),), "https://example.com")
            blocks.append(Para((Text(line[:a]), inner, Text(line[b:]))))
        else:
            blocks.append(Para((Text(line),)))
    return Document(blocks=tuple(blocks))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mb", type=float, default=5.0)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()

    import opencc

    from wenzhuan.manager import PluginHost
    from wenzhuan.script import TextConverter, convert_document, convert_stream, engine_lookup

    lookup = engine_lookup(PluginHost(entry_points=False).catalog)
    hans = generate(args.mb)
    hant = opencc.OpenCC("s2t").convert(hans)
    print(f"input: {len(hans.encode()) / 1048576:.2f} MB Simplified, {hans.count(chr(10))} lines; "
          f"best of {args.repeat}; OpenCC {getattr(opencc, '__version__', '?')}, Python {sys.version.split()[0]}")
    wenzhuan = [sys.executable, "-m", "wenzhuan"]
    rows, synced, starts = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        # commands run as installed programs do: with their bytecode cached, not compiled each time
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env.update(WENZHUAN_LOAD_PLUGINS="", PYTHONPYCACHEPREFIX=str(Path(tmp) / "pycache"))
        for config, text in (("s2t", hans), ("s2twp", hans), ("t2s", hant)):
            data = text.encode("utf-8")
            mb = len(data) / 1048576
            direct = opencc.OpenCC(config).convert
            direct(text[:1000])
            conv = TextConverter([lookup(config)])
            expected = direct(text).encode("utf-8")
            out = io.BytesIO()
            convert_stream(io.BytesIO(data), out, conv)
            assert out.getvalue() == expected
            doc = document_of(text, formatted=False)
            fdoc = document_of(text)
            t_direct, t_stream, t_doc, t_fdoc = best_each([
                lambda: direct(text), lambda: convert_stream(io.BytesIO(data), io.BytesIO(), conv),
                lambda: convert_document(doc, config, lookup), lambda: convert_document(fdoc, config, lookup),
            ], args.repeat)

            src = Path(tmp) / f"{config}.txt"
            src.write_bytes(data)
            dst = Path(tmp) / f"{config}.out"

            def command(argv, **kw):
                with open(dst, "wb") as fh:
                    subprocess.run(argv, check=True, env=env, stdout=fh, **kw)

            t_start = best(lambda: command(wenzhuan + ["script", config], stdin=subprocess.DEVNULL), args.repeat)
            t_cli = best(lambda: command(wenzhuan + ["script", config, str(src)]), args.repeat)
            assert dst.read_bytes() == expected
            cli_o = wenzhuan + ["script", config, str(src), "-o", str(dst), "--force"]
            synced.append(mb / best(lambda: subprocess.run(cli_o, check=True, env=env), args.repeat))
            assert dst.read_bytes() == expected
            bare = [sys.executable, "-c", "import opencc,sys; d=open(sys.argv[1],encoding='utf-8').read(); "
                    "open(sys.argv[2],'w',encoding='utf-8',newline='').write(opencc.OpenCC(sys.argv[3]).convert(d))",
                    str(src), str(dst), config]
            t_bare = best(lambda: subprocess.run(bare, check=True, env=env), args.repeat)
            starts.append(f"{config} {t_start * 1000:.0f} ms")
            rows.append((config, mb / t_direct, mb / t_stream, mb / t_doc, mb / t_fdoc, mb / t_bare, mb / t_cli,
                         mb / max(t_cli - t_start, 1e-9)))

    head = ("config", "binding", "script in-process", "document", "document, formatted", "binding as a command",
            "`wenzhuan script`", "`wenzhuan script` less start-up")
    print("| " + " | ".join(head) + " |")
    print("|" + " --- |" * len(head))
    for config, d, s, doc, fdoc, bare, cli, net in rows:
        print(f"| {config} | {d:.1f} | {s:.1f} ({s / d:.0%}) | {doc:.1f} ({doc / d:.0%}) | {fdoc:.1f} ({fdoc / d:.0%}) "
              f"| {bare:.1f} | {cli:.1f} ({cli / bare:.0%}) | {net:.1f} ({net / d:.0%}) |")
    print(f"(MB/s of UTF-8 input, CPU time; percentages against the binding in the same setting; "
          f"`wenzhuan script` on empty input (start-up and dictionaries): {', '.join(starts)} CPU; "
          f"with -o FILE: {', '.join(f'{r[0]} {v:.1f} ({v / r[5]:.0%})' for r, v in zip(rows, synced))})")


if __name__ == "__main__":
    main()
