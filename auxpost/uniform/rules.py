"""§5.3.5 着装: the pure rules (no Django, no clock): which checklist items failed, the evidence of a
points entry, pass rates.

An inspection checks every item of the policy's checklist; an item passes unless the inspector fails
it. One inspection with n failed items is one ``uniform_fail`` points entry with quantity n (the
points rule decides the points per item, −2 by default).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

NOTE_MAX = 200


class InspectionError(ValueError):
    """Bad inspection input; ``field`` names the field, the message is Chinese."""

    def __init__(self, message: str, field: str = "failed"):
        super().__init__(message)
        self.message = message
        self.field = field


def normalise_failures(failed: Iterable[str], notes: Mapping[str, str] | None,
                       checklist: Iterable[tuple[str, str]]) -> tuple[list[str], dict[str, str]]:
    """The failed item codes in checklist order (duplicates dropped) and a note per failed item
    (notes of passed items dropped, trimmed). Unknown codes are refused."""
    order = [code for code, _name in checklist]
    wanted = set()
    for code in failed or ():
        code = str(code).strip()
        if code not in order:
            raise InspectionError(f"检查项目：没有代码为“{code}”的检查项")
        wanted.add(code)
    codes = [c for c in order if c in wanted]
    out_notes = {}
    for code, text in (notes or {}).items():
        text = (text or "").strip()
        if code in wanted and text:
            if len(text) > NOTE_MAX:
                raise InspectionError(f"问题说明：每项不超过{NOTE_MAX}字", "notes")
            out_notes[code] = text
    return codes, out_notes


def evidence(*, day: dt.date, failed: list[str], notes: Mapping[str, str], names: Mapping[str, str],
             limit: int = 300) -> str:
    """The Chinese evidence of a ``uniform_fail`` entry naming each failed item (and its note)."""
    parts = [names.get(c, c) + (f"（{notes[c]}）" if notes.get(c) else "") for c in failed]
    text = f"{day.isoformat()} 着装检查不合格{len(failed)}项：" + "；".join(parts)
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class PassRate:
    inspections: int
    passed: int
    failed_items: int

    @property
    def rate(self) -> int | None:
        """Percent of inspections with no failed item (None without inspections)."""
        return round(100 * self.passed / self.inspections) if self.inspections else None


def pass_rate(failed_counts: Iterable[int]) -> PassRate:
    counts = list(failed_counts)
    return PassRate(len(counts), sum(1 for c in counts if c == 0), sum(counts))
