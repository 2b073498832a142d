"""reminder log: each owed reminder item taken once

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa  # times are stored as naive UTC (bot.models.UTCDateTime)

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reminder_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("issue_id", sa.Integer(), nullable=True),
        sa.Column("period", sa.String(length=60), nullable=False),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    op.create_index("ix_reminder_log_issue_id", "reminder_log", ["issue_id"])
    # the sweep scans open issues by deadline and closed ones by close time
    op.create_index("ix_issues_status_closed_at", "issues", ["status", "closed_at"])


def downgrade() -> None:
    op.drop_index("ix_issues_status_closed_at", "issues")
    op.drop_index("ix_reminder_log_issue_id", "reminder_log")
    op.drop_table("reminder_log")
