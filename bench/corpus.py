"""A large synthetic case corpus, written fast with COPY, for the benchmarks.

The module's one job: fill a migrated database that holds the reference data with ``n``
plausible cases (claims, provisions, identifiers) owned by one demo organisation, quickly
enough that a 100,000-case run is a matter of a minute or two, and reproducibly (``seed``).

What a generated case looks like
--------------------------------
Forum
    A real forum row, the European Court of Human Rights weighted most, regional courts and
    treaty bodies next; ``forum_jurisdiction`` is the forum's jurisdiction.
Respondent States
    One (sometimes two) members of the forum's system (``system_membership``); the State
    itself for a national forum; any State with a ratification for systems the reference
    data gives no members (UN, ILO, ...).
Claims
    1-5 (3 on average) with distinct rights, drawn in proportion to how many crosswalk rows
    each right has; 1-3 provisions from the right's crosswalk rows, preferring instruments the
    forum applies. Findings follow the forum's kind (violation / no violation for courts and
    treaty bodies, upheld / rejected for national courts, favourable / unfavourable for
    monitoring bodies), and half of a case's later claims repeat its first claim's finding;
    5 % of cases are pending, with pending claims, no decision date and an empty holding.
Outcome
    Derived from the findings with the app's own :func:`derive_outcome`; 3 % are marked
    explicit.
Texts
    Real sentences of the ECtHR corpus (facts for ``facts_summary``, the Court's assessment
    for ``law_text`` and ``holding``), shuffled. Without the corpus a small built-in legal
    vocabulary makes the sentences, and a note says so.
Visibility
    85 % public, 10 % network, 5 % private.

Rows go in with COPY in text format, 5,000 cases per transaction over two connections, then
ANALYZE. Appending to a database that already has cases is safe: the random stream depends
on the number of cases already there, so ids and identifiers do not collide.
"""

from __future__ import annotations

import functools
import queue
import random
import re
import sys
import threading
import time
import uuid
from bisect import bisect
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text

from app.cases.models import Finding, Population
from app.cases.outcomes import derive_outcome
from bench.results import Row

__all__ = ["DEFAULT_SOURCE", "DEMO_ORG_SLUG", "generate", "grow", "sentence_pool", "size_label"]

DEFAULT_SOURCE = Path("/work/shared/data/ecthr/cases.jsonl.gz")
DEMO_ORG_SLUG = "bench-public-demo"
BATCH_CASES = 5_000
FIRST_DAY = date(1990, 1, 1)
LAST_DAY = date(2025, 12, 31)

CASE_COLUMNS = (
    "id",
    "title",
    "short_title",
    "citation",
    "forum_id",
    "forum_jurisdiction",
    "respondent_states",
    "language",
    "filed_on",
    "decided_on",
    "status",
    "procedural_posture",
    "outcome",
    "outcome_explicit",
    "facts_summary",
    "holding",
    "law_text",
    "keywords",
    "populations",
    "importance",
    "implementation_status",
    "owner_org_id",
    "visibility",
    "version",
    "created_at",
    "updated_at",
)
CLAIM_COLUMNS = ("id", "case_id", "position", "right_id", "argument_summary", "finding", "remedy")
PROVISION_COLUMNS = ("claim_id", "provision_id")
IDENTIFIER_COLUMNS = ("id", "case_id", "kind", "value", "forum_id", "owner_org_id")

