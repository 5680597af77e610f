"""The matcher's own index, kept by PostgreSQL inside every write: one feature row per case
(who may read it, where and when it was decided, the rights and provisions it won and lost)
and a BM25 index over title, holding, keywords, facts and law (terms with document
frequencies, postings with term frequencies, and the corpus totals).

Statement-level triggers with transition tables on `legal_case`, `rights_claim` and
`claim_provision` keep them: ORM writes, the importer's bulk statements and COPY all pass
through, so the statistics are right when the writing transaction commits. Text writes take
one transaction-level advisory lock, so concurrent writers take turns on the term
statistics instead of deadlocking on them. Existing cases are indexed by the upgrade.

Revision ID: 0013_match_features
Revises: 0012_deadlines
Create Date: 2026-12-03 11:54:22.899450
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0013_match_features'
down_revision: str | None = '0012_deadlines'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FAVOURABLE = "'{violation,prospective_violation,upheld,favourable}'::text[]"
ADVERSE = "'{no_violation,rejected,unfavourable,inadmissible}'::text[]"

# One document per case: each field on its own (a field's positions start at 1, so a long
# facts section does not push the law's positions past PostgreSQL's limit of 16,383), its
# frequencies summed per term.
# `{source}` is legal_case, or the trigger's old rows when postings are removed: no index by
# case is kept (it would double the cost of every posting written), so a case's postings
# are found again from the texts they were made of.
DOCUMENT_TERMS = """
    SELECT c.id AS case_id, u.lexeme, sum(cardinality(u.positions))::real AS tf
    FROM {source} c
    CROSS JOIN LATERAL unnest(ARRAY[
        to_tsvector(comity_ts_config(c.language), comity_unaccent(c.title)),
        to_tsvector(comity_ts_config(c.language), comity_unaccent(c.holding)),
        to_tsvector(comity_ts_config(c.language), comity_words(c.keywords)),
        to_tsvector(comity_ts_config(c.language), comity_unaccent(c.facts_summary)),
        to_tsvector(comity_ts_config(c.language), comity_unaccent(c.law_text))
    ]) AS f(vector)
    CROSS JOIN LATERAL unnest(f.vector) AS u
    WHERE c.id = ANY({ids})
    GROUP BY c.id, u.lexeme
