"""Reservations, interpretive declarations and optional limitations per State and provision,
loaded from the shipped reference data; the matcher turns one on a matched article into a
caution.

Revision ID: 0011_reservations
Revises: 0010_membership_consent
Create Date: 2026-12-03 09:38:29.642498
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0011_reservations'
down_revision: str | None = '0010_membership_consent'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('reservation',
    sa.Column('state_code', sa.String(length=16), nullable=False),
    sa.Column('instrument_id', sa.String(length=40), nullable=False),
    sa.Column('path', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('uncertain', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['instrument_id'], ['instrument.id'], name=op.f('fk_reservation_instrument_id_instrument')),
    sa.ForeignKeyConstraint(['state_code'], ['jurisdiction.code'], name=op.f('fk_reservation_state_code_jurisdiction')),
    sa.PrimaryKeyConstraint('state_code', 'instrument_id', 'path', name=op.f('pk_reservation'))
    )


def downgrade() -> None:
    op.drop_table('reservation')
