"""Every case in tests/fixtures/normalize/*.txt: input in, exactly the expected document out."""

from pathlib import Path

import pytest

from .normalize_fixtures import dump, normalize, read_cases

FIXTURES = Path(__file__).parent / "fixtures" / "normalize"
CASES = [case for path in sorted(FIXTURES.glob("*.txt")) for case in read_cases(path)]


def test_fixture_files_are_found():
    assert len(CASES) >= 40


@pytest.mark.parametrize("case", CASES, ids=[f"{c.where} {c.name}" for c in CASES])
def test_fixture(case):
    loaded = normalize(case.input, ext=case.ext, passes=case.passes)
    assert dump(loaded.document) == case.expected
