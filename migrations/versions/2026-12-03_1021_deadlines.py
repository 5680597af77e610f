"""Deadlines with their case (computed from a final domestic decision, or manual), secret
calendar feeds, the `domestic_final` update kind with its notification date, and interim
measures on updates.

The downgrade deletes `domestic_final` updates but leaves the enum value: PostgreSQL cannot
drop one, and the upgrade adds it only if missing.

Revision ID: 0012_deadlines
Revises: 0011_reservations
Create Date: 2026-12-03 10:21:34.835416
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0012_deadlines'
down_revision: str | None = '0011_reservations'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("ALTER TYPE update_kind ADD VALUE IF NOT EXISTS 'domestic_final'")
    op.create_table('calendar_feed',
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('organisation_id', sa.Uuid(), nullable=True),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_calendar_feed_organisation_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_calendar_feed_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_feed')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_calendar_feed_token_hash'))
    )
    op.create_index(op.f('ix_calendar_feed_user_id'), 'calendar_feed', ['user_id'], unique=False)
    op.create_table('case_deadline',
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('update_id', sa.Uuid(), nullable=True),
    sa.Column('forum_id', sa.String(length=40), nullable=True),
    sa.Column('rule', sa.String(length=60), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('source', sa.String(length=300), nullable=True),
    sa.Column('uncertain', sa.Boolean(), nullable=False),
    sa.Column('internal', sa.Boolean(), nullable=False),
    sa.Column('created_by', sa.Uuid(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('dismissed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('dismissed_by', sa.Uuid(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['legal_case.id'], name=op.f('fk_case_deadline_case_id_legal_case'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['forum_id'], ['forum.id'], name=op.f('fk_case_deadline_forum_id_forum')),
    sa.ForeignKeyConstraint(['update_id'], ['case_update.id'], name=op.f('fk_case_deadline_update_id_case_update'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_deadline'))
    )
    op.create_index(op.f('ix_case_deadline_case_id'), 'case_deadline', ['case_id'], unique=False)
    op.create_index('ix_case_deadline_due', 'case_deadline', ['due_on'], unique=False)
    op.add_column('case_update', sa.Column('notified_on', sa.Date(), nullable=True))
    op.add_column('case_update', sa.Column('interim', postgresql.JSONB(astext_type=sa.Text()), nullable=True))


def downgrade() -> None:
    op.execute("DELETE FROM case_update WHERE kind::text = 'domestic_final'")
    op.drop_column('case_update', 'interim')
    op.drop_column('case_update', 'notified_on')
    op.drop_index('ix_case_deadline_due', table_name='case_deadline')
    op.drop_index(op.f('ix_case_deadline_case_id'), table_name='case_deadline')
    op.drop_table('case_deadline')
    op.drop_index(op.f('ix_calendar_feed_user_id'), table_name='calendar_feed')
    op.drop_table('calendar_feed')