# (value, weight) tables: the frequencies are rough shapes of real case law, not statistics.
FINDINGS_BY_FORUM_KIND: dict[str, tuple[tuple[str, float], ...]] = {
    "adjudicative": (
        (Finding.violation, 0.58),
        (Finding.no_violation, 0.22),
        (Finding.inadmissible, 0.09),
        (Finding.not_examined, 0.08),
        (Finding.prospective_violation, 0.03),
    ),
    "national": (
        (Finding.upheld, 0.42),
        (Finding.rejected, 0.36),
        (Finding.remitted, 0.10),
        (Finding.inadmissible, 0.06),
        (Finding.settled, 0.06),
    ),
    "monitoring": (
        (Finding.favourable, 0.60),
        (Finding.unfavourable, 0.30),
        (Finding.not_examined, 0.10),
    ),
}
FORUM_LEVEL_KIND = {
    "international": "adjudicative",
    "regional": "adjudicative",
    "quasi_judicial_treaty_body": "adjudicative",
    "quasi_judicial_regional_body": "adjudicative",
    "national_apex": "national",
    "national_appellate": "national",
    "national_first_instance": "national",
    "monitoring_body": "monitoring",
    "special_procedure": "monitoring",
}
FORUM_LEVEL_WEIGHT = {
    "international": 0.5,
    "regional": 4.0,
    "quasi_judicial_treaty_body": 2.0,
    "quasi_judicial_regional_body": 1.5,
    "national_apex": 1.5,
    "national_appellate": 1.0,
    "national_first_instance": 1.0,
    "monitoring_body": 0.5,
    "special_procedure": 0.5,
}
FORUM_EXTRA_WEIGHT = {"ECTHR": 8.0}
IDENTIFIER_KIND_BY_LEVEL = {
    "quasi_judicial_treaty_body": "communication_number",
    "quasi_judicial_regional_body": "communication_number",
    "regional": "application_number",
}
CLAIMS_PER_CASE = ((1, 0.15), (2, 0.20), (3, 0.30), (4, 0.20), (5, 0.15))
PROVISIONS_PER_CLAIM = ((1, 0.6), (2, 0.3), (3, 0.1))
VISIBILITY = (("public", 0.85), ("network", 0.10), ("private", 0.05))
IMPORTANCE = ((1, 0.05), (2, 0.15), (3, 0.40), (4, 0.40))
DECIDED_STATUS = (("decided", 0.80), ("closed", 0.12), ("appealed", 0.08))
LANGUAGE = (("en", 0.7), ("fr", 0.2), ("es", 0.1))
IMPLEMENTATION = (
    ("\\N", 0.7),
    ("implemented", 0.1),
    ("partly", 0.08),
    ("not_implemented", 0.07),
    ("unknown", 0.05),
)
PENDING_SHARE = 0.05
EXPLICIT_OUTCOME_SHARE = 0.03
SECOND_RESPONDENT_SHARE = 0.06
# Claims of one case tend to go the same way: half of them repeat the first claim's finding.
SAME_FINDING_SHARE = 0.5

FALLBACK_SURNAMES = (
    "Abdi", "Ahmed", "Alvarez", "Bakari", "Belhaj", "Chahal", "Diallo", "Dimitrov", "Haddad",
    "Hassan", "Ibrahim", "Ivanov", "Kamara", "Khan", "Kovacs", "Lopez", "Mahmoud", "Mensah",
    "Nowak", "Okafor", "Petrov", "Popescu", "Rahimi", "Sanchez", "Silva", "Tahir", "Yilmaz",
)  # fmt: skip
FALLBACK_WORDS = (
    "applicant", "authorities", "asylum", "detention", "removal", "border", "court", "appeal",
    "decision", "procedure", "remedy", "application", "expulsion", "risk", "treatment",
    "family", "child", "residence", "permit", "hearing", "evidence", "claim", "protection",
    "refugee", "status", "reception", "conditions", "deportation", "order", "tribunal",
    "government", "domestic", "judgment", "complaint", "article", "convention", "violation",
    "interim", "measure", "country", "origin", "return", "liberty", "security", "review",
)  # fmt: skip

