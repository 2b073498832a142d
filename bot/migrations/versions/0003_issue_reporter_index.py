"""issues by reporter: 我的 lists a teacher's own reports newest first without a scan

Revision ID: 0003
Revises: 0002
"""
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_issues_reporter", "issues", ["reporter_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_issues_reporter", "issues")
