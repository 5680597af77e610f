"""Membership by consent: invitations addressed to a mailbox, support grants, an outbox,
and identifiers unique within their owning organisation only.

Invitations made before this revision handed their token to the inviter, so none of them
proves anything: the accounts they created that never set a password lose the membership
the invitation gave them, and get a fresh invitation to the same organisation and role
instead, queued for mail. Accounts keep their passwords, and no address counts as proven
(`email_verified_at` is empty), so the next invitation such an account accepts resets its
password to the one its mailbox holder chooses.

The downgrade recreates the old invitation table empty.

Revision ID: 0010_membership_consent
Revises: 0009_pleading_search
Create Date: 2026-12-03 09:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0010_membership_consent"
down_revision: str | None = "0009_pleading_search"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROLE = postgresql.ENUM("viewer", "staff", "litigator", "admin", name="member_role", create_type=False)


def upgrade() -> None:
    op.create_table(
        "outbox_message",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("topic", sa.String(length=80), nullable=False),
        sa.Column("payload", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("available_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_message")),
    )
    op.create_index(
        "ix_outbox_message_due",
        "outbox_message",
        ["available_at"],
        postgresql_where=sa.text("delivered_at IS NULL AND failed_at IS NULL"),
    )
    op.create_table(
        "support_grant",
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("grantee_id", sa.Uuid(), nullable=False),
        sa.Column("role", ROLE, nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("granted_by", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["grantee_id"],
            ["user_account.id"],
            name=op.f("fk_support_grant_grantee_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_support_grant_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_support_grant")),
    )
    op.create_index(op.f("ix_support_grant_grantee_id"), "support_grant", ["grantee_id"])
    op.create_index(op.f("ix_support_grant_organisation_id"), "support_grant", ["organisation_id"])

    op.add_column(
        "user_account", sa.Column("email_verified_at", sa.DateTime(timezone=True), nullable=True)
    )

    op.drop_table("invitation")
    op.create_table(
        "invitation",
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("role", ROLE, nullable=False),
        sa.Column("invited_by", sa.Uuid(), nullable=True),
        sa.Column("token_hash", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("accepted_by", sa.Uuid(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_invitation_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invitation")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_invitation_token_hash")),
    )
    op.create_index(op.f("ix_invitation_organisation_id"), "invitation", ["organisation_id"])
    op.create_index(
        "uq_invitation_open_per_address",
        "invitation",
        ["organisation_id", sa.literal_column("lower(email)")],
        unique=True,
        postgresql_where=sa.text("accepted_at IS NULL AND revoked_at IS NULL"),
    )
    # Memberships that an inviter-held token created for an account nobody activated
    # become fresh invitations, mailed to the address itself.
    op.execute(
        """
        WITH pending AS (
            DELETE FROM membership m USING user_account u
            WHERE u.id = m.user_id AND u.password_hash IS NULL
            RETURNING m.organisation_id, u.email, m.role
        ), invited AS (
            INSERT INTO invitation (id, organisation_id, email, role, created_at, expires_at)
            SELECT gen_random_uuid(), organisation_id, email, role, now(), now() + interval '7 days'
            FROM pending
            RETURNING id
        )
        INSERT INTO outbox_message (topic, payload, created_at, available_at)
        SELECT 'invitation', jsonb_build_object('invitation_id', id::text), now(), now()
        FROM invited
        """
    )

    op.add_column("case_identifier", sa.Column("owner_org_id", sa.Uuid(), nullable=True))
    op.execute(
        "UPDATE case_identifier i SET owner_org_id = c.owner_org_id "
        "FROM legal_case c WHERE c.id = i.case_id"
    )
    op.alter_column("case_identifier", "owner_org_id", nullable=False)
    op.drop_constraint("uq_case_identifier_kind_value_forum_id", "case_identifier", type_="unique")
    op.create_unique_constraint(
        op.f("uq_case_identifier_kind_value_forum_id_owner_org_id"),
        "case_identifier",
        ["kind", "value", "forum_id", "owner_org_id"],
    )
    op.create_foreign_key(
        op.f("fk_case_identifier_owner_org_id_organisation"),
        "case_identifier",
        "organisation",
        ["owner_org_id"],
        ["id"],
    )
    op.drop_constraint("uq_legal_case_reference_key", "legal_case", type_="unique")
    op.create_unique_constraint(
        op.f("uq_legal_case_reference_key_owner_org_id"),
        "legal_case",
        ["reference_key", "owner_org_id"],
    )


def downgrade() -> None:
    op.drop_constraint("uq_legal_case_reference_key_owner_org_id", "legal_case", type_="unique")
    op.create_unique_constraint("uq_legal_case_reference_key", "legal_case", ["reference_key"])
    op.drop_constraint(
        "fk_case_identifier_owner_org_id_organisation", "case_identifier", type_="foreignkey"
    )
    op.drop_constraint(
        "uq_case_identifier_kind_value_forum_id_owner_org_id", "case_identifier", type_="unique"
    )
    op.create_unique_constraint(
        "uq_case_identifier_kind_value_forum_id", "case_identifier", ["kind", "value", "forum_id"]
    )
    op.drop_column("case_identifier", "owner_org_id")

    op.drop_table("invitation")
    op.create_table(
        "invitation",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_invitation_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invitation")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_invitation_token_hash")),
    )
    op.create_index(op.f("ix_invitation_user_id"), "invitation", ["user_id"])
    op.drop_column("user_account", "email_verified_at")
    op.drop_table("support_grant")
    op.drop_table("outbox_message")
