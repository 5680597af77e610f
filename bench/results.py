"""What a benchmark reports: rows of (name, metric, value, target), as a table or JSON.

The module's one job: the shape every registered benchmark returns and the two ways
``python -m bench`` prints it.
"""

from __future__ import annotations

import json
import operator
import os
import platform
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

__all__ = ["Row", "render_table", "write_json"]

_COMPARE: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    "<=": operator.le,
}


@dataclass(frozen=True, slots=True)
class Row:
    """One measured figure; with a target (``">= 0.5"``) it passes or fails, else it informs."""

    name: str
    metric: str
    value: float
    unit: str = ""
    target: str | None = None

    @property
    def passed(self) -> bool | None:
        if self.target is None:
            return None
        op, _, bound = self.target.partition(" ")
        return _COMPARE[op](self.value, float(bound))

    def verdict(self) -> str:
        return {None: "-", True: "pass", False: "FAIL"}[self.passed]


def _value(row: Row) -> str:
    text = f"{row.value:,.0f}" if abs(row.value) >= 100 else f"{row.value:.3g}"
    return f"{text} {row.unit}".strip()


def render_table(rows: Sequence[Row]) -> str:
    header = ("benchmark", "metric", "value", "target", "result")
    body = [(r.name, r.metric, _value(r), r.target or "-", r.verdict()) for r in rows]
    widths = [max(len(line[i]) for line in (header, *body)) for i in range(len(header))]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True))
        for line in (header, *body)
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(line.rstrip() for line in lines)


def write_json(path: Path, rows: Sequence[Row]) -> None:
    document: dict[str, Any] = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "rows": [asdict(row) | {"passed": row.passed} for row in rows],
    }
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