# A sentence ends at . ! ? or a closing quote before a capital; a paragraph number may run
# into the next sentence ("... was suspended.10. In June ...").
_SENTENCE_END = re.compile(r"([.!?\u201d\"])\s*(?:\d{1,4}\.\s*)?(?=[A-Z\u201c\"])")
# Headings run into the text ("THE CIRCUMSTANCES OF THE CASEA. ..."), and quoted extracts with
# ellipses read badly out of context.
_REJECT = re.compile(r"[A-Z]{4,}|^[A-Z]\.|\u2026|\.\.\.|[\[\]]")
# A fragment cut after an initial or a title ("Ms P.", "no.") is dropped rather than mended.
_ABBREVIATION_END = re.compile(r"(?:\b[A-Z]|\bM[rs]|\bMrs|\bnos?|\bpara|\bp)\.$")
_SURNAME = re.compile(r"^[A-Z][a-z\u00e0-\u00ff'\u2019-]{2,30}$")


@dataclass(frozen=True, slots=True)
class SentencePool:
    """Sentences ready for COPY text format (no tab, newline or backslash), and surnames."""

    facts: tuple[str, ...]
    law: tuple[str, ...]
    surnames: tuple[str, ...]
    origin: str


def _sentences(text: str) -> Iterator[str]:
    """Sentences of text, whitespace collapsed, with no backslash (COPY text format)."""
    pieces = _SENTENCE_END.split(" ".join(text.replace("\\", "/").split()))
    for i in range(0, len(pieces) - 1, 2):
        sentence = (pieces[i] + pieces[i + 1]).strip()
        if (
            40 <= len(sentence) <= 400
            and sentence[0].isupper()
            # "... proceedings against him7." is a heading with its paragraph number.
            and not sentence[-2].isdigit()
            and not _REJECT.search(sentence)
            and not _ABBREVIATION_END.search(sentence)
        ):
            yield sentence


@functools.lru_cache(maxsize=4)
def sentence_pool(source: Path | None = None, *, limit: int = 60_000) -> SentencePool:
    """Sentences of the ECtHR corpus at source (default: the shared copy), read once.

    Falls back to sentences made from a small legal vocabulary when the corpus is absent.
    """
    path = source or DEFAULT_SOURCE
    if not path.exists():
        print(
            f"[bench] note: {path} not found; texts are made from a built-in legal vocabulary "
            "instead of real ECtHR sentences (lengths and search results will differ).",
            file=sys.stderr,
        )
        return _builtin_pool()
    from app.cases.ecthr import read_judgments

    rng = random.Random(0)
    judgments = list(read_judgments(path))
    rng.shuffle(judgments)
    facts: list[str] = []
    law: list[str] = []
    surnames: set[str] = set()
    for judgment in judgments:
        # Splitting every judgment takes seconds; twice the pool is a fair sample of it.
        if len(facts) < 2 * limit:
            facts.extend(_sentences(judgment.facts))
        if len(law) < 2 * limit:
            law.extend(_sentences(judgment.law))
        if judgment.short_title:
            applicant = judgment.short_title.split(" v. ")[0].removesuffix(" and Others")
            if _SURNAME.match(applicant):
                surnames.add(applicant)
    if len(facts) < 100 or len(law) < 100:
        return _builtin_pool()
    return SentencePool(
        facts=tuple(rng.sample(facts, min(limit, len(facts)))),
        law=tuple(rng.sample(law, min(limit, len(law)))),
        surnames=tuple(sorted(surnames)) or FALLBACK_SURNAMES,
        origin=str(path),
    )


def _builtin_pool() -> SentencePool:
    rng = random.Random(0)

    def sentence() -> str:
        words = rng.choices(FALLBACK_WORDS, k=rng.randint(8, 24))
        return "The " + " ".join(words) + "."

    return SentencePool(
        facts=tuple(sentence() for _ in range(2_000)),
        law=tuple(sentence() for _ in range(2_000)),
        surnames=FALLBACK_SURNAMES,
        origin="built-in vocabulary",
    )


class _Weighted:
    """Fast repeated weighted choice (cumulative weights computed once)."""

    def __init__(self, pairs: Iterable[tuple[Any, float]]) -> None:
        items = list(pairs)
        self.values = [v for v, _ in items]
        self.cumulative = list(accumulate(w for _, w in items))
        self.total = self.cumulative[-1]

    def pick(self, rng: random.Random) -> Any:
        return self.values[bisect(self.cumulative, rng.random() * self.total)]


