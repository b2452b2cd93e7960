"""Initial inventory schema: scans, sources, files and their findings, events, assessments.

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('assessments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created', sa.DateTime(timezone=True), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('directory', sa.Text(), nullable=False),
    sa.Column('persons', sa.BigInteger(), nullable=False),
    sa.Column('severity', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('scans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('roots', sa.JSON(), nullable=False),
    sa.Column('files', sa.Integer(), nullable=False),
    sa.Column('files_read', sa.Integer(), nullable=False),
    sa.Column('files_hashed', sa.Integer(), nullable=False),
    sa.Column('incomplete', sa.Integer(), nullable=False),
    sa.Column('by_risk', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('scans', schema=None) as batch_op:
        batch_op.create_index('ix_scans_started', ['started_at'], unique=False)

    op.create_table('sources',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('root', sa.Text(), nullable=False),
    sa.Column('path', sa.Text(), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=True),
    sa.Column('mtime_ns', sa.BigInteger(), nullable=True),
    sa.Column('content_hash', sa.String(length=64), nullable=True),
    sa.Column('errors', sa.Integer(), nullable=False),
    sa.Column('first_seen', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_scan_id', sa.Integer(), nullable=False),
    sa.Column('gone', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['last_scan_id'], ['scans.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('path', name='uq_sources_path')
    )
    with op.batch_alter_table('sources', schema=None) as batch_op:
        batch_op.create_index('ix_sources_root', ['root'], unique=False)

    op.create_table('files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('path', sa.Text(), nullable=False),
    sa.Column('format', sa.String(length=64), nullable=False),
    sa.Column('encoding', sa.String(length=64), nullable=True),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('mtime', sa.DateTime(timezone=True), nullable=True),
    sa.Column('records', sa.BigInteger(), nullable=False),
    sa.Column('risk', sa.String(length=16), nullable=False),
    sa.Column('risk_rank', sa.SmallInteger(), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('entities', sa.JSON(), nullable=False),
    sa.Column('health', sa.JSON(), nullable=False),
    sa.Column('errors', sa.JSON(), nullable=False),
    sa.Column('first_seen', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_scan_id', sa.Integer(), nullable=False),
    sa.Column('gone', sa.Boolean(), nullable=False),
    sa.Column('too_old_flagged', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['last_scan_id'], ['scans.id'], ),
    sa.ForeignKeyConstraint(['source_id'], ['sources.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('path', name='uq_files_path')
    )
    with op.batch_alter_table('files', schema=None) as batch_op:
        batch_op.create_index('ix_files_last_seen', ['gone', 'last_seen', 'id'], unique=False)
        batch_op.create_index('ix_files_mtime', ['gone', 'mtime', 'id'], unique=False)
        batch_op.create_index('ix_files_path', ['gone', 'path'], unique=False)
        batch_op.create_index('ix_files_risk', ['gone', 'risk_rank', 'score', 'id'], unique=False)
        batch_op.create_index('ix_files_score', ['gone', 'score', 'id'], unique=False)
        batch_op.create_index('ix_files_size', ['gone', 'size', 'id'], unique=False)
        batch_op.create_index('ix_files_source', ['source_id'], unique=False)

    op.create_table('events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('file_id', sa.Integer(), nullable=True),
    sa.Column('path', sa.Text(), nullable=False),
    sa.Column('risk', sa.String(length=16), nullable=True),
    sa.Column('previous_risk', sa.String(length=16), nullable=True),
    sa.Column('scan_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['file_id'], ['files.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['scan_id'], ['scans.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index('ix_events_at', ['at', 'id'], unique=False)
        batch_op.create_index('ix_events_file', ['file_id'], unique=False)
        batch_op.create_index('ix_events_kind', ['kind', 'at'], unique=False)
        batch_op.create_index('ix_events_scan', ['scan_id'], unique=False)

    op.create_table('file_columns',
    sa.Column('file_id', sa.Integer(), nullable=False),
    sa.Column('idx', sa.Integer(), nullable=False),
    sa.Column('name', sa.Text(), nullable=True),
    sa.Column('entity', sa.String(length=32), nullable=False),
    sa.Column('confidence', sa.Float(), nullable=False),
    sa.Column('valid_ratio', sa.Float(), nullable=False),
    sa.Column('preview', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['file_id'], ['files.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('file_id', 'idx')
    )
    op.create_table('file_entities',
    sa.Column('file_id', sa.Integer(), nullable=False),
    sa.Column('entity', sa.String(length=32), nullable=False),
    sa.Column('count', sa.BigInteger(), nullable=False),
    sa.Column('distinct_count', sa.BigInteger(), nullable=False),
    sa.Column('invalid_count', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['file_id'], ['files.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('file_id', 'entity')
    )
    with op.batch_alter_table('file_entities', schema=None) as batch_op:
        batch_op.create_index('ix_file_entities_entity', ['entity', 'file_id'], unique=False)

    op.create_table('file_health',
    sa.Column('file_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=32), nullable=False),
    sa.Column('count', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['file_id'], ['files.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('file_id', 'category')
    )
    with op.batch_alter_table('file_health', schema=None) as batch_op:
        batch_op.create_index('ix_file_health_category', ['category', 'file_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('file_health', schema=None) as batch_op:
        batch_op.drop_index('ix_file_health_category')

    op.drop_table('file_health')
    with op.batch_alter_table('file_entities', schema=None) as batch_op:
        batch_op.drop_index('ix_file_entities_entity')

    op.drop_table('file_entities')
    op.drop_table('file_columns')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index('ix_events_scan')
        batch_op.drop_index('ix_events_kind')
        batch_op.drop_index('ix_events_file')
        batch_op.drop_index('ix_events_at')

    op.drop_table('events')
    with op.batch_alter_table('files', schema=None) as batch_op:
        batch_op.drop_index('ix_files_source')
        batch_op.drop_index('ix_files_size')
        batch_op.drop_index('ix_files_score')
        batch_op.drop_index('ix_files_risk')
        batch_op.drop_index('ix_files_path')
        batch_op.drop_index('ix_files_mtime')
        batch_op.drop_index('ix_files_last_seen')

    op.drop_table('files')
    with op.batch_alter_table('sources', schema=None) as batch_op:
        batch_op.drop_index('ix_sources_root')

    op.drop_table('sources')
    with op.batch_alter_table('scans', schema=None) as batch_op:
        batch_op.drop_index('ix_scans_started')

    op.drop_table('scans')
    op.drop_table('assessments')
