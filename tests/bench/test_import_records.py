"""The import benchmark's record generator makes valid interchange records (no timing)."""

from __future__ import annotations

from app.cases.interchange import InterchangeCase, parse_jsonl, validate
from bench.import_bench import CATALOGUE, CLAIMS_PER_RECORD, make_records, to_jsonl

N = 200


def test_records_are_valid_interchange_cases() -> None:
    records = make_records(N, seed=5)
    parsed = list(parse_jsonl(to_jsonl(records)))
    assert len(parsed) == N
    forums = {c.forum_id: c for c in CATALOGUE}
    numbers: set[str] = set()
    for line, raw in parsed:
        assert isinstance(raw, dict), raw
        case = validate(line, raw)
        assert isinstance(case, InterchangeCase), case
        forum = forums[case.forum_id]
        assert case.respondent_states and set(case.respondent_states) <= set(forum.states)
        assert case.decided_on is not None and case.title
        assert len(case.facts_summary.split()) >= 100
        assert len(case.claims) == CLAIMS_PER_RECORD
        assert len({c.right_id for c in case.claims}) == CLAIMS_PER_RECORD
        for claim in case.claims:
            assert (claim.right_id, claim.provisions[0]) in forum.claims
        (identifier,) = case.identifiers
        numbers.add(identifier.value)
    assert len(numbers) == N


def test_disjoint_starts_never_share_a_number() -> None:
    first = make_records(50, start=0)
    second = make_records(50, start=50)
    values = [r["identifiers"][0]["value"] for r in first + second]
    assert len(set(values)) == len(values)
