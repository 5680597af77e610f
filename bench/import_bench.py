"""Interchange import throughput: 5,000 JSON Lines records through ``import_cases``.

The module's one job: build N synthetic interchange records in memory (a title, a real forum
and respondent States that belong to its system, a decision date, ~100 words of facts, a
unique application number and three claims, each with a reference right and a provision the
crosswalk links to it), then time one call of
``import_cases(session, parse_jsonl(data), ...)`` inside ``session_scope()`` against a fresh
:class:`~bench.server.BenchDatabase`: parsing, validation, the bulk writes and the commit.
Target: >= 1,000 cases/s, claims included.

:func:`make_records` needs no database (the smoke test validates its output); :func:`run`
first checks that every forum, State, right and provision of the catalogue below exists in
the reference data, so a change there fails loudly instead of creating provisions.
"""

from __future__ import annotations

import json
import random
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import text

from bench.results import Row

__all__ = ["CATALOGUE", "ForumCatalogue", "make_records", "run", "to_jsonl"]

NAME = "import"
N_RECORDS = 5_000
WARMUP_RECORDS = 50
CLAIMS_PER_RECORD = 3
FACTS_WORDS = 100
TARGET_CASES_PER_S = 1_000
# Six-digit numbers from here on: neither real numbers nor the corpus (seven digits) use them.
FIRST_SERIAL = 600_000
FIRST_DAY = date(1995, 1, 1)
LAST_DAY = date(2024, 12, 31)


@dataclass(frozen=True, slots=True)
class ForumCatalogue:
    """What a record of one forum may say: its States and (right, provision key) pairs."""

    forum_id: str
    weight: float
    identifier_kind: str
    states: dict[str, str]  # ISO code -> name as a title writes it
    claims: tuple[tuple[str, str], ...]


CATALOGUE: tuple[ForumCatalogue, ...] = (
    ForumCatalogue(
        "ECTHR",
        0.6,
        "application_number",
        {
            "AT": "Austria",
            "BE": "Belgium",
            "BG": "Bulgaria",
            "DE": "Germany",
            "ES": "Spain",
            "FR": "France",
            "GB": "the United Kingdom",
            "GR": "Greece",
            "HU": "Hungary",
            "IT": "Italy",
            "MT": "Malta",
            "NL": "the Netherlands",
            "PL": "Poland",
            "RO": "Romania",
            "TR": "Türkiye",
            "UA": "Ukraine",
        },
        (
            ("liberty_arbitrary_detention", "ECHR:5-1-f"),
            ("non_refoulement", "ECHR:3"),
            ("family_life_unity", "ECHR:8"),
            ("detention_judicial_review", "ECHR:5-4"),
            ("effective_remedy_suspensive", "ECHR:13"),
            ("collective_expulsion", "ECHR-P4:4"),
        ),
    ),
    ForumCatalogue(
        "IACTHR",
        0.2,
        "application_number",
        {
            "AR": "Argentina",
            "BR": "Brazil",
            "CL": "Chile",
            "CO": "Colombia",
            "DO": "the Dominican Republic",
            "EC": "Ecuador",
            "GT": "Guatemala",
            "MX": "Mexico",
            "PA": "Panama",
            "PE": "Peru",
        },
        (
            ("liberty_arbitrary_detention", "ACHR:7"),
            ("family_life_unity", "ACHR:17"),
            ("detention_judicial_review", "ACHR:7-6"),
            ("non_refoulement", "ACHR:22-8"),
            ("inhuman_treatment_detention_conditions", "ACHR:5"),
        ),
    ),
    ForumCatalogue(
        "HRCTTEE",
        0.2,
        "communication_number",
        {
            "AU": "Australia",
            "CA": "Canada",
            "CO": "Colombia",
            "DK": "Denmark",
            "ES": "Spain",
            "NL": "the Netherlands",
            "NO": "Norway",
            "NZ": "New Zealand",
            "SE": "Sweden",
        },
        (
            ("liberty_arbitrary_detention", "ICCPR:9-1"),
            ("family_life_unity", "ICCPR:17"),
            ("detention_judicial_review", "ICCPR:9-4"),
            ("non_refoulement", "ICCPR:7"),
            ("due_process_expulsion", "ICCPR:13"),
        ),
    ),
)

