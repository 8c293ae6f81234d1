"""The change report keeps the first DETAIL_LIMIT changes of each step in detail and counts the
rest, so a huge input's report does not outgrow the document; counts stay exact."""

from __future__ import annotations

import json

from wenzhuan.report import DETAIL_LIMIT, ChangeReport, StepReporter

from .helpers import run_cli


def test_detail_is_capped_per_step_and_counts_stay_exact():
    report = ChangeReport(detail_limit=3)
    a, b = StepReporter(report, "a"), StepReporter(report, "b")
    for i in range(5):
        a.change("k", str(i), "")
    b.change("x")
    a.change("k", "5", "")
    assert [c.before for c in report.changes if c.step == "a"] == ["0", "1", "2"]  # the first ones
    assert [c.step for c in report.changes] == ["a", "a", "a", "b"]
    assert report.counts() == {"a": 6, "b": 1}
    assert report.omitted == {"a": 3}
    assert "omitted: a 3 (only the first 3 changes of each step are listed)" in report.format()
    assert report.to_dict()["omitted"] == {"a": 3}
    assert report.to_dict()["counts"] == {"a": 6, "b": 1}


def test_unrepaired_and_warnings_are_never_capped():
    report = ChangeReport(detail_limit=1)
    r = StepReporter(report, "s")
    for _ in range(3):
        r.unrepaired("u", "x")
        r.warn("w")
    assert len(report.unrepaired) == 3 and len(report.warnings) == 3 and report.omitted == {}


def test_no_limit_keeps_everything_and_small_reports_are_unchanged():
    report = ChangeReport(detail_limit=None)
    r = StepReporter(report, "s")
    for i in range(DETAIL_LIMIT + 5):
        r.change("k")
    assert len(report.changes) == DETAIL_LIMIT + 5 and report.omitted == {}
    small = ChangeReport()
    StepReporter(small, "s").change("k", "a", "b")
    assert set(small.to_dict()) == {"counts", "changes", "unrepaired", "warnings"}
    assert "omitted" not in small.format()


def test_extend_carries_omitted_counts():
    one = ChangeReport(detail_limit=2)
    for _ in range(4):
        StepReporter(one, "s").change("k")
    total = ChangeReport(detail_limit=2)
    StepReporter(total, "s").change("k")
    total.extend(one)
    assert total.counts() == {"s": 5}
    assert len(total.changes) == 2 and total.omitted == {"s": 3}


def test_inspect_says_how_many_changes_were_omitted(tmp_path):
    n = DETAIL_LIMIT + 7
    path = tmp_path / "many.txt"
    path.write_text("标题\n\n" + "\n\n".join(f"第{i}段,正文" for i in range(n)) + "\n", encoding="utf-8")
    result = run_cli("inspect", str(path), "--changes")
    assert result.returncode == 0, result.stderr
    out = result.stdout.decode()
    assert any(line.startswith("changes: ") and f"punctuation {n}" in line for line in out.splitlines())
    assert f"omitted: punctuation 7 (only the first {DETAIL_LIMIT:,} changes of each step are listed)" in out
    assert out.count("[punctuation] punctuation") == DETAIL_LIMIT
    data = json.loads(run_cli("inspect", str(path), "--changes", "--json").stdout)
    assert data["counts"]["punctuation"] == n and data["omitted"] == {"punctuation": 7}
    assert sum(1 for c in data["changes"] if c["step"] == "punctuation") == DETAIL_LIMIT


def test_a_pass_recording_in_batches_reports_every_change_in_order_and_keeps_only_the_detail():
    """The punctuation and pinyin passes record their changes a batch at a time (`ChangeBatch`,
    ~1,000 changes a batch): a long document's report has the changes each paragraph alone
    would give, in order, and past the detail limit it counts them without keeping them."""
    import dataclasses

    from wenzhuan.model import Document, Para, Text
    from wenzhuan.plugins.passes.pinyin import PinyinPass
    from wenzhuan.plugins.passes.punctuation import PunctuationPass
    from wenzhuan.registry import PassContext

    for pass_, text in ((PunctuationPass(), "第{}段,内容正常!"), (PinyinPass(), "第{}段经(jīng)营正常")):
        paras = [Para((Text(text.format(i)),)) for i in range(2500)]
        full = ChangeReport(detail_limit=None)
        pass_.run(Document(blocks=tuple(paras)), PassContext(full, pass_.name))
        alone = []
        for i, para in enumerate(paras):
            one = ChangeReport(detail_limit=None)
            pass_.run(Document(blocks=(para,)), PassContext(one, pass_.name))
            alone += [dataclasses.replace(c, block=i + 1) for c in one.changes]
        assert full.changes == alone and len(alone) >= 2500, pass_.name

        capped = ChangeReport(detail_limit=1500)
        pass_.run(Document(blocks=tuple(paras)), PassContext(capped, pass_.name))
        assert capped.counts() == {pass_.name: len(alone)}
        assert capped.changes == alone[:1500] and capped.omitted == {pass_.name: len(alone) - 1500}