@dataclass(frozen=True, slots=True)
class _Forum:
    id: str
    jurisdiction: str
    level: str
    states: tuple[str, ...]
    findings: _Weighted
    identifier_kind: str
    provisions_by_right: dict[str, tuple[tuple[str, ...], tuple[str, ...]]]


@dataclass(frozen=True, slots=True)
class _Reference:
    forums: list[_Forum]
    forum_choice: _Weighted
    right_choice: _Weighted
    state_names: dict[str, str]
    keywords: tuple[str, ...]


def _load_reference(cur: Any) -> _Reference:
    cur.execute("SELECT code, name FROM jurisdiction WHERE kind = 'state'")
    state_names = {code: name for code, name in cur.fetchall()}
    cur.execute("SELECT system_code, state_code FROM system_membership ORDER BY 1, 2")
    members: dict[str, list[str]] = defaultdict(list)
    for system, state in cur.fetchall():
        members[system].append(state)
    cur.execute("SELECT DISTINCT state_code FROM ratification ORDER BY 1")
    ratifying = tuple(code for (code,) in cur.fetchall() if code in state_names)
    everyone = ratifying or tuple(sorted(state_names))
    cur.execute(
        "SELECT c.right_id, p.id::text, p.instrument_id FROM crosswalk_row c "
        "JOIN provision p ON p.id = c.provision_id ORDER BY 1, 2"
    )
    crosswalk: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for right_id, provision_id, instrument_id in cur.fetchall():
        crosswalk[right_id].append((provision_id, instrument_id))
    if not crosswalk:
        raise RuntimeError("the database has no crosswalk rows: load the reference data first")
    cur.execute(
        "SELECT id, jurisdiction_code, level::text, instruments_applied FROM forum ORDER BY id"
    )
    forums: list[_Forum] = []
    for forum_id, jurisdiction, level, applied in cur.fetchall():
        if jurisdiction in state_names:
            states: tuple[str, ...] = (jurisdiction,)
        else:
            states = tuple(s for s in members.get(jurisdiction, ()) if s in state_names)
        applied_set = set(applied or ())
        by_right = {
            right: (
                tuple(p for p, instrument in rows if instrument in applied_set),
                tuple(p for p, _ in rows),
            )
            for right, rows in crosswalk.items()
        }
        forums.append(
            _Forum(
                id=forum_id,
                jurisdiction=jurisdiction,
                level=level,
                states=states or everyone,
                findings=_Weighted(
                    FINDINGS_BY_FORUM_KIND[FORUM_LEVEL_KIND.get(level, "adjudicative")]
                ),
                identifier_kind=IDENTIFIER_KIND_BY_LEVEL.get(level, "docket_number"),
                provisions_by_right=by_right,
            )
        )
    if not forums:
        raise RuntimeError("the database has no forums: load the reference data first")
    forum_choice = _Weighted(
        (i, FORUM_LEVEL_WEIGHT.get(f.level, 1.0) * FORUM_EXTRA_WEIGHT.get(f.id, 1.0))
        for i, f in enumerate(forums)
    )
    right_choice = _Weighted((right, float(len(rows))) for right, rows in crosswalk.items())
    cur.execute("SELECT id FROM keyword ORDER BY id")
    keywords = tuple(k for (k,) in cur.fetchall() if _safe_array_item(k))
    return _Reference(forums, forum_choice, right_choice, state_names, keywords)


def _safe_array_item(value: str) -> bool:
    return not any(c in value for c in '"\\{},\t\n\r')


def _copy_text(value: str) -> str:
    """Escape a string for COPY text format."""
    return (
        value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    )


def _array(values: Sequence[str]) -> str:
    return "{" + ",".join(f'"{v}"' for v in values) + "}"


