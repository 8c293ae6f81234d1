"""Property tests: hostile text, HTML and documents through the whole pipeline to every built-in
format (see `fuzzing.py` for the property). Sized for CI (two thousand examples, about two minutes); a
longer run: `python scripts/fuzz.py --examples 100000`."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from ..strategies import documents
from .fuzzing import check_document, check_input, hostile_inputs

def fast(examples: int) -> settings:
    return settings(max_examples=examples, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@fast(1000)
@given(hostile_inputs())
def test_hostile_files_give_documented_errors_or_valid_outputs(case):
    data, name = case
    check_input(data, name)


@fast(1000)
@given(documents)
def test_any_document_from_the_api_writes_valid_outputs(doc):
    check_document(doc, fixpoint=False)