SURNAMES = (
    "Abdi", "Ahmed", "Alvarez", "Bakari", "Belhaj", "Chahal", "Diallo", "Dimitrov", "Haddad",
    "Hassan", "Ibrahim", "Ivanov", "Kamara", "Khan", "Kovacs", "Lopez", "Mahmoud", "Mensah",
    "Nowak", "Okafor", "Petrov", "Popescu", "Rahimi", "Sanchez", "Silva", "Tahir", "Yilmaz",
)  # fmt: skip
FINDINGS = (("violation", 0.6), ("no_violation", 0.25), ("inadmissible", 0.15))
_WORDS = (
    "applicant", "authorities", "asylum", "detention", "removal", "border", "court", "appeal",
    "decision", "procedure", "remedy", "application", "expulsion", "risk", "treatment",
    "family", "child", "residence", "permit", "hearing", "evidence", "claim", "protection",
    "refugee", "status", "reception", "conditions", "deportation", "order", "tribunal",
)  # fmt: skip


def _say(message: str) -> None:
    print(f"[{NAME}] {message}", file=sys.stderr, flush=True)


def _builtin_sentences(rng: random.Random, n: int = 400) -> tuple[str, ...]:
    return tuple(
        "The " + " ".join(rng.choices(_WORDS, k=rng.randint(8, 20))) + "." for _ in range(n)
    )


def _facts(rng: random.Random, sentences: Sequence[str], words: int) -> str:
    """Sentences until the text has at least ``words`` words (~100 words by default)."""
    out: list[str] = []
    count = 0
    while count < words:
        sentence = rng.choice(sentences)
        out.append(sentence)
        count += len(sentence.split())
    return " ".join(out)


def make_records(
    n: int,
    *,
    seed: int = 1,
    start: int = 0,
    sentences: Sequence[str] | None = None,
    catalogue: Sequence[ForumCatalogue] = CATALOGUE,
) -> list[dict[str, Any]]:
    """n interchange records (plain dicts, as ``parse_jsonl`` yields them).

    Application numbers run from ``FIRST_SERIAL + start``, so two calls with disjoint
    ``start`` ranges never share one; facts come from ``sentences`` (built-in vocabulary
    when None).
    """
    rng = random.Random(f"{seed}:{start}")
    pool = tuple(sentences) if sentences else _builtin_sentences(rng)
    weights = [c.weight for c in catalogue]
    span = (LAST_DAY - FIRST_DAY).days
    records: list[dict[str, Any]] = []
    for i in range(n):
        forum = rng.choices(catalogue, weights)[0]
        state = rng.choice(sorted(forum.states))
        decided = FIRST_DAY + timedelta(days=rng.randrange(span))
        filed = decided - timedelta(days=rng.randint(200, 2_500))
        surname = rng.choice(SURNAMES)
        title = f"{surname} v. {forum.states[state]}"
        serial = FIRST_SERIAL + start + i
        claims = [
            {
                "right_id": right,
                "provisions": [provision],
                "finding": rng.choices([f for f, _ in FINDINGS], [w for _, w in FINDINGS])[0],
                "argument_summary": rng.choice(pool),
            }
            for right, provision in rng.sample(forum.claims, CLAIMS_PER_RECORD)
        ]
        records.append(
            {
                "title": title,
                "short_title": title,
                "citation": f"{title}, no. {serial}/{decided.year % 100:02d}",
                "forum_id": forum.forum_id,
                "respondent_states": [state],
                "language": "en",
                "filed_on": filed.isoformat(),
                "decided_on": decided.isoformat(),
                "status": "decided",
                "importance": rng.randint(1, 4),
                "facts_summary": _facts(rng, pool, FACTS_WORDS),
                "holding": rng.choice(pool),
                "identifiers": [
                    {"kind": forum.identifier_kind, "value": f"{serial}/{decided.year % 100:02d}"}
                ],
                "claims": claims,
            }
        )
    return records


def to_jsonl(records: Sequence[dict[str, Any]]) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode()


