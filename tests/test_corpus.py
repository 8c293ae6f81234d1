"""The benchmark corpus generator others reuse: repeatable, in bounds, and really messy."""

import re
from collections import Counter

from benchmarks.corpus import ARTIFACTS, generate

from .helpers import run_cli


def test_same_seed_same_bytes_other_seed_other_text(tmp_path):
    a = generate(30, tmp_path / "a", seed=5)
    b = generate(30, tmp_path / "b", seed=5)
    assert [x.text for x in a] == [x.text for x in b]
    assert sorted(p.read_bytes() for p in (tmp_path / "a").rglob("*.*")) == \
        sorted(p.read_bytes() for p in (tmp_path / "b").rglob("*.*"))
    assert [x.text for x in generate(30, seed=6)] != [x.text for x in a]


def test_sizes_scripts_kinds_and_artifacts():
    arts = generate(300, seed=1)
    assert all(1024 <= a.size <= 10 * 1024 for a in arts), sorted(a.size for a in arts)[:3]
    assert set(Counter(a.script for a in arts)) == {"hans", "hant"}
    assert set(Counter(a.kind for a in arts)) == {"txt", "md", "jekyll"}
    assert set(t for a in arts for t in a.artifacts) == set(ARTIFACTS)
    for a in arts:
        if "pinyin" in a.artifacts:
            assert re.search(r"[\u4e00-\u9fff]\([a-zāáǎàēéěèīíǐìōóǒòūúǔùüǖǘǚǜ]+\)", a.text), a.name
        if "signature" in a.artifacts:
            assert "□" in a.text
        if a.kind == "jekyll":
            assert a.text.startswith("---\nlayout: post\n")
        if "indent" in a.artifacts and a.kind != "jekyll":
            assert re.search(r"^( {4,6}|\u3000\u3000)\S", a.text, re.M)
        if "halfwidth" in a.artifacts:
            assert re.search(r"[\u4e00-\u9fff][,:;!?][\u4e00-\u9fff]", a.text), a.name
        if a.script == "hant":
            assert any(ch in a.text for ch in "會發時國學這們經與業")


def test_the_corpus_converts(tmp_path):
    generate(12, tmp_path / "corpus", seed=3)
    done = run_cli("convert", str(tmp_path / "corpus"), "-t", "md", "-o", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    assert len(list((tmp_path / "out").rglob("*.md"))) == 12
