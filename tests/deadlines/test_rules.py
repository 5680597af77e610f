"""Admissibility deadlines, one scenario a row, from the shipped windows.

Each row cites the rule it pins (the `source` of its window in admissibility_windows.yaml).
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from app.deadlines import calendar, rules
from app.deadlines.service import windows

ALL = ["ECTHR", "IACHR", "HRCTTEE", "CRC-C", "CESCR", "CERD-C", "CAT-C", "CEDAW-C", "CRPD-C",
       "ACHPR-COMM", "AFCHPR"]  # fmt: skip
D = date

SCENARIOS = [
    # id, forum, final decision, notification, expected due (None: reasonable time), rule
    # ECHR art. 35(1) as amended by Protocol No. 15: four months from 1 February 2022.
    ("ecthr-4m-plain", "ECTHR", D(2023, 3, 15), None, D(2023, 7, 15), "four_months"),
    (
        "ecthr-4m-31-october",
        "ECTHR",
        D(2023, 10, 31),
        None,
        D(2024, 2, 29),
        "four_months",
    ),  # leap year
    (
        "ecthr-4m-31-october-common-year",
        "ECTHR",
        D(2022, 10, 31),
        None,
        D(2023, 2, 28),
        "four_months",
    ),
    ("ecthr-4m-30-august", "ECTHR", D(2023, 8, 30), None, D(2023, 12, 30), "four_months"),
    ("ecthr-4m-31-may", "ECTHR", D(2023, 5, 31), None, D(2023, 9, 30), "four_months"),
    ("ecthr-4m-year-end", "ECTHR", D(2023, 11, 30), None, D(2024, 3, 30), "four_months"),
    ("ecthr-4m-first-day", "ECTHR", D(2022, 2, 1), None, D(2022, 6, 1), "four_months"),
    # Protocol No. 15 art. 8(3): final decisions before 1 February 2022 keep six months.
    ("ecthr-6m-last-day", "ECTHR", D(2022, 1, 31), None, D(2022, 7, 31), "six_months"),
    ("ecthr-6m-2021", "ECTHR", D(2021, 8, 31), None, D(2022, 2, 28), "six_months"),
    ("ecthr-6m-leap", "ECTHR", D(2019, 8, 31), None, D(2020, 2, 29), "six_months"),
    # ACHR art. 46(1)(b): six months from notification of the final decision.
    (
        "iachr-from-notification",
        "IACHR",
        D(2023, 3, 1),
        D(2023, 3, 20),
        D(2023, 9, 20),
        "six_months_from_notification",
    ),
    (
        "iachr-no-notification-date",
        "IACHR",
        D(2023, 8, 31),
        None,
        D(2024, 2, 29),
        "six_months_from_notification",
    ),
    (
        "iachr-notified-31-march",
        "IACHR",
        D(2023, 3, 1),
        D(2023, 3, 31),
        D(2023, 9, 30),
        "six_months_from_notification",
    ),
    # HRC Rules of Procedure rule 99(c): five years after exhaustion.
    ("hrc-5y", "HRCTTEE", D(2020, 6, 15), None, D(2025, 6, 15), "five_years"),
    ("hrc-5y-from-29-february", "HRCTTEE", D(2020, 2, 29), None, D(2025, 2, 28), "five_years"),
    # OP3-CRC art. 7(h) and OP-ICESCR art. 3(2)(a): one year after exhaustion.
    ("crc-1y", "CRC-C", D(2023, 4, 12), None, D(2024, 4, 12), "one_year"),
    ("crc-1y-from-29-february", "CRC-C", D(2024, 2, 29), None, D(2025, 2, 28), "one_year"),
    ("cescr-1y", "CESCR", D(2023, 12, 31), None, D(2024, 12, 31), "one_year"),
    # CERD Rules of Procedure rule 91(f): six months after exhaustion.
    ("cerd-6m", "CERD-C", D(2023, 8, 31), None, D(2024, 2, 29), "six_months"),
    # No fixed limit: a reasonable time (CAT rule 113(f), OP-CEDAW art. 4, ACHPR art. 56(6)).
    ("cat-reasonable", "CAT-C", D(2023, 1, 1), None, None, "reasonable_time"),
    ("cedaw-reasonable", "CEDAW-C", D(2023, 1, 1), None, None, "reasonable_time"),
    ("crpd-reasonable", "CRPD-C", D(2023, 1, 1), None, None, "reasonable_time"),
    ("achpr-reasonable", "ACHPR-COMM", D(2023, 1, 1), None, None, "reasonable_time"),
    ("afchpr-reasonable", "AFCHPR", D(2023, 1, 1), None, None, "reasonable_time"),
    (
        "ecthr-notification-ignored",
        "ECTHR",
        D(2023, 3, 15),
        D(2023, 4, 2),
        D(2023, 7, 15),
        "four_months",
    ),
]


@pytest.mark.parametrize(
    ("forum", "final_on", "notified_on", "due", "rule"),
    [s[1:] for s in SCENARIOS],
    ids=[s[0] for s in SCENARIOS],
)
def test_deadline(
    forum: str, final_on: date, notified_on: date | None, due: date | None, rule: str
) -> None:
    [found] = [
        c
        for c in rules.compute(windows(), ALL, final_on=final_on, notified_on=notified_on)
        if c.forum_id == forum
    ]

    assert (found.due_on, found.rule) == (due, rule)
    assert found.source
    if due is None:
        assert found.note  # a reasonable-time forum explains itself


def test_at_least_twenty_five_scenarios() -> None:
    assert len(SCENARIOS) >= 25


def test_a_route_the_state_has_not_opened_gives_no_deadline() -> None:
    # A State without the CRC's third optional protocol has no CRC Committee route.
    found = rules.compute(windows(), ["ECTHR", "HRCTTEE"], final_on=D(2023, 5, 1))

    assert {c.forum_id for c in found} == {"ECTHR", "HRCTTEE"}


def test_soonest_first_and_reasonable_time_last() -> None:
    found = rules.compute(windows(), ALL, final_on=D(2023, 5, 1))

    dated = [c.due_on for c in found if c.due_on]
    assert dated == sorted(dated)
    assert all(c.due_on is None for c in found[len(dated) :])


class TestCalendar:
    def test_the_feed_parses_as_icalendar(self) -> None:
        import icalendar

        text = calendar.calendar(
            "Comity deadlines",
            [
                calendar.Event(
                    "d1@comity", D(2024, 2, 29), "Time limit; ECtHR, A.B. v. Spain", "x" * 200
                )
            ],
            now=datetime(2024, 1, 1, 12, 0),
        )

        parsed = icalendar.Calendar.from_ical(text)
        [event] = list(parsed.walk("VEVENT"))
        assert event.decoded("DTSTART") == D(2024, 2, 29)
        assert str(event["SUMMARY"]) == "Time limit; ECtHR, A.B. v. Spain"
        assert str(event["DESCRIPTION"]) == "x" * 200
        assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
