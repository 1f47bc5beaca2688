"""knowledge bank: a cooperative's own versions of the guides, and bundles imported from others

The default articles stay files in the repository (``kooperativet/knowledge/bank``); these tables hold only
what a cooperative changed (an article row, and one version per saved text with its author and date) and
the bundles it imported from other cooperatives, kept whole as proposals until someone takes a text.

Revision ID: 84a5aad246a3
Revises: 1f3b6cf32802
Create Date: 2026-12-01 10:29:04.770864+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "84a5aad246a3"
down_revision: str | None = "1f3b6cf32802"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "knowledge_articles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("audience", sa.String(length=20), nullable=False),
        sa.Column("hidden", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("related", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_knowledge_articles")),
        sa.UniqueConstraint("slug", name=op.f("uq_knowledge_articles_slug")),
    )
    op.create_table(
        "knowledge_article_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("sources", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("author_name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("based_on", sa.String(length=16), nullable=True),
        sa.Column("note", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["knowledge_articles.id"],
            name=op.f("fk_knowledge_article_versions_article_id_knowledge_articles"),
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_knowledge_article_versions_author_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_knowledge_article_versions")),
    )
    with op.batch_alter_table("knowledge_article_versions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_knowledge_article_versions_article_id"), ["article_id"], unique=False
        )

    op.create_table(
        "knowledge_imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("origin", sa.String(length=200), nullable=False),
        sa.Column("format_version", sa.Integer(), nullable=False),
        sa.Column("exported_at", sa.String(length=40), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("imported_by_id", sa.Integer(), nullable=True),
        sa.Column("imported_by_name", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["imported_by_id"], ["users.id"], name=op.f("fk_knowledge_imports_imported_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_knowledge_imports")),
    )
    op.create_table(
        "knowledge_proposals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["knowledge_imports.id"],
            name=op.f("fk_knowledge_proposals_import_id_knowledge_imports"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_knowledge_proposals")),
    )
    with op.batch_alter_table("knowledge_proposals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_knowledge_proposals_import_id"), ["import_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("knowledge_proposals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_knowledge_proposals_import_id"))

    op.drop_table("knowledge_proposals")
    op.drop_table("knowledge_imports")
    with op.batch_alter_table("knowledge_article_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_knowledge_article_versions_article_id"))

    op.drop_table("knowledge_article_versions")
    op.drop_table("knowledge_articles")
