"""Every claim's right and finding on the case's feature row, so that the search counts its
claim facets from the hits' feature rows (one array each) instead of their claim rows.

`comity_match_features`, which every write to a case, a claim or a claim's provisions
runs (migration 0013), fills the two new arrays; existing cases are filled by the upgrade.

Revision ID: 0019_claim_facets
Revises: 0018_case_follows
Create Date: 2026-12-03 22:00:00
"""

import importlib.util
from collections.abc import Sequence
from pathlib import Path

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0019_claim_facets"
down_revision: str | None = "0018_case_follows"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FAVOURABLE = "'{violation,prospective_violation,upheld,favourable}'::text[]"
ADVERSE = "'{no_violation,rejected,unfavourable,inadmissible}'::text[]"

FEATURES = f"""
    CREATE OR REPLACE FUNCTION comity_match_features(ids uuid[]) RETURNS void LANGUAGE sql AS $$
    INSERT INTO case_match_features AS f (
        case_id, owner_org_id, visibility, forum_id, forum_jurisdiction, respondent_states,
        decided_on, outcome, importance, implementation_status, authority_rank,
        reference_key, title, won_claims, lost_claims, won_rights, won_provisions, lost_rights,
        lost_provisions, claim_rights, claim_findings)
    WITH claims AS (
        SELECT r.case_id, r.right_id, r.finding::text AS finding,
            r.finding::text = ANY({FAVOURABLE}) AS won, r.finding::text = ANY({ADVERSE}) AS lost
        FROM rights_claim r WHERE r.case_id = ANY(ids)
    ), links AS (
        SELECT r.case_id, p.provision_id, r.finding::text = ANY({FAVOURABLE}) AS won,
            r.finding::text = ANY({ADVERSE}) AS lost
        FROM rights_claim r JOIN claim_provision p ON p.claim_id = r.id
        WHERE r.case_id = ANY(ids)
    ), by_claims AS (
        SELECT case_id, count(*) FILTER (WHERE won) AS won_claims,
            count(*) FILTER (WHERE lost) AS lost_claims,
            array_agg(DISTINCT right_id) FILTER (WHERE won AND right_id IS NOT NULL)
                AS won_rights,
            array_agg(DISTINCT right_id) FILTER (WHERE lost AND right_id IS NOT NULL)
                AS lost_rights,
            array_agg(DISTINCT right_id) FILTER (WHERE right_id IS NOT NULL) AS claim_rights,
            array_agg(DISTINCT finding) FILTER (WHERE finding IS NOT NULL) AS claim_findings
        FROM claims GROUP BY case_id
    ), by_links AS (
        SELECT case_id, array_agg(DISTINCT provision_id) FILTER (WHERE won) AS won_provisions,
            array_agg(DISTINCT provision_id) FILTER (WHERE lost) AS lost_provisions
        FROM links GROUP BY case_id
    )
    SELECT c.id, c.owner_org_id, c.visibility, c.forum_id, c.forum_jurisdiction,
        c.respondent_states, c.decided_on, c.outcome, c.importance, c.implementation_status,
        coalesce(c.importance, 5)::bigint * 100000000
            - coalesce(c.decided_on - date '0001-01-01', -1),
        c.reference_key, c.title,
        coalesce(bc.won_claims, 0), coalesce(bc.lost_claims, 0),
        coalesce(bc.won_rights, '{{}}'), coalesce(bl.won_provisions, '{{}}'),
        coalesce(bc.lost_rights, '{{}}'), coalesce(bl.lost_provisions, '{{}}'),
        coalesce(bc.claim_rights, '{{}}'), coalesce(bc.claim_findings, '{{}}')
    FROM legal_case c
    LEFT JOIN by_claims bc ON bc.case_id = c.id
    LEFT JOIN by_links bl ON bl.case_id = c.id
    WHERE c.id = ANY(ids)
    ON CONFLICT (case_id) DO UPDATE SET
        owner_org_id = excluded.owner_org_id, visibility = excluded.visibility,
        forum_id = excluded.forum_id, forum_jurisdiction = excluded.forum_jurisdiction,
        respondent_states = excluded.respondent_states, decided_on = excluded.decided_on,
        outcome = excluded.outcome, importance = excluded.importance,
        implementation_status = excluded.implementation_status,
        authority_rank = excluded.authority_rank, reference_key = excluded.reference_key, title = excluded.title,
        won_claims = excluded.won_claims, lost_claims = excluded.lost_claims,
        won_rights = excluded.won_rights, won_provisions = excluded.won_provisions,
        lost_rights = excluded.lost_rights, lost_provisions = excluded.lost_provisions,
        claim_rights = excluded.claim_rights, claim_findings = excluded.claim_findings
    $$
"""


def _features_of_0013() -> str:
    """The function as migration 0013 wrote it (what the downgrade restores)."""
    path = Path(__file__).with_name("2026-12-03_1154_match_features.py")
    spec = importlib.util.spec_from_file_location("comity_migration_0013", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return str(module.FUNCTIONS[0]).replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1)


def upgrade() -> None:
    for name in ("claim_rights", "claim_findings"):
        op.add_column(
            "case_match_features",
            sa.Column(name, postgresql.ARRAY(sa.Text()), nullable=False, server_default="{}"),
        )
    op.execute(FEATURES)
    op.execute("SELECT comity_match_features(ARRAY(SELECT id FROM legal_case))")
    for name in ("claim_rights", "claim_findings"):
        op.alter_column("case_match_features", name, server_default=None)


def downgrade() -> None:
    op.execute(_features_of_0013())
    op.drop_column("case_match_features", "claim_findings")
    op.drop_column("case_match_features", "claim_rights")
