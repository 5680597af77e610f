"""Retrieval evaluation of the knock-on matcher on the real ECtHR corpus, against BM25.

`python -m bench.retrieval --cases CASES.jsonl.gz --qrels QRELS.tsv --slice knock-on
--json OUT.json` imports the corpus into a fresh database through the ECtHR importer, asks
the real matcher service for each query judgment (its facts, its respondent State as the
target, its invoked articles without their findings, `decided_before` = its date), scores the
rankings against the qrels, and does the same with a plain BM25 over facts + law of all
earlier judgments. The qrels are read only here, never by the matcher.

Queries without a respondent State in the corpus (no title) cannot name a target, so both
systems are scored on the queries that have one.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from collections import defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path

SLICES = ("knock-on", "all")
DEPTH = 100


def load_qrels(path: Path, slice_name: str) -> dict[str, set[str]]:
    """query itemid -> relevant doc itemids; knock-on keeps foreign judgments with a violation."""
    relevant: dict[str, set[str]] = defaultdict(set)
    with path.open(newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            if slice_name == "knock-on" and not (
                row["same_respondent"] == "False" and row["doc_has_violation"] == "True"
            ):
                continue
            relevant[row["query_itemid"]].add(row["doc_itemid"])
    return dict(relevant)


def evaluate(
    cases_path: Path,
    qrels_path: Path,
    slices: Sequence[str],
    weights: Sequence[Mapping[str, float]] = ({},),
) -> dict[str, object]:
    from sqlalchemy import select, text

    from app import db
    from app.auth.principal import Principal
    from app.cases import ecthr
    from app.cases.importing import import_cases
    from app.cases.models import LegalCase
    from app.cases.transfer import demo_organisation
    from app.core.time import utcnow
    from app.matching.schemas import Draft, MatchRequest, WeightsIn
    from app.matching.service import find_knock_on_wins
    from app.orgs.models import Visibility
    from bench.bm25 import Bm25Index
    from bench.retrieval_metrics import summarise
    from bench.server import BenchDatabase

    judgments = {j.source_id: j for j in ecthr.read_judgments(cases_path)}
    qrels = {name: load_qrels(qrels_path, name) for name in slices}
    queries = sorted({q for rel in qrels.values() for q in rel})
    with BenchDatabase() as bench_db:
        started = time.perf_counter()
        with db.session_scope() as session:
            org = demo_organisation(session, utcnow())
            report = import_cases(
                session,
                ecthr.interchange_records(cases_path),
                owner_org_id=org.id,
                visibility=Visibility.public,
                actor=None,
                now=utcnow(),
            )
        import_seconds = time.perf_counter() - started
        with db.session_scope() as session:
            # As autovacuum would soon after a bulk load: the matcher reads how common each
            # word is from these statistics, and the first queries must not run without them.
            session.execute(text("ANALYZE legal_case"))
            itemid_of = {
                case_id: (key or "").removeprefix("HUDOC-")
                for case_id, key in session.execute(select(LegalCase.id, LegalCase.reference_key))
            }
        operator = Principal(user_id=None, is_hub_admin=True)
        runs: list[dict[str, list[str]]] = []
        skipped: list[str] = []
        started = time.perf_counter()
        for variant in weights:
            runs.append({})
            comity = runs[-1]
            skipped = []
            for itemid in queries:
                j = judgments[itemid]
                if not j.respondent_states:
                    skipped.append(itemid)
                    continue
                claims = [
                    f"{inst}:{path}"
                    for inst, path in (ecthr.article_to_provision(a) for a in j.article_outcomes)
                ]
                request = MatchRequest(
                    draft=Draft(
                        facts=j.facts[:95_000],
                        target_jurisdiction=j.respondent_states[0],
                        claims=claims,
                    ),
                    decided_before=j.decided_on,
                    limit=DEPTH,
                    weights=WeightsIn(**variant),
                )
                with db.session_scope() as session:
                    results = find_knock_on_wins(session, operator, request)
                comity[itemid] = [itemid_of[r.precedent.id] for r in results.results]
        match_seconds = time.perf_counter() - started
        del bench_db

    index = Bm25Index({i: f"{j.facts}\n{j.law}" for i, j in judgments.items()})
    bm25: dict[str, list[str]] = {}
    comity = runs[0]
    for itemid in comity:
        j = judgments[itemid]
        earlier = {i for i, other in judgments.items() if other.decided_on < j.decided_on}
        bm25[itemid] = [doc for doc, _ in index.search(j.facts, DEPTH, allowed_ids=earlier)]

    out: dict[str, object] = {
        "queries_scored": len(comity),
        "queries_without_respondent": len(skipped),
        "import": {
            "cases": report.created,
            "claims": report.claims,
            "citations_resolved": report.citations_resolved,
            "citations_unresolved": report.citations_unresolved,
            "seconds": round(import_seconds, 1),
        },
        "match_seconds_per_query": round(match_seconds / max(len(comity) * len(runs), 1), 4),
    }
    for n, (variant, run) in enumerate(zip(weights, runs, strict=True)):
        if n:
            out[f"variant {dict(variant)}"] = {
                name: summarise({q: (run[q], qrels[name].get(q, set())) for q in run})
                for name in slices
            }
    for name in slices:
        rel = qrels[name]
        out[name] = {
            "comity": summarise({q: (comity[q], rel.get(q, set())) for q in comity}),
            "bm25": summarise({q: (bm25[q], rel.get(q, set())) for q in comity}),
        }
    return out


def print_table(results: Mapping[str, object], slices: Sequence[str]) -> None:
    columns = ("queries", "R@10", "R@50", "R@100", "MAP", "MRR", "nDCG@10")
    for name in slices:
        block = results[name]
        assert isinstance(block, dict)
        print(f"\nslice: {name}")
        print(f"{'system':8} " + " ".join(f"{c:>8}" for c in columns))
        for system in ("comity", "bm25"):
            row = block[system]
            print(
                f"{system:8} "
                + " ".join(
                    f"{int(row[c]):>8}" if c == "queries" else f"{row[c]:>8.3f}" for c in columns
                )
            )
        ratio = block["comity"]["R@10"] / block["bm25"]["R@10"] if block["bm25"]["R@10"] else 0
        print(f"comity / bm25 R@10: {ratio:.2f}x")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.retrieval", description=__doc__)
    parser.add_argument("--cases", type=Path, required=True)
    parser.add_argument("--qrels", type=Path, required=True)
    parser.add_argument("--slice", choices=(*SLICES, "both"), default="both")
    parser.add_argument("--json", type=Path)
    parser.add_argument(
        "--try-weights",
        action="append",
        default=[],
        metavar="JSON",
        help="extra weight variants to score, e.g. '{\"reception\": 0.4}'",
    )
    args = parser.parse_args(argv)
    for path in (args.cases, args.qrels):
        if not path.exists():
            print(
                f"{path} does not exist (the ECtHR development set is in ../shared)",
                file=sys.stderr,
            )
            return 2
    slices = SLICES if args.slice == "both" else (args.slice,)
    variants = [{}] + [json.loads(w) for w in args.try_weights]
    results = evaluate(args.cases, args.qrels, slices, variants)
    print_table(results, slices)
    print(json.dumps({k: v for k, v in results.items() if k not in slices}, indent=2))
    if args.json:
        first = results[slices[0]]
        assert isinstance(first, dict)
        payload = {
            "comity": first["comity"],
            "bm25": first["bm25"],
            "queries": int(first["comity"]["queries"]),
            "slices": {s: results[s] for s in slices},
            "run": {k: v for k, v in results.items() if k not in slices},
        }
        args.json.write_text(json.dumps(payload, indent=2, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
