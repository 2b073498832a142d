"""Two gunicorn instances (config/gunicorn.conf.py, preloaded app, two workers each) on one PostgreSQL:
every message handled once, every reminder pushed once, one scheduler holding the lease, and the
other instance taking it over within a minute of the holder being SIGKILLed."""
from __future__ import annotations

import concurrent.futures as cf
import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select

from bot.db import Database
from bot.models import Lease, OutboxMessage
from tests.conftest import AGENT_ID, AIBOT_KEY, AIBOT_TOKEN, CORP_ID, DING_SECRET, ROOT, WECOM_KEY, WECOM_TOKEN
from tests.e2e.test_faults import (REPORTS, Proc, _seed_overdue_issues, aibot_call, child_env, counts, free_port,
                                   push_env, wait_until)
from tests.platform_sim import WeComSender

pytest.importorskip("bot.scheduler.service")


class Instance(Proc):
    """`gunicorn -c config/gunicorn.conf.py bot.wsgi:app`, as docs/production.md runs it."""

    def __init__(self, config: Path, tmp: Path, name: str, env: dict):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        gunicorn = str(Path(sys.executable).with_name("gunicorn"))
        super().__init__([gunicorn, "-c", str(ROOT / "config/gunicorn.conf.py"), "bot.wsgi:app"],
                         child_env(BOT_CONFIG=str(config), BOT_BIND=f"127.0.0.1:{self.port}", BOT_WORKERS="2",
                                   BOT_THREADS="4", **env), tmp / f"{name}.log")
        import requests

        def up():
            if self.p.poll() is not None:
                raise AssertionError(f"gunicorn exited: {self.output()}")
            try:
                return requests.get(self.url + "/healthz", timeout=1).status_code == 200
            except requests.RequestException:
                return False
        wait_until(up, 40, f"{name} to answer")

    def pids(self) -> set[int]:
        """The master and its workers (their parent is the master)."""
        found = {self.p.pid}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                if int(stat.rsplit(")", 1)[1].split()[1]) == self.p.pid:
                    found.add(int(entry.name))
        return found


@pytest.fixture
def pg_config(db_url, tmp_path):
    if not db_url.startswith("postgresql"):
        pytest.skip("scale-out runs on PostgreSQL")
    data = {"database_url": db_url, "plan": str(ROOT / "config/plan.yaml"),
            "directory": str(ROOT / "config/directory.yaml"),
            "wecom": {"token": WECOM_TOKEN, "encoding_aes_key": WECOM_KEY, "corp_id": CORP_ID, "agent_id": AGENT_ID},
            "wecom_aibot": {"token": AIBOT_TOKEN, "encoding_aes_key": AIBOT_KEY},
            "dingtalk": {"app_secret": DING_SECRET}, "scheduler_enabled": True}
    path = tmp_path / "scale.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture
def pushes():
    from tests.platform_sim import FakePushServer
    with FakePushServer() as server:
        for key in ("sample-key-yf1z", "sample-key-lyzx", "sample-key-jyj", "sample-key-zb"):
            server.add_wecom_key(key)
        server.add_dingtalk_robot("sample-token-bszx", "SECsample-bszx")
        yield server


def holder(db: Database) -> str | None:
    now = dt.datetime.now(dt.timezone.utc)
    with db.session() as s:
        lease = s.get(Lease, "scheduler")
        return lease.holder if lease is not None and lease.expires_at > now else None


def holder_pid(db: Database) -> int | None:
    h = holder(db)
    return int(h.split(":")[1]) if h else None


def due_outbox(db: Database) -> dict[str, int]:
    now = dt.datetime.now(dt.timezone.utc)
    with db.session() as s:
        return dict(s.execute(select(OutboxMessage.status, func.count()).where(OutboxMessage.next_attempt_at <= now)
                              .group_by(OutboxMessage.status)).all())


def test_two_gunicorn_instances_share_the_work_once(pg_config, db_url, tmp_path, pushes):
    _seed_overdue_issues(pg_config, 12)          # months overdue: the first sweep owes warnings
    aibot = WeComSender(AIBOT_TOKEN, AIBOT_KEY, "")
    db = Database(db_url)
    a = b = None
    try:
        a = Instance(pg_config, tmp_path, "a", push_env(pushes))
        b = Instance(pg_config, tmp_path, "b", push_env(pushes))
        msgids = [f"so-{i}" for i in range(16)]
        signed = {m: aibot.aibot_request(aibot.aibot_text(m, "zhang.wei", "wr-yf1z", REPORTS[i % 6] + f"（{i}）"))
                  for i, m in enumerate(msgids)}
        with cf.ThreadPoolExecutor(4) as pool:     # every callback reaches both instances, as a retry would
            calls = [(m, pool.submit(aibot_call, srv.url, aibot, m, "", "", signed=signed[m])) for m in msgids
                     for srv in (a, b)]
            replies: dict[str, set] = {}
            for m, f in calls:
                status, content = f.result()
                assert status == 200
                replies.setdefault(m, set()).add(content)
        assert all(len(r) == 1 for r in replies.values()), replies
        inbound, issues = counts(db_url, msgids)
        assert inbound == {m: 1 for m in msgids} and issues == {m: 1 for m in msgids}

        # one scheduler: a single live lease, held by a worker of one of the two instances
        pid = wait_until(lambda: holder_pid(db), 30, "a scheduler to take the lease")
        assert pid in a.pids() | b.pids()
        # reminders and notices due now are pushed once each, by whichever worker claimed them
        settled = wait_until(lambda: (lambda d: d if d and set(d) <= {"sent", "failed"} else None)(due_outbox(db)),
                             40, "the due outbox to drain")
        time.sleep(0.5)
        bodies = [json.dumps(r["body"], sort_keys=True) for r in pushes.received()]
        assert len(bodies) == settled.get("sent", 0) > len(msgids) and len(set(bodies)) == len(bodies)
        with db.session() as s:
            keys = s.scalars(select(OutboxMessage.key)).all()
            assert len(keys) == len(set(keys))
            assert s.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.kind == "reminder")) > 0
    finally:
        for inst in (a, b):
            if inst is not None:
                inst.stop()
        db.dispose()


def test_scheduler_moves_to_the_other_instance_within_a_minute_of_a_kill(pg_config, db_url, tmp_path, pushes):
    db = Database(db_url)
    instances = []
    try:
        instances = [Instance(pg_config, tmp_path, name, push_env(pushes)) for name in ("a", "b")]
        pid = wait_until(lambda: holder_pid(db), 30, "a scheduler to take the lease")
        victim = next(i for i in instances if pid in i.pids())
        survivor = next(i for i in instances if i is not victim)
        survivors = survivor.pids()
        first = holder(db)
        victim.kill9()
        killed_at = time.monotonic()
        # lease TTL 45 s, heartbeat 15 s (bot/scheduler): a new holder within 60 s
        wait_until(lambda: holder(db) not in (None, first), 65, "another instance to take the lease", every=0.5)
        took = time.monotonic() - killed_at
        assert holder_pid(db) in survivors
        assert took < 61, took
        aibot = WeComSender(AIBOT_TOKEN, AIBOT_KEY, "")
        status, content = aibot_call(survivor.url, aibot, "after-kill", "zhang.wei", REPORTS[0])
        assert status == 200 and "#" in content
    finally:
        for inst in instances:
            inst.stop()
        db.dispose()
