"""Run one pass alone on a document, as the pipeline would."""

from __future__ import annotations

from wenzhuan.model import Document, Para, Text
from wenzhuan.registry import PassContext
from wenzhuan.report import ChangeReport
from wenzhuan.walk import stringify


def run_pass(pass_, *paragraphs: str, first_line: int = 1):
    """Paragraphs on consecutive input lines starting at `first_line`; returns (texts, report)."""
    doc = Document(blocks=tuple(Para((Text(p),)) for p in paragraphs))
    report = ChangeReport()
    ctx = PassContext(report, pass_.name, block_lines=[first_line + i for i in range(len(paragraphs))])
    out = pass_.run(doc, ctx)
    return [stringify(b) for b in out.blocks], report


def changes(report):
    return [(c.kind, c.before, c.after, c.line) for c in report.changes]
