"""iCalendar (RFC 5545) for deadlines: all-day events, escaped and folded. Pure."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

PRODID = "-//Comity//Deadlines//EN"


@dataclass(frozen=True, slots=True)
class Event:
    uid: str
    on: date
    summary: str
    description: str


def escape(text: str) -> str:
    """TEXT values: backslash, semicolon, comma and newline are escaped (RFC 5545 3.3.11)."""
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space (3.1)."""
    out: list[str] = []
    current = b""
    for char in line:
        encoded = char.encode()
        if len(current) + len(encoded) > (75 if not out else 74):
            out.append(current.decode())
            current = b""
        current += encoded
    out.append(current.decode())
    return "\r\n ".join(out)


def calendar(name: str, events: Iterable[Event], *, now: datetime) -> str:
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{escape(name)}",
    ]
    for e in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{e.uid}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{e.on:%Y%m%d}",
            f"DTEND;VALUE=DATE:{e.on + timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{escape(e.summary)}",
            f"DESCRIPTION:{escape(e.description)}",
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
