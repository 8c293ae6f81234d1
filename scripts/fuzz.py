"""A long fuzzing run of the whole pipeline: hostile files and API documents to every built-in
format, with the property of tests/hostile/fuzzing.py. Prints how many cases it tried.

    .venv/bin/python scripts/fuzz.py --examples 100000 [--seed N] [--only files|documents]

Exit status 0 when nothing was found; otherwise Hypothesis prints the smallest failing case.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("WENZHUAN_LOAD_PLUGINS", "")

from hypothesis import HealthCheck, given, seed, settings  # noqa: E402

from tests.hostile.fuzzing import check_document, check_input, hostile_inputs  # noqa: E402
from tests.strategies import documents  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=20_000, help="cases per kind (default 20000)")
    parser.add_argument("--seed", type=int, default=None, help="a seed, to repeat a run")
    parser.add_argument("--only", choices=["files", "documents"], help="one kind of case only")
    args = parser.parse_args()
    conf = settings(max_examples=args.examples, deadline=None, database=None,
                    suppress_health_check=list(HealthCheck))
    counts = {"files": 0, "documents": 0, "outputs": 0}

    @conf
    @given(hostile_inputs())
    def files(case):
        counts["files"] += 1
        counts["outputs"] += check_input(*case)

    @conf
    @given(documents)
    def docs(doc):
        counts["documents"] += 1
        counts["outputs"] += check_document(doc, fixpoint=False)

    start = time.monotonic()
    for name, test in (("files", files), ("documents", docs)):
        if args.only and args.only != name:
            continue
        if args.seed is not None:
            test = seed(args.seed)(test)
        test()
    print(f"fuzz: tried {counts['files']} hostile files and {counts['documents']} documents, "
          f"checked {counts['outputs']} outputs in {time.monotonic() - start:.0f} s: found nothing")
    return 0


if __name__ == "__main__":
    sys.exit(main())