def _demo_org(cur: Any) -> str:
    cur.execute(
        "INSERT INTO organisation (id, slug, name, kind, country, active, version) "
        "VALUES (%s, %s, %s, 'hub', 'NL', true, 1) ON CONFLICT (slug) DO NOTHING",
        (uuid.uuid4(), DEMO_ORG_SLUG, "Benchmark public case library"),
    )
    cur.execute("SELECT id::text FROM organisation WHERE slug = %s", (DEMO_ORG_SLUG,))
    row = cur.fetchone()
    assert row is not None
    return str(row[0])


class _Writer:
    """Builds the COPY lines of one batch of cases."""

    def __init__(
        self, rng: random.Random, ref: _Reference, pool: SentencePool, owner: str, serial: int
    ) -> None:
        self.rng = rng
        self.ref = ref
        self.pool = pool
        self.owner = owner
        self.serial = serial
        self.claims_per_case = _Weighted(CLAIMS_PER_CASE)
        self.provisions_per_claim = _Weighted(PROVISIONS_PER_CLAIM)
        self.visibility = _Weighted(VISIBILITY)
        self.importance = _Weighted(IMPORTANCE)
        self.decided_status = _Weighted(DECIDED_STATUS)
        self.language = _Weighted(LANGUAGE)
        self.implementation = _Weighted(IMPLEMENTATION)
        self.populations = tuple(p.value for p in Population)
        self.days = (LAST_DAY - FIRST_DAY).days
        self.state_titles = {
            code: _copy_text(_state_title(name)) for code, name in ref.state_names.items()
        }
        self.counts: Counter[str] = Counter()

    def _uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def _text(self, sentences: tuple[str, ...], low: int, high: int) -> str:
        return " ".join(self.rng.choices(sentences, k=self.rng.randint(low, high)))

    def _rights(self, k: int) -> list[str]:
        chosen: list[str] = []
        for _ in range(k * 4):
            right = self.ref.right_choice.pick(self.rng)
            if right not in chosen:
                chosen.append(right)
                if len(chosen) == k:
                    break
        return chosen

    def batch(self, n: int) -> tuple[list[str], list[str], list[str], list[str]]:
        rng = self.rng
        cases: list[str] = []
        claims: list[str] = []
        provisions: list[str] = []
        identifiers: list[str] = []
        for _ in range(n):
            forum = self.ref.forums[self.ref.forum_choice.pick(rng)]
            case_id = self._uuid()
            states = [rng.choice(forum.states)]
            if len(forum.states) > 1 and rng.random() < SECOND_RESPONDENT_SHARE:
                other = rng.choice(forum.states)
                if other != states[0]:
                    states.append(other)
            pending = rng.random() < PENDING_SHARE
            decided = FIRST_DAY + timedelta(days=rng.randrange(self.days))
            filed = decided - timedelta(days=rng.randint(180, 3_000))
            findings: list[Finding] = []
            for position, right in enumerate(self._rights(self.claims_per_case.pick(rng))):
                claim_id = self._uuid()
                if pending:
                    finding = Finding.pending
                elif findings and rng.random() < SAME_FINDING_SHARE:
                    finding = findings[0]
                else:
                    finding = forum.findings.pick(rng)
                findings.append(finding)
                argument = self._text(self.pool.law, 1, 2) if rng.random() < 0.7 else "\\N"
                claims.append(
                    f"{claim_id}\t{case_id}\t{position}\t{right}\t{argument}\t{finding}\t\\N\n"
                )
                preferred, every = forum.provisions_by_right[right]
                candidates = preferred or every
                k = min(self.provisions_per_claim.pick(rng), len(candidates))
                for provision_id in rng.sample(candidates, k):
                    provisions.append(f"{claim_id}\t{provision_id}\n")
            outcome = derive_outcome(findings).value
            surname = rng.choice(self.pool.surnames)
            others = rng.random() < 0.3
            versus = " and ".join(self.state_titles[s] for s in states)
            short_title = f"{surname} v. {versus}"
            title = f"{surname} and Others v. {versus}" if others else short_title
            self.serial += 1
            identifier = f"{self.serial}/{decided.year % 100:02d}"
            visibility = self.visibility.pick(rng)
            keywords = _array(
                rng.sample(self.ref.keywords, rng.randint(0, min(4, len(self.ref.keywords))))
            )
            populations = _array(rng.sample(self.populations, rng.randint(0, 3)))
            stamp = (
                f"{filed.isoformat()} 09:00:00+00"
                if pending
                else f"{decided.isoformat()} 12:00:00+00"
            )
            cases.append(
                "\t".join(
                    (
                        case_id,
                        title,
                        short_title,
                        f"{short_title}, no. {identifier}",
                        forum.id,
                        forum.jurisdiction,
                        _array(states),
                        self.language.pick(rng),
                        filed.isoformat(),
                        "\\N" if pending else decided.isoformat(),
                        "pending" if pending else self.decided_status.pick(rng),
                        "\\N",
                        outcome,
                        "t" if rng.random() < EXPLICIT_OUTCOME_SHARE else "f",
                        self._text(self.pool.facts, 4, 12),
                        "" if pending else self._text(self.pool.law, 1, 3),
                        self._text(self.pool.law, 3, 10),
                        keywords,
                        populations,
                        str(self.importance.pick(rng)),
                        "\\N" if pending else self.implementation.pick(rng),
                        self.owner,
                        visibility,
                        "1",
                        stamp,
                        stamp,
                    )
                )
                + "\n"
            )
            identifiers.append(
                f"{self._uuid()}\t{case_id}\t{forum.identifier_kind}\t{identifier}\t{forum.id}"
                f"\t{self.owner}\n"
            )
            self.counts[f"visibility_{visibility}"] += 1
            self.counts[f"outcome_{outcome}"] += 1
        return cases, claims, provisions, identifiers


