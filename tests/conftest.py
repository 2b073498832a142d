"""Shared fixtures: a real database (SQLite file, and PostgreSQL when BOT_TEST_POSTGRES_URL is set),
the sample plan and directory, a fixed clock, and settings written to a real config file."""
from __future__ import annotations

import datetime as dt
import os
import uuid
from pathlib import Path

import pytest
import yaml

from bot.clock import FixedClock
from bot.directory import load_directory
from bot.plan import load_plan

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("BOT_TEST_POSTGRES_URL", "")
WECOM_TOKEN = "QDG6eK"
WECOM_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
AIBOT_TOKEN = "aibotToken123"
AIBOT_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
CORP_ID = "wx5823bf96d3bd56c7"
AGENT_ID = "1000002"
DING_SECRET = "this is a secret"


def pytest_report_header(config):
    if PG_URL:
        return "PostgreSQL: tests run on SQLite and on " + PG_URL.split("@")[-1]
    return "PostgreSQL: skipped (set BOT_TEST_POSTGRES_URL, as .ci/run does, to run the database tests on it too)"


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch):
    """No BOT_* variable from the caller's shell leaks into a test."""
    for name in list(os.environ):
        if name.startswith("BOT_") and name != "BOT_TEST_POSTGRES_URL":
            monkeypatch.delenv(name)


@pytest.fixture(scope="session")
def plan():
    return load_plan(ROOT / "config/plan.yaml")


@pytest.fixture(scope="session")
def directory():
    return load_directory(ROOT / "config/directory.yaml")


@pytest.fixture
def clock():
    return FixedClock(dt.datetime(2023, 6, 12, 10, 0))   # a Monday, mid-campaign


def _pg_schema_url() -> tuple[str, str]:
    schema = "t_" + uuid.uuid4().hex[:12]
    sep = "&" if "?" in PG_URL else "?"
    return schema, f"{PG_URL}{sep}options=-csearch_path%3D{schema}"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """A fresh, empty database of each kind; PostgreSQL gets its own schema per test."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/bot.db"
        return
    if not PG_URL:
        pytest.skip("PostgreSQL not configured (BOT_TEST_POSTGRES_URL)")
    from sqlalchemy import create_engine, text
    schema, url = _pg_schema_url()
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    yield url
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


@pytest.fixture
def db(db_url):
    from bot.db import Database
    database = Database(db_url)
    database.upgrade()
    yield database
    database.dispose()


@pytest.fixture
def config_file(tmp_path, db_url):
    """A real config file, as an operator would write it."""
    data = {
        "database_url": db_url,
        "plan": str(ROOT / "config/plan.yaml"),
        "directory": str(ROOT / "config/directory.yaml"),
        "wecom": {"token": WECOM_TOKEN, "encoding_aes_key": WECOM_KEY, "corp_id": CORP_ID, "agent_id": AGENT_ID},
        "wecom_aibot": {"token": AIBOT_TOKEN, "encoding_aes_key": AIBOT_KEY},
        "dingtalk": {"app_secret": DING_SECRET},
        "dashboard": {"token": "dash-token-for-tests"},
        "scheduler_enabled": False,
    }
    path = tmp_path / "bot.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture
def settings(config_file):
    from bot.settings import load_settings
    return load_settings(str(config_file), env={})
