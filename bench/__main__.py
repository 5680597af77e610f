"""`python -m bench [NAME ...] [--json OUT.json]`: run benchmarks and print one table.

Every benchmark is a function returning :class:`bench.results.Row` values; register new ones
(search, matching, import) in ``BENCHMARKS``. The exit status is 1 when a row misses its
target, 2 on a usage error.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from bench.results import Row, render_table, write_json


def _cases_read() -> list[Row]:
    from bench import cases_read

    return cases_read.run()


def _search() -> list[Row]:
    from bench import search_bench

    return search_bench.run()


def _match() -> list[Row]:
    from bench import match_bench

    return match_bench.run()


def _import() -> list[Row]:
    from bench import import_bench

    return import_bench.run()


def _load() -> list[Row]:
    from bench import load_bench

    return load_bench.run()


def _web() -> list[Row]:
    from bench import web_bench

    return web_bench.run()


def _login_timing() -> list[Row]:
    from bench import login_timing

    return login_timing.run()


def _alerts() -> list[Row]:
    from bench import alerts_bench

    return alerts_bench.run()


def _backup() -> list[Row]:
    from bench import backup_bench

    return backup_bench.run()


# name -> benchmark; imports stay inside the functions so one benchmark's setup never slows
# or breaks another.
BENCHMARKS: dict[str, Callable[[], list[Row]]] = {
    "cases_read": _cases_read,
    "search": _search,
    "match": _match,
    "import": _import,
    "load": _load,
    "backup": _backup,
    "web": _web,
    "login_timing": _login_timing,
    "alerts": _alerts,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "names", nargs="*", metavar="NAME", help=f"benchmarks to run: {', '.join(BENCHMARKS)}"
    )
    parser.add_argument("--json", type=Path, metavar="OUT.json", help="also write the rows")
    args = parser.parse_args(argv)
    unknown = [name for name in args.names if name not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}")

    rows: list[Row] = []
    for name in args.names or list(BENCHMARKS):
        rows.extend(BENCHMARKS[name]())
    print(render_table(rows))
    if args.json:
        write_json(args.json, rows)
    return 1 if any(row.passed is False for row in rows) else 0


if __name__ == "__main__":
    raise SystemExit(main())