def _check_catalogue(conn: Any) -> None:
    """Every forum, State, right and provision of the catalogue is in the reference data."""
    problems: list[str] = []
    for forum in CATALOGUE:
        system = conn.scalar(
            text("SELECT jurisdiction_code FROM forum WHERE id = :f"), {"f": forum.forum_id}
        )
        if system is None:
            problems.append(f"no forum {forum.forum_id}")
            continue
        members = set(
            conn.scalars(
                text("SELECT state_code FROM system_membership WHERE system_code = :s"),
                {"s": system},
            )
        )
        states = set(
            conn.scalars(
                text("SELECT code FROM jurisdiction WHERE kind = 'state' AND code = ANY(:c)"),
                {"c": list(forum.states)},
            )
        )
        for code in forum.states:
            if code not in states or (members and code not in members):
                problems.append(f"{code} is not a State of {forum.forum_id}'s system {system}")
        for right, key in forum.claims:
            instrument, _, path = key.partition(":")
            linked = conn.scalar(
                text(
                    "SELECT count(*) FROM crosswalk_row c JOIN provision p "
                    "ON p.id = c.provision_id WHERE c.right_id = :r "
                    "AND p.instrument_id = :i AND p.path = :p"
                ),
                {"r": right, "i": instrument, "p": path},
            )
            if not linked:
                problems.append(f"the crosswalk does not link {right} to {key}")
    if problems:
        raise RuntimeError("import catalogue out of date: " + "; ".join(problems))


def _import(data: bytes, owner: Any) -> tuple[float, Any]:
    from app import db
    from app.cases.importing import import_cases
    from app.cases.interchange import parse_jsonl
    from app.orgs.models import Visibility

    began = time.perf_counter()
    with db.session_scope() as session:
        report = import_cases(
            session,
            parse_jsonl(data),
            owner_org_id=owner,
            visibility=Visibility.public,
            actor=None,
            now=datetime.now(UTC),
        )
    return time.perf_counter() - began, report


def run(*, n_records: int = N_RECORDS) -> list[Row]:
    from app import db
    from app.orgs.models import OrgKind
    from app.orgs.schemas import OrganisationCreate
    from app.orgs.service import add_organisation
    from bench import corpus
    from bench.server import BenchDatabase

    sentences = corpus.sentence_pool().facts
    built = time.perf_counter()
    warmup = to_jsonl(make_records(WARMUP_RECORDS, start=0, sentences=sentences))
    records = make_records(n_records, start=WARMUP_RECORDS, sentences=sentences)
    data = to_jsonl(records)
    _say(
        f"{n_records:,} records, {len(data) / 1e6:.1f} MB of JSON Lines built in "
        f"{time.perf_counter() - built:.2f} s"
    )
    with BenchDatabase() as database:
        with database.engine.connect() as conn:
            _check_catalogue(conn)
        with db.session_scope() as session:
            org = add_organisation(
                session,
                None,
                OrganisationCreate(
                    name="Import benchmark", slug="bench-import", kind=OrgKind.ngo, country="NL"
                ),
                now=datetime.now(UTC),
            )
            owner = org.id
        # A small import first, so module imports and first-use costs stay out of the figure.
        seconds, report = _import(warmup, owner)
        _say(f"warm-up: {report.created} cases in {seconds:.2f} s")
        seconds, report = _import(data, owner)
        if report.errors or not report.written:
            raise RuntimeError(f"the import failed: {report.errors[:5]}")
        with database.engine.connect() as conn:
            stored = conn.execute(
                text(
                    "SELECT count(DISTINCT c.id), count(r.id) FROM legal_case c "
                    "JOIN rights_claim r ON r.case_id = c.id WHERE c.owner_org_id = :o"
                ),
                {"o": owner},
            ).one()
    expected_cases = WARMUP_RECORDS + n_records
    if stored[0] != expected_cases or stored[1] != CLAIMS_PER_RECORD * expected_cases:
        raise RuntimeError(f"expected {expected_cases} cases with claims, found {tuple(stored)}")
    rate = report.created / seconds
    _say(
        f"{report.created:,} cases, {report.claims:,} claims in {seconds:.2f} s "
        f"= {rate:,.0f} cases/s"
    )
    return [
        Row(NAME, f"import of {n_records:,} JSONL records (parse+write+commit)", seconds, "s"),
        Row(NAME, "claims written", float(report.claims)),
        Row(NAME, "throughput (claims included)", rate, "cases/s", f">= {TARGET_CASES_PER_S}"),
        Row(NAME, "claim throughput", report.claims / seconds, "claims/s"),
    ]
