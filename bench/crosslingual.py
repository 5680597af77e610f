"""Cross-lingual retrieval: Spanish and French drafts against the English demo corpus.

`python -m bench.crosslingual [--json OUT.json]` loads the demo corpus into a fresh
database, asks the real matcher for each draft of `bench/data/crosslingual.yaml` (30 drafts
written for Comity, 15 in Spanish and 15 in French, each with the precedents a specialist
would expect), and prints R@10 and MRR per language. The same drafts are also matched with
the multilingual reading switched off, the baseline the reading must beat.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import yaml

from bench.retrieval_metrics import summarise

DATA = Path(__file__).resolve().parent / "data" / "crosslingual.yaml"
DEPTH = 10


def drafts() -> list[dict[str, Any]]:
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    return list(data["drafts"])


def evaluate() -> dict[str, Any]:
    from app import db
    from app.auth.principal import Principal
    from app.cases.transfer import load_demo
    from app.core.time import utcnow
    from app.matching.schemas import Draft, MatchRequest
    from app.matching.service import find_knock_on_wins
    from app.reference import multilingual
    from bench.server import BenchDatabase

    operator = Principal(user_id=None, is_hub_admin=True)
    entries = drafts()
    runs: dict[str, dict[str, list[str]]] = {"comity": {}, "without the reading": {}}
    with BenchDatabase(quiet=True):
        with db.session_scope() as session:
            load_demo(session, now=utcnow())
        original = multilingual.read
        for system, run in runs.items():
            if system == "without the reading":
                multilingual.read = lambda text: multilingual.ENGLISH
            try:
                for d in entries:
                    request = MatchRequest(
                        draft=Draft(
                            facts=d["facts"],
                            target_jurisdiction=d["target_jurisdiction"],
                            claims=d["claims"],
                        ),
                        limit=DEPTH,
                    )
                    with db.session_scope() as session:
                        results = find_knock_on_wins(session, operator, request)
                        run[d["id"]] = _reference_keys(session, results)
            finally:
                multilingual.read = original
    out: dict[str, Any] = {}
    for language in ("es", "fr", "all"):
        chosen = [d for d in entries if language in ("all", d["language"])]
        out[language] = {
            system: summarise({d["id"]: (run[d["id"]], set(d["expected"])) for d in chosen})
            for system, run in runs.items()
        }
    return out


def _reference_keys(session: Any, results: Any) -> list[str]:
    from sqlalchemy import select

    from app.cases.models import LegalCase

    ids = [r.precedent.id for r in results.results]
    keys = dict(
        session.execute(
            select(LegalCase.id, LegalCase.reference_key).where(LegalCase.id.in_(ids))
        ).all()
    )
    return [keys[i] or "" for i in ids]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.crosslingual", description=__doc__)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    results = evaluate()
    print(f"{'language':8} {'system':22} {'drafts':>6} {'R@10':>6} {'MRR':>6}")
    for language, block in results.items():
        for system, row in block.items():
            print(
                f"{language:8} {system:22} {int(row['queries']):>6} "
                f"{row['R@10']:>6.3f} {row['MRR']:>6.3f}"
            )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
