"""Schema upgrades keep the data: a ledger created at the first revision upgrades to head."""
import datetime as dt

from alembic import command
from alembic.config import Config
from sqlalchemy import inspect, text

from bot.db import MIGRATIONS, Database


def _upgrade(db: Database, revision: str) -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def test_upgrade_from_first_revision_keeps_issues(db_url):
    db = Database(db_url)
    _upgrade(db, "0001")
    assert "reminder_log" not in inspect(db.engine).get_table_names()
    now = dt.datetime(2023, 6, 12, 2, 0)
    with db.engine.begin() as conn:
        conn.execute(text("INSERT INTO issues (area, school, location, description, reporter_id, reporter_name, "
                          "severity, deadline, status, supervised, created_at, updated_at, platform) VALUES "
                          "(9, '鱼峰区第一中学', '', '鱼塘没有护栏', 'zhang.wei', '张伟', '一般', :d, 'open', false, :t, :t, 'wecom')"),
                     {"d": dt.date(2023, 6, 26), "t": now})
    db.upgrade()      # to head, as every start does
    db.upgrade()      # and again: a no-op
    tables = inspect(db.engine).get_table_names()
    assert "reminder_log" in tables
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT description FROM issues")).scalar() == "鱼塘没有护栏"
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0003"
    db.dispose()


def test_migrations_build_exactly_the_models_schema(db_url):
    """What Alembic builds is what bot/models.py declares: no table, column or index only on one side."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from bot.models import Base
    db = Database(db_url)
    db.upgrade()
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    db.dispose()
    assert diff == []
