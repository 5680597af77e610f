"""Retrieval evaluation of the knock-on matcher on the real ECtHR corpus, against BM25.

`python -m bench.retrieval --cases CASES.jsonl.gz --qrels QRELS.tsv --slice knock-on
--json OUT.json` imports the corpus into a fresh database through the ECtHR importer, asks
the real matcher service for each query judgment (its facts, its respondent State as the
target, its invoked articles without their findings, `decided_before` = its date), scores the
rankings against the qrels, and does the same with a plain BM25 over facts + law of all
earlier judgments, and with that BM25 over exactly the candidates the matcher may return
(earlier wins against other States). The qrels are read only here, never by the matcher.

It also re-ranks the matcher's own candidate pools (captured as the engine scored them) to
fit its constants by 5-fold cross-validation, reporting the held-out figures and the
constants each fold chose; to rank with each basis alone (the ablation); and to compare the
matcher with the filtered BM25 by a paired bootstrap.

Queries without a respondent State in the corpus (no title) cannot name a target, so both
systems are scored on the queries that have one.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import json
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

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


FOLDS = 5
# The constants the cross-validation chooses among: a coarse grid, so that a fold cannot
# fit the dev set's citation habits to the third decimal.
GRID = {
    "text": (0.1, 0.2, 0.35, 0.5),
    "legal_basis": (0.05, 0.1, 0.2, 0.3),
    "authority": (0.1, 0.25, 0.4, 0.6),
    "reception": (0.0, 0.1, 0.2, 0.3),
    "best_claim_share": (0.0, 0.5, 1.0),
}
ABLATION = {
    "lexical only": {"text": 1.0, "legal_basis": 0, "authority": 0, "reception": 0},
    "legal basis only": {"text": 0, "legal_basis": 1.0, "authority": 0, "reception": 0},
    "authority only": {"text": 0, "legal_basis": 0, "authority": 1.0, "reception": 0},
    "reception only": {"text": 0, "legal_basis": 0, "authority": 0, "reception": 1.0},
}


def _capture_pools(sink: dict[str, list[Any]]) -> Callable[[], None]:
    """Record every candidate pool the engine ranks, as the engine scores it; returns the
    function that stops recording."""
    from app.matching import engine

    original = engine.rank

    def recording(candidates: Any, query_claims: int, weights: Any, limit: int) -> Any:
        top = max((c.text_score for c in candidates), default=0.0)
        pooled = []
        for c in candidates:
            best: dict[str, float] = {}
            for m in c.matches:
                best[m.query_label] = max(best.get(m.query_label, 0.0), m.strength)
            pooled.append(
                (
                    c.case_id,
                    c.text_score / top if top > 0 else 0.0,
                    max(best.values(), default=0.0),
                    sum(best.values()) / query_claims if query_claims else 0.0,
                    engine.authority_score(c),
                    engine.reception_score(c),
                    c.order,
                )
            )
        sink.setdefault("pools", []).append(pooled)
        return original(candidates, query_claims, weights, limit)

    engine.rank = recording

    def stop() -> None:
        engine.rank = original

    return stop


def evaluate(
    cases_path: Path, qrels_path: Path, slices: Sequence[str], pools_path: Path | None = None
) -> dict[str, object]:
    from sqlalchemy import select

    from app import db
    from app.auth.principal import Principal
    from app.cases import ecthr
    from app.cases.importing import import_cases
    from app.cases.models import FAVOURABLE_FINDINGS, LegalCase
    from app.cases.transfer import demo_organisation
    from app.core.time import utcnow
    from app.matching.schemas import Draft, MatchRequest
    from app.matching.service import find_knock_on_wins
    from app.orgs.models import Visibility
    from bench.bm25 import Bm25Index
    from bench.retrieval_fit import (
        Constants,
        Pooled,
        bootstrap_diff,
        cross_validate,
        grid,
        rerank,
    )
    from bench.retrieval_metrics import summarise
    from bench.server import BenchDatabase

    judgments = {j.source_id: j for j in ecthr.read_judgments(cases_path)}
    qrels = {name: load_qrels(qrels_path, name) for name in slices}
    queries = sorted({q for rel in qrels.values() for q in rel})
    sink: dict[str, list[Any]] = {}
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
        # No ANALYZE and no wait: the matcher's term statistics are current at commit.
        with db.session_scope() as session:
            itemid_of = {
                case_id: (key or "").removeprefix("HUDOC-")
                for case_id, key in session.execute(select(LegalCase.id, LegalCase.reference_key))
            }
        operator = Principal(user_id=None, is_hub_admin=True)
        # Knock-on rankings leave the query's own State out and keep wins only, as the
        # matcher does by default; rankings for all citations keep both in.
        comity: dict[str, dict[str, list[str]]] = {name: {} for name in slices}
        pools: dict[str, dict[str, list[Pooled]]] = {name: {} for name in slices}
        skipped: list[str] = []
        stop = _capture_pools(sink)
        started = time.perf_counter()
        try:
            for name in slices:
                skipped = []
                for itemid in queries:
                    j = judgments[itemid]
                    if not j.respondent_states:
                        skipped.append(itemid)
                        continue
                    claims = [
                        f"{inst}:{path}"
                        for inst, path in (
                            ecthr.article_to_provision(a) for a in j.article_outcomes
                        )
                    ]
                    request = MatchRequest(
                        draft=Draft(
                            facts=j.facts[:95_000],
                            target_jurisdiction=j.respondent_states[0],
                            claims=claims,
                        ),
                        decided_before=j.decided_on,
                        exclude_same_jurisdiction=name == "knock-on",
                        min_finding="violation" if name == "knock-on" else "any_decided",
                        limit=DEPTH,
                    )
                    with db.session_scope() as session:
                        results = find_knock_on_wins(session, operator, request)
                    comity[name][itemid] = [itemid_of[r.precedent.id] for r in results.results]
                    pools[name][itemid] = [
                        Pooled(itemid_of[i], *rest) for i, *rest in sink["pools"].pop()
                    ]
        finally:
            stop()
        match_seconds = time.perf_counter() - started
        del bench_db
    if pools_path is not None:
        pools_path.write_text(
            json.dumps(
                {
                    name: {
                        "comity": comity[name],
                        "pools": {
                            q: [dataclasses.astuple(p) for p in pool]
                            for q, pool in pools[name].items()
                        },
                    }
                    for name in slices
                },
                default=str,
            )
        )

    index = Bm25Index({i: f"{j.facts}\n{j.law}" for i, j in judgments.items()})
    won = {
        i for i, j in judgments.items() if set(j.article_outcomes.values()) & FAVOURABLE_FINDINGS
    }
    scored = comity[slices[0]]
    bm25: dict[str, list[str]] = {}
    bm25_filtered: dict[str, dict[str, list[str]]] = {name: {} for name in slices}
    for itemid in scored:
        j = judgments[itemid]
        earlier = {i for i, other in judgments.items() if other.decided_on < j.decided_on}
        bm25[itemid] = [doc for doc, _ in index.search(j.facts, DEPTH, allowed_ids=earlier)]
        # Exactly what the matcher may return: earlier wins (against other States, for the
        # knock-on slice).
        for name in slices:
            allowed = {
                i
                for i in earlier & won
                if name != "knock-on"
                or j.respondent_states[0] not in judgments[i].respondent_states
            }
            bm25_filtered[name][itemid] = [
                doc for doc, _ in index.search(j.facts, DEPTH, allowed_ids=allowed)
            ]

    out: dict[str, object] = {
        "queries_scored": len(scored),
        "queries_without_respondent": len(skipped),
        "import": {
            "cases": report.created,
            "claims": report.claims,
            "citations_resolved": report.citations_resolved,
            "citations_unresolved": report.citations_unresolved,
            "seconds": round(import_seconds, 1),
        },
        "match_seconds_per_query": round(match_seconds / max(len(scored) * len(slices), 1), 4),
    }
    candidates = grid(GRID)
    for name in slices:
        rel = qrels[name]
        run, pool = comity[name], pools[name]
        filtered = bm25_filtered[name]
        held_out, chosen = cross_validate(pool, rel, candidates, folds=FOLDS, depth=DEPTH)
        ablation = {
            label: summarise(
                {
                    q: (
                        rerank(pool[q], Constants(**w, best_claim_share=0.5), DEPTH),
                        rel.get(q, set()),
                    )
                    for q in pool
                }
            )
            for label, w in ABLATION.items()
        }
        out[name] = {
            "comity": summarise({q: (run[q], rel.get(q, set())) for q in run}),
            "bm25": summarise({q: (bm25[q], rel.get(q, set())) for q in run}),
            "bm25 filtered": summarise({q: (filtered[q], rel.get(q, set())) for q in run}),
            "comity cross-validated": summarise(
                {q: (held_out[q], rel.get(q, set())) for q in held_out}
            ),
            "cv chosen constants": [c.as_dict() for c in chosen],
            "ablation": ablation,
            "comity - bm25 filtered, R@10": bootstrap_diff(run, filtered, rel),
            "cross-validated - bm25 filtered, R@10": bootstrap_diff(held_out, filtered, rel),
        }
    return out


SYSTEMS = ("comity", "comity cross-validated", "bm25", "bm25 filtered")


def print_table(results: Mapping[str, object], slices: Sequence[str]) -> None:
    columns = ("queries", "R@10", "R@50", "R@100", "MAP", "MRR", "nDCG@10")

    def line(label: str, row: Mapping[str, float]) -> str:
        return f"{label:24} " + " ".join(
            f"{int(row[c]):>8}" if c == "queries" else f"{row[c]:>8.3f}" for c in columns
        )

    for name in slices:
        block = results[name]
        assert isinstance(block, dict)
        print(f"\nslice: {name}")
        print(f"{'system':24} " + " ".join(f"{c:>8}" for c in columns))
        for system in SYSTEMS:
            print(line(system, block[system]))
        for label, row in block["ablation"].items():
            print(line(f"  {label}", row))
        print(f"{'  dense':24} not built: no embedding model is installed (see the README)")
        for base in ("bm25", "bm25 filtered"):
            ratio = block["comity"]["R@10"] / block[base]["R@10"] if block[base]["R@10"] else 0
            print(f"comity / {base} R@10: {ratio:.2f}x")
        for label in ("comity - bm25 filtered, R@10", "cross-validated - bm25 filtered, R@10"):
            d = block[label]
            print(
                f"{label}: {d['diff']:+.3f} "
                f"(paired bootstrap 95% interval {d['low']:+.3f} to {d['high']:+.3f})"
            )
        print("constants chosen per fold:", block["cv chosen constants"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.retrieval", description=__doc__)
    parser.add_argument("--cases", type=Path, required=True)
    parser.add_argument("--qrels", type=Path, required=True)
    parser.add_argument("--slice", choices=(*SLICES, "both"), default="both")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--pools", type=Path, help="also write the candidate pools here")
    args = parser.parse_args(argv)
    for path in (args.cases, args.qrels):
        if not path.exists():
            print(
                f"{path} does not exist (the ECtHR development set is in ../shared)",
                file=sys.stderr,
            )
            return 2
    slices = SLICES if args.slice == "both" else (args.slice,)
    results = evaluate(args.cases, args.qrels, slices, args.pools)
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
