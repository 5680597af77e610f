"""Spanish and French texts are indexed with their own language's stemming: `niños` finds
`niño`, `détenus` finds `détention`, as English texts have always found their word forms.
Other languages stay language-neutral ('simple').

`comity_ts_config` feeds both the search vectors and the matcher's postings, whose triggers
find a case's old postings again by recomputing them from its old texts. The Spanish and
French cases are therefore unindexed under the old configuration first, the function is
switched, their search vectors are recomputed (a no-op update recomputes the stored
generated column; their texts are unchanged, so the triggers leave their postings alone),
and they are indexed again under the new one.

Revision ID: 0020_spanish_french_stemming
Revises: 0019_claim_facets
Create Date: 2026-12-03 22:30:00
"""

import importlib.util
from collections.abc import Sequence
from pathlib import Path

from alembic import op

revision: str = "0020_spanish_french_stemming"
down_revision: str | None = "0019_claim_facets"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LANGUAGES = "('es', 'fr')"
NEUTRAL = "SELECT CASE WHEN $1 IS NULL OR $1 = 'en' THEN 'english'::regconfig ELSE 'simple'::regconfig END"
OWN = (
    "SELECT CASE WHEN $1 IS NULL OR $1 = 'en' THEN 'english'::regconfig "
    "WHEN $1 = 'es' THEN 'spanish'::regconfig WHEN $1 = 'fr' THEN 'french'::regconfig "
    "ELSE 'simple'::regconfig END"
)


def _document_terms() -> str:
    """Migration 0013's per-case terms query: what the postings were made of."""
    path = Path(__file__).with_name("2026-12-03_1154_match_features.py")
    spec = importlib.util.spec_from_file_location("comity_migration_0013", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return str(module.DOCUMENT_TERMS).format(source="legal_case", ids="changed")


def _switch(body: str) -> None:
    unindex = f"""
    DO $$
    DECLARE
        changed uuid[] := ARRAY(SELECT id FROM legal_case WHERE language IN {LANGUAGES});
    BEGIN
        PERFORM pg_advisory_xact_lock(hashtext('comity_match_index'));
        WITH doc AS MATERIALIZED ({_document_terms()}
        ), gone AS (
            DELETE FROM case_posting p USING doc, match_term t
            WHERE t.term = doc.lexeme AND p.term_id = t.id AND p.case_id = doc.case_id
            RETURNING p.term_id, p.case_id, p.tf
        ), per_term AS (
            SELECT term_id, count(*) AS n FROM gone GROUP BY term_id
        ), terms AS (
            UPDATE match_term t SET df = t.df - per_term.n FROM per_term
            WHERE t.id = per_term.term_id
        )
        UPDATE match_corpus SET
            docs = docs - (SELECT count(DISTINCT case_id) FROM gone),
            total_len = total_len - (SELECT coalesce(sum(tf), 0) FROM gone)
        WHERE id = 1;
    END $$
    """
    op.execute(unindex)
    op.execute(
        "CREATE OR REPLACE FUNCTION comity_ts_config(text) RETURNS regconfig LANGUAGE sql "
        f"IMMUTABLE PARALLEL SAFE AS $$ {body} $$"
    )
    for table in ("legal_case", "model_pleading"):
        op.execute(f"UPDATE {table} SET language = language WHERE language IN {LANGUAGES}")
    op.execute(
        "SELECT comity_match_index(ARRAY(SELECT id FROM legal_case "
        f"WHERE language IN {LANGUAGES}))"
    )


def upgrade() -> None:
    _switch(OWN)


def downgrade() -> None:
    _switch(NEUTRAL)
