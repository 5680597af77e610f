"""The SQL an in-process call sends, with each statement's time, and its EXPLAIN ANALYZE.

The module's one job: when a latency target is missed, show where the time goes. Run the
same service call in the benchmark's process inside :func:`capture` (an engine event
listener records every statement, its parameters and its wall time), then feed the slowest
statements to :func:`explain`, which runs ``EXPLAIN (ANALYZE, BUFFERS)`` with the same
parameters.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, event

__all__ = ["Statement", "capture", "clip", "explain"]

MAX_LINE = 1_500


@dataclass(frozen=True, slots=True)
class Statement:
    sql: str
    parameters: Any
    ms: float
    # The `SET LOCAL` statements in force when it ran, replayed before its EXPLAIN.
    settings: tuple[str, ...] = ()


@contextmanager
def capture(engine: Engine) -> Iterator[list[Statement]]:
    """Statements executed on engine while the block runs, in order."""
    seen: list[Statement] = []
    settings: dict[str, str] = {}

    def before(conn: Any, cursor: Any, sql: str, parameters: Any, context: Any, many: bool) -> None:
        conn.info.setdefault("bench_started", []).append(time.perf_counter())

    def after(conn: Any, cursor: Any, sql: str, parameters: Any, context: Any, many: bool) -> None:
        began = conn.info["bench_started"].pop()
        ms = (time.perf_counter() - began) * 1000
        words = sql.split()
        if words[:2] == ["SET", "LOCAL"]:
            settings[words[2]] = sql
        elif words[:1] == ["RESET"]:
            settings.pop(words[1], None)
        seen.append(Statement(sql, parameters, ms, tuple(settings.values())))

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)


def clip(line: str, limit: int = MAX_LINE) -> str:
    """line cut to limit characters (long IN lists make plans and SQL unreadable)."""
    return line if len(line) <= limit else f"{line[:limit]} [... {len(line) - limit:,} more]"


def explain(engine: Engine, statement: Statement) -> str:
    """EXPLAIN (ANALYZE, BUFFERS) of a captured statement, run with its own parameters;
    lines longer than MAX_LINE are clipped."""
    if not statement.sql.lstrip().upper().startswith(("SELECT", "WITH")):
        return "(not a query: no plan)"
    parameters: Mapping[str, Any] | Sequence[Any] | None = statement.parameters
    with engine.connect() as conn:
        for setting in statement.settings:
            conn.exec_driver_sql(setting)
        rows = conn.exec_driver_sql(
            "EXPLAIN (ANALYZE, BUFFERS) " + statement.sql, parameters or None
        ).all()
        conn.rollback()
    return "\n".join(clip(str(row[0])) for row in rows)