def _state_title(name: str) -> str:
    """A State's name as a case title writes it ("the Netherlands", "the United Kingdom")."""
    if name.startswith(("United ", "Netherlands", "Russian ", "Republic ", "Czech ")):
        return f"the {name}"
    return name


# (table, columns, COPY lines) for each table, parents first.
_Batch = list[tuple[str, Sequence[str], list[str]]]


def _copy(cur: Any, table: str, columns: Sequence[str], lines: list[str]) -> None:
    if not lines:
        return
    with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        chunk: list[str] = []
        size = 0
        for line in lines:
            chunk.append(line)
            size += len(line)
            if size > 1 << 20:
                copy.write("".join(chunk).encode())
                chunk, size = [], 0
        if chunk:
            copy.write("".join(chunk).encode())


@contextmanager
def _dbapi(engine: Engine) -> Iterator[Any]:
    """A psycopg connection from engine's pool, discarded rather than reused after an error."""
    raw = engine.raw_connection()
    try:
        yield raw.driver_connection
    except BaseException:
        raw.invalidate()
        raise
    finally:
        raw.close()


def _copy_batches(engine: Engine, batches: Iterable[_Batch], connections: int) -> Counter[str]:
    """COPY each batch in a transaction of its own, over several connections at once.

    The generated column and GIN indexes of full-text search make PostgreSQL the slow side,
    so a second backend on a second core roughly halves the time; rows of one case always
    travel in one batch, so foreign keys hold inside every transaction.
    """
    work: queue.Queue[_Batch | None] = queue.Queue(maxsize=connections)
    rows: Counter[str] = Counter()
    lock = threading.Lock()
    failures: list[BaseException] = []

    def load() -> None:
        try:
            with _dbapi(engine) as conn, conn.cursor() as cur:
                while (batch := work.get()) is not None:
                    cur.execute("SET LOCAL synchronous_commit = off")
                    for table, columns, lines in batch:
                        _copy(cur, table, columns, lines)
                    conn.commit()
                    with lock:
                        rows.update({table: len(lines) for table, _, lines in batch})
        except BaseException as exc:
            failures.append(exc)
            while work.get() is not None:  # keep the producer from blocking on a full queue
                pass

    threads = [threading.Thread(target=load, name=f"copy-{i}") for i in range(connections)]
    for thread in threads:
        thread.start()
    try:
        for batch in batches:
            if failures:
                break
            work.put(batch)
    finally:
        for _ in threads:
            work.put(None)
        for thread in threads:
            thread.join()
    if failures:
        raise failures[0]
    return rows