"""

UNINDEX = f"""
        PERFORM pg_advisory_xact_lock(hashtext('comity_match_index'));
        WITH doc AS MATERIALIZED ({DOCUMENT_TERMS.format(source="old_rows", ids="changed")}
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
"""

FUNCTIONS = [
    f"""
    CREATE FUNCTION comity_match_features(ids uuid[]) RETURNS void LANGUAGE sql AS $$
    INSERT INTO case_match_features AS f (
        case_id, owner_org_id, visibility, forum_id, forum_jurisdiction, respondent_states,
        decided_on, outcome, importance, implementation_status, authority_rank,
        reference_key, title, won_claims, lost_claims, won_rights, won_provisions, lost_rights, lost_provisions)
    WITH claims AS (
        SELECT r.case_id, r.right_id, r.finding::text = ANY({FAVOURABLE}) AS won,
            r.finding::text = ANY({ADVERSE}) AS lost
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
                AS lost_rights
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
        coalesce(bc.lost_rights, '{{}}'), coalesce(bl.lost_provisions, '{{}}')
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
        lost_rights = excluded.lost_rights, lost_provisions = excluded.lost_provisions
    $$
    """,
    f"""
    CREATE FUNCTION comity_match_index(ids uuid[]) RETURNS void LANGUAGE plpgsql
    SET plan_cache_mode = force_custom_plan AS $$
    BEGIN
        PERFORM pg_advisory_xact_lock(hashtext('comity_match_index'));
        WITH doc AS MATERIALIZED ({DOCUMENT_TERMS.format(source="legal_case", ids="ids")}
        ), per_term AS (
            SELECT lexeme, count(*) AS n FROM doc GROUP BY lexeme
        ), added AS (
            INSERT INTO match_term (term, df)
            SELECT lexeme, n FROM per_term
            WHERE NOT EXISTS (SELECT 1 FROM match_term t WHERE t.term = per_term.lexeme)
            RETURNING id, term
        ), bumped AS (
            UPDATE match_term t SET df = t.df + per_term.n FROM per_term
            WHERE t.term = per_term.lexeme
            RETURNING t.id, t.term
        ), lengths AS (
            SELECT case_id, sum(tf) AS len FROM doc GROUP BY case_id
        ), posted AS (
            INSERT INTO case_posting (term_id, case_id, tf, dl)
            SELECT known.id, doc.case_id, doc.tf, lengths.len
            FROM doc JOIN (SELECT * FROM added UNION ALL SELECT * FROM bumped) AS known
                ON known.term = doc.lexeme
            JOIN lengths ON lengths.case_id = doc.case_id
        )
        UPDATE match_corpus SET
            docs = docs + (SELECT count(*) FROM lengths),
            total_len = total_len + (SELECT coalesce(sum(len), 0) FROM lengths)
        WHERE id = 1;
    END $$
    """,
    f"""
    CREATE FUNCTION comity_match_case_written() RETURNS trigger LANGUAGE plpgsql
    SET plan_cache_mode = force_custom_plan AS $$
    DECLARE
        ids uuid[];
        changed uuid[];
    BEGIN
        IF TG_OP = 'DELETE' THEN
            changed := ARRAY(SELECT id FROM old_rows);
            {UNINDEX}
            RETURN NULL;
        END IF;
        ids := ARRAY(SELECT id FROM new_rows);
        PERFORM comity_match_features(ids);
        IF TG_OP = 'INSERT' THEN
            changed := ids;
        ELSE
            changed := ARRAY(
                SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
                WHERE (n.title, n.holding, n.keywords, n.facts_summary, n.law_text, n.language)
                    IS DISTINCT FROM
                    (o.title, o.holding, o.keywords, o.facts_summary, o.law_text, o.language));
            IF cardinality(changed) > 0 THEN
                {UNINDEX}
            END IF;
        END IF;
        IF cardinality(changed) > 0 THEN
            PERFORM comity_match_index(changed);
        END IF;
        RETURN NULL;
    END $$
    """,
    """
    CREATE FUNCTION comity_match_claims_written() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            PERFORM comity_match_features(ARRAY(SELECT DISTINCT case_id FROM old_rows));
        END IF;
        IF TG_OP IN ('UPDATE', 'INSERT') THEN
            PERFORM comity_match_features(ARRAY(SELECT DISTINCT case_id FROM new_rows));
        END IF;
        RETURN NULL;
    END $$
    """,
    """
    CREATE FUNCTION comity_match_links_written() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            PERFORM comity_match_features(ARRAY(
                SELECT DISTINCT r.case_id FROM old_rows l JOIN rights_claim r ON r.id = l.claim_id));
        END IF;
        IF TG_OP IN ('UPDATE', 'INSERT') THEN
            PERFORM comity_match_features(ARRAY(
                SELECT DISTINCT r.case_id FROM new_rows l JOIN rights_claim r ON r.id = l.claim_id));
        END IF;
        RETURN NULL;
    END $$
    """,
]

# PostgreSQL allows transition tables on one event per trigger.
TRIGGER_NAMES = [
    (table, f"{table}_match_{event.lower()}")
    for table in ("legal_case", "rights_claim", "claim_provision")
    for event in ("INSERT", "UPDATE", "DELETE")
]
_FUNCTION_OF = {
    "legal_case": "comity_match_case_written",
    "rights_claim": "comity_match_claims_written",
    "claim_provision": "comity_match_links_written",
}
_TRANSITION = {
    "INSERT": "NEW TABLE AS new_rows",
    "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "DELETE": "OLD TABLE AS old_rows",
}
TRIGGERS = [
    f"CREATE TRIGGER {name} AFTER {name.rsplit('_', 1)[1].upper()} ON {table} "
    f"REFERENCING {_TRANSITION[name.rsplit('_', 1)[1].upper()]} "
    f"FOR EACH STATEMENT EXECUTE FUNCTION {_FUNCTION_OF[table]}()"
    for table, name in TRIGGER_NAMES
]
FUNCTION_SIGNATURES = [
    "comity_match_links_written()",
    "comity_match_claims_written()",
    "comity_match_case_written()",
    "comity_match_index(uuid[])",
    "comity_match_features(uuid[])",
]


def upgrade() -> None:
    # ### commands auto generated by Alembic - please adjust! ###
    op.create_table('case_posting',
    sa.Column('term_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('tf', sa.REAL(), nullable=False),
    sa.Column('dl', sa.REAL(), nullable=False),
    )
    op.create_table('match_corpus',
    sa.Column('id', sa.SmallInteger(), nullable=False),
    sa.Column('docs', sa.BigInteger(), nullable=False),
    sa.Column('total_len', sa.Double(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_match_corpus'))
    )
    op.create_table('match_term',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('term', sa.Text(), nullable=False),
    sa.Column('df', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_match_term')),
    sa.UniqueConstraint('term', name=op.f('uq_match_term_term'))
    )
    op.create_table('case_match_features',
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('owner_org_id', sa.Uuid(), nullable=False),
    sa.Column('visibility', postgresql.ENUM('private', 'network', 'public', name='visibility', create_type=False), nullable=False),
    sa.Column('forum_id', sa.String(length=40), nullable=False),
    sa.Column('forum_jurisdiction', sa.String(length=16), nullable=False),
    sa.Column('respondent_states', postgresql.ARRAY(sa.String(length=2)), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('outcome', postgresql.ENUM('pending', 'win', 'partial', 'loss', 'inadmissible', 'settled', 'withdrawn', 'advisory', name='case_outcome', create_type=False), nullable=False),
    sa.Column('importance', sa.SmallInteger(), nullable=True),
    sa.Column('implementation_status', postgresql.ENUM('implemented', 'partly', 'not_implemented', 'unknown', name='implementation_status', create_type=False), nullable=True),
    sa.Column('authority_rank', sa.BigInteger(), nullable=False),
    sa.Column('reference_key', sa.String(length=80), nullable=True),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('won_claims', sa.SmallInteger(), nullable=False),
    sa.Column('lost_claims', sa.SmallInteger(), nullable=False),
    sa.Column('won_rights', postgresql.ARRAY(sa.Text()), nullable=False),
    sa.Column('won_provisions', postgresql.ARRAY(sa.Uuid()), nullable=False),
    sa.Column('lost_rights', postgresql.ARRAY(sa.Text()), nullable=False),
    sa.Column('lost_provisions', postgresql.ARRAY(sa.Uuid()), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['legal_case.id'], name=op.f('fk_case_match_features_case_id_legal_case'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('case_id', name=op.f('pk_case_match_features'))
    )
    op.create_index('ix_case_match_features_lost_provisions', 'case_match_features', ['lost_provisions'], unique=False, postgresql_using='gin')
    op.create_index('ix_case_match_features_lost_rights', 'case_match_features', ['lost_rights'], unique=False, postgresql_using='gin')
    op.create_index('ix_case_match_features_won_provisions', 'case_match_features', ['won_provisions'], unique=False, postgresql_using='gin')
    op.create_index('ix_case_match_features_authority_order', 'case_match_features', ['authority_rank', 'reference_key', 'title', 'case_id'], unique=False)
    op.create_index('ix_case_match_features_won_rights', 'case_match_features', ['won_rights'], unique=False, postgresql_using='gin')
    op.create_index('ux_case_posting_term_id_case_id', 'case_posting', ['term_id', 'case_id'], unique=True, postgresql_include=['tf', 'dl'])
    # ### end Alembic commands ###
    op.execute("INSERT INTO match_corpus (id, docs, total_len) VALUES (1, 0, 0)")
    for statement in FUNCTIONS + TRIGGERS:
        op.execute(statement)
    op.execute("SELECT comity_match_features((SELECT array_agg(id) FROM legal_case))")
    op.execute("SELECT comity_match_index((SELECT array_agg(id) FROM legal_case))")


def downgrade() -> None:
    for table, name in TRIGGER_NAMES:
        op.execute(f"DROP TRIGGER {name} ON {table}")
    for signature in FUNCTION_SIGNATURES:
        op.execute(f"DROP FUNCTION {signature}")
    op.drop_index('ux_case_posting_term_id_case_id', table_name='case_posting')
    # ### commands auto generated by Alembic - please adjust! ###
    op.drop_index('ix_case_match_features_won_rights', table_name='case_match_features', postgresql_using='gin')
    op.drop_index('ix_case_match_features_authority_order', table_name='case_match_features')
    op.drop_index('ix_case_match_features_won_provisions', table_name='case_match_features', postgresql_using='gin')
    op.drop_index('ix_case_match_features_lost_rights', table_name='case_match_features', postgresql_using='gin')
    op.drop_index('ix_case_match_features_lost_provisions', table_name='case_match_features', postgresql_using='gin')
    op.drop_table('case_match_features')
    op.drop_table('match_term')
    op.drop_table('match_corpus')
    op.drop_table('case_posting')
    # ### end Alembic commands ###
