"""Admissibility time limits: pure rules from the final domestic decision to each route's
deadline. The windows themselves are reference data (`admissibility_windows.yaml`)."""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any


class Start(StrEnum):
    final_decision = "final_decision"
    notification = "notification"
    exhaustion = "exhaustion"


@dataclass(frozen=True, slots=True)
class Window:
    forum_id: str
    rule: str
    starts: Start
    source: str
    months: int = 0
    years: int = 0
    reasonable_time: bool = False
    applies_from: date | None = None
    applies_until: date | None = None
    note: str | None = None
    uncertain: bool = False

    @classmethod
    def from_data(cls, row: Mapping[str, Any]) -> Window:
        length = row.get("length") or {}
        return cls(
            forum_id=row["forum"],
            rule=row["rule"],
            starts=Start(row["starts"]),
            source=row["source"],
            months=int(length.get("months", 0)),
            years=int(length.get("years", 0)),
            reasonable_time=bool(row.get("reasonable_time")),
            applies_from=row.get("applies_from"),
            applies_until=row.get("applies_until"),
            note=row.get("note"),
            uncertain=bool(row.get("uncertain")),
        )

    def applies_to(self, final_on: date) -> bool:
        return (self.applies_from is None or final_on >= self.applies_from) and (
            self.applies_until is None or final_on <= self.applies_until
        )


@dataclass(frozen=True, slots=True)
class Computed:
    forum_id: str
    rule: str
    starts_on: date
    due_on: date | None  # None: a reasonable-time standard, explained in `note`
    note: str | None
    source: str
    uncertain: bool


def add_months(start: date, months: int) -> date:
    """The same day `months` later, or the last day of that month where it has no such day:
    a limit running from 31 October ends on 28 or 29 February."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def due_on(window: Window, starts_on: date) -> date | None:
    if window.reasonable_time:
        return None
    return add_months(starts_on, 12 * window.years + window.months)


def compute(
    windows: Iterable[Window],
    open_forums: Iterable[str],
    *,
    final_on: date,
    notified_on: date | None = None,
) -> list[Computed]:
    """The deadline of every open route from a final domestic decision (and its notification,
    which starts the Inter-American period; without one, the decision's date stands in)."""
    open_ids = set(open_forums)
    out = []
    for w in windows:
        if w.forum_id not in open_ids or not w.applies_to(final_on):
            continue
        starts_on = notified_on if w.starts is Start.notification and notified_on else final_on
        out.append(
            Computed(
                forum_id=w.forum_id,
                rule=w.rule,
                starts_on=starts_on,
                due_on=due_on(w, starts_on),
                note=w.note,
                source=w.source,
                uncertain=w.uncertain,
            )
        )
    return sorted(out, key=lambda c: (c.due_on is None, c.due_on or date.max, c.forum_id))