def generate(
    engine: Engine,
    n_cases: int,
    *,
    seed: int = 1,
    source: Path | None = None,
    connections: int = 2,
) -> dict[str, Any]:
    """Write n_cases synthetic cases with claims into engine's database; returns counts."""
    if n_cases < 0:
        raise ValueError(f"n_cases must not be negative, not {n_cases}")
    started = time.perf_counter()
    pool = sentence_pool(source)
    pool_seconds = time.perf_counter() - started
    with _dbapi(engine) as conn, conn.cursor() as cur:
        ref = _load_reference(cur)
        owner = _demo_org(cur)
        cur.execute("SELECT count(*) FROM legal_case")
        row = cur.fetchone()
        existing = int(row[0]) if row else 0
        conn.commit()
    rng = random.Random(f"{seed}:{existing}")
    # Seven-digit numbers: real application numbers have at most six, so a corpus added to
    # imported cases cannot take one of their identifiers.
    writer = _Writer(rng, ref, pool, owner, serial=1_000_000 + existing)

    def batches() -> Iterator[_Batch]:
        for done in range(0, n_cases, BATCH_CASES):
            cases, claims, provisions, identifiers = writer.batch(min(BATCH_CASES, n_cases - done))
            yield [
                ("legal_case", CASE_COLUMNS, cases),
                ("rights_claim", CLAIM_COLUMNS, claims),
                ("claim_provision", PROVISION_COLUMNS, provisions),
                ("case_identifier", IDENTIFIER_COLUMNS, identifiers),
            ]

    rows = _copy_batches(engine, batches(), max(1, connections))
    copied = time.perf_counter()
    with _dbapi(engine) as conn:
        conn.autocommit = True
        try:
            conn.execute(
                "ANALYZE organisation, legal_case, rights_claim, claim_provision, case_identifier"
            )
        finally:
            conn.autocommit = False
    return {
        "cases": rows["legal_case"],
        "claims": rows["rights_claim"],
        "claim_provisions": rows["claim_provision"],
        "identifiers": rows["case_identifier"],
        **dict(sorted(writer.counts.items())),
        "owner_org_id": owner,
        "text_source": pool.origin,
        "seconds_sentences": round(pool_seconds, 2),
        "seconds_copy": round(copied - started - pool_seconds, 2),
        "seconds_analyze": round(time.perf_counter() - copied, 2),
        "seconds_total": round(time.perf_counter() - started, 2),
    }


def grow(engine: Engine, n_cases: int, step: int, bench: str) -> tuple[int, Row]:
    """Add step cases to a corpus of n_cases, then vacuum and analyse it (so GIN pending lists
    are merged and autovacuum does not start mid-measurement). Returns the new size and the
    benchmark row for the step; says what it did on stderr as ``[bench]``."""
    stats = generate(engine, step)
    n_cases += stats["cases"]
    started = time.perf_counter()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(
            text(
                "VACUUM (ANALYZE) organisation, legal_case, rights_claim, claim_provision, "
                "case_identifier, case_party, case_citation, case_match_features, case_posting, "
                "match_term"
            )
        )
    vacuum_s = time.perf_counter() - started
    print(
        f"[{bench}] {n_cases:,} cases ({stats['cases']:,} added in {stats['seconds_total']} s, "
        f"vacuum/analyze {vacuum_s:.1f} s)",
        file=sys.stderr,
        flush=True,
    )
    row = Row(
        bench, f"corpus +{stats['cases']:,} cases -> {n_cases:,}", stats["seconds_total"], "s"
    )
    return n_cases, row


def size_label(n: int) -> str:
    """10000 -> '10k'."""
    return f"{n // 1000}k" if n >= 1000 and n % 1000 == 0 else f"{n:,}"
