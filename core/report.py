"""The change report: what every pass (and reader, and writer) changed, in one place.

The CLI (`inspect --changes`), the batch report and the HTTP service all show this same report.

Detail is capped, counts are not: each step keeps its first `DETAIL_LIMIT` (10,000) changes as
`Change` records; the rest are only counted, in `ChangeReport.omitted`. `counts()` is exact
either way; `format()` and `to_dict()` say how many were left out (`to_dict()` has an `omitted`
entry only when some were). An article rarely has more than a few hundred changes; a 50 MB one
has about a million, which in full would take more memory than the document itself. Set
`ChangeReport(detail_limit=None)` to keep every one. Unrepaired spans and warnings are always
kept in full.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any, Callable, Sequence


@dataclass(frozen=True, slots=True)
class Change:
    """One change: which step made it, what kind, where, and the text before and after.

    `line` is the 1-based line of the input when the reader could tell, `block` the 1-based
    index of the block in the document at the time of the change.
    """

    step: str
    kind: str
    before: str = ""
    after: str = ""
    line: int | None = None
    block: int | None = None
    message: str = ""

    # Written out instead of generated: a frozen dataclass's own __init__ sets each field through
    # object.__setattr__, which made building the report (one Change per edit, hundreds of
    # thousands on a large corpus) a large share of the normalizer's time. The slot descriptors'
    # setters (bound below, once the slotted class exists) do the same assignment for half the cost.
    def __init__(self, step: str, kind: str, before: str = "", after: str = "",
                 line: int | None = None, block: int | None = None, message: str = "") -> None:
        _set_step(self, step)
        _set_kind(self, kind)
        _set_before(self, before)
        _set_after(self, after)
        _set_line(self, line)
        _set_block(self, block)
        _set_message(self, message)

    def where(self) -> str:
        if self.line is not None:
            return f"line {self.line}"
        if self.block is not None:
            return f"block {self.block}"
        return ""

    def describe(self) -> str:
        parts = [f"[{self.step}]" if self.kind == "warning" else f"[{self.step}] {self.kind}"]
        if self.before or self.after:
            parts.append(f"{self.before!r} → {self.after!r}")
        if self.message:
            parts.append(self.message)
        where = self.where()
        if where:
            parts.append(f"({where})")
        return " ".join(parts)


(_set_step, _set_kind, _set_before, _set_after, _set_line, _set_block, _set_message) = (
    getattr(Change, f.name).__set__ for f in fields(Change))


DETAIL_LIMIT = 10_000  # changes kept in detail per step; the rest are counted in `omitted`


class _Deferred:
    """`keep` changes of `step` not built yet: `make()` builds them (at least `keep`, in order)."""

    __slots__ = ("step", "keep", "make")

    def __init__(self, step: str, keep: int, make: Callable[[], Sequence[Change]]):
        self.step, self.keep, self.make = step, keep, make


class ChangeReport:
    """The changes (`changes`, capped per step as above), `unrepaired` spans and `warnings`.

    A step that makes many small edits (punctuation, pinyin readings, joined lines) can record
    them with `defer(step, count, make)`: the count is exact at once, while the `Change` records,
    with their before/after snippets, are built by `make()` only when someone reads `changes`
    (or `to_dict()`, `format()`), not when only `counts()` is wanted (a batch conversion)."""

    __slots__ = ("_items", "_deferred", "unrepaired", "warnings", "omitted", "detail_limit", "_kept")

    def __init__(self, changes: list[Change] | None = None, unrepaired: list[Change] | None = None,
                 warnings: list[Change] | None = None, omitted: dict[str, int] | None = None,
                 detail_limit: int | None = DETAIL_LIMIT) -> None:
        # Change records and, while `_deferred`, `_Deferred` batches, in the order reported
        self._items: list[Change | _Deferred] = list(changes) if changes is not None else []
        self._deferred = False
        self.unrepaired: list[Change] = unrepaired if unrepaired is not None else []
        self.warnings: list[Change] = warnings if warnings is not None else []
        # step -> changes counted but not kept in `changes` (beyond `detail_limit` for that step)
        self.omitted: dict[str, int] = omitted if omitted is not None else {}
        self.detail_limit = detail_limit
        self._kept: dict[str, int] = {}

    @property
    def changes(self) -> list[Change]:
        """The changes kept in detail, in the order they were made (deferred ones built now)."""
        if self._deferred:
            items: list[Change] = []
            for item in self._items:
                if type(item) is _Deferred:
                    made = item.make()
                    items.extend(made[:item.keep] if len(made) > item.keep else made)
                else:
                    items.append(item)
            self._items = items
            self._deferred = False
        return self._items  # type: ignore[return-value]

    def add(self, change: Change) -> None:
        """Record one change: kept in detail while its step is under the limit, else counted."""
        limit = self.detail_limit
        if limit is not None:
            step = change.step
            kept = self._kept.get(step, 0)
            if kept >= limit:
                self.omitted[step] = self.omitted.get(step, 0) + 1
                return
            self._kept[step] = kept + 1
        self._items.append(change)

    def defer(self, step: str, count: int, make: Callable[[], Sequence[Change]]) -> None:
        """Record `count` changes of `step` that `make()` builds when they are asked for: it must
        return exactly those `count` changes, in order. Only the ones the limit keeps are built."""
        if count <= 0:
            return
        keep = count
        limit = self.detail_limit
        if limit is not None:
            kept = self._kept.get(step, 0)
            keep = min(count, max(0, limit - kept))
            if keep < count:
                self.omitted[step] = self.omitted.get(step, 0) + count - keep
            if not keep:
                return
            self._kept[step] = kept + keep
        self._items.append(_Deferred(step, keep, make))
        self._deferred = True

    def counts(self) -> dict[str, int]:
        """Changes per step (exact, omitted ones included), in the order steps first reported."""
        counts: dict[str, int] = {}
        get = counts.get
        for item in self._items:
            step = item.step
            counts[step] = get(step, 0) + (item.keep if type(item) is _Deferred else 1)
        for step, n in self.omitted.items():
            counts[step] = get(step, 0) + n
        return counts

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ChangeReport):
            return NotImplemented
        return ((self.changes, self.unrepaired, self.warnings, self.omitted, self.detail_limit)
                == (other.changes, other.unrepaired, other.warnings, other.omitted, other.detail_limit))

    __hash__ = None  # type: ignore[assignment]  # mutable

    def __repr__(self) -> str:
        return (f"ChangeReport(changes={self.changes!r}, unrepaired={self.unrepaired!r}, "
                f"warnings={self.warnings!r}, omitted={self.omitted!r}, detail_limit={self.detail_limit!r})")

    def extend(self, other: "ChangeReport") -> None:
        for change in other.changes:
            self.add(change)
        for step, n in other.omitted.items():
            self.omitted[step] = self.omitted.get(step, 0) + n
        self.unrepaired.extend(other.unrepaired)
        self.warnings.extend(other.warnings)

    def to_dict(self) -> dict[str, Any]:
        out = {
            "counts": self.counts(),
            "changes": [asdict(c) for c in self.changes],
            "unrepaired": [asdict(c) for c in self.unrepaired],
            "warnings": [asdict(c) for c in self.warnings],
        }
        if self.omitted:
            out["omitted"] = dict(self.omitted)
        return out

    def format(self) -> str:
        lines = []
        counts = self.counts()
        if counts:
            lines.append("changes: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
        else:
            lines.append("changes: none")
        lines.extend("  " + c.describe() for c in self.changes)
        if self.omitted:
            lines.append("omitted: " + ", ".join(f"{k} {v}" for k, v in self.omitted.items())
                         + f" (only the first {self.detail_limit:,} changes of each step are listed)")
        if self.unrepaired:
            lines.append(f"unrepaired: {len(self.unrepaired)}")
            lines.extend("  " + c.describe() for c in self.unrepaired)
        if self.warnings:
            lines.append(f"warnings: {len(self.warnings)}")
            lines.extend("  " + c.describe() for c in self.warnings)
        return "\n".join(lines)


class StepReporter:
    """What a pass, reader or writer is handed to report into the shared `ChangeReport`."""

    __slots__ = ("report", "step")

    def __init__(self, report: ChangeReport, step: str):
        self.report = report
        self.step = step

    def change(self, kind: str, before: str = "", after: str = "", *, line: int | None = None,
               block: int | None = None, message: str = "") -> None:
        self.report.add(Change(self.step, kind, before, after, line, block, message))

    def unrepaired(self, kind: str, text: str = "", *, line: int | None = None,
                   block: int | None = None, message: str = "") -> None:
        self.report.unrepaired.append(Change(self.step, kind, text, "", line, block, message))

    def warn(self, message: str, *, kind: str = "warning", line: int | None = None,
             block: int | None = None) -> None:
        self.report.warnings.append(Change(self.step, kind, line=line, block=block, message=message))
