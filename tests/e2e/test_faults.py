"""Faults with real processes: two instances given the same retried callback at once, a server
SIGKILLed with requests in flight, a reminder run killed mid-way, the database restarting under load,
and the push platform down or rate-limiting while messages keep arriving. A reminder run is killed
both while it pushes and inside the sweep's own transaction."""
from __future__ import annotations

import concurrent.futures as cf
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import requests
import yaml
from sqlalchemy import create_engine, func, select, text

from bot.db import Database
from bot.models import InboundMessage, Issue, OutboxMessage, ReminderLog
from tests.conftest import AIBOT_KEY, AIBOT_TOKEN, ROOT
from tests.platform_sim import WeComSender

JSON = {"Content-Type": "application/json"}
REPORTS = ["后门鱼塘没有护栏，学生放学常去玩", "食堂员工上班不戴口罩帽子", "校门口的红绿灯坏了半个月了",
           "学校保安没有保安员证", "宿舍楼消防通道堆满杂物", "围墙有一段倒塌了还没修"]


# --- processes ---------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(check, timeout: float, what: str, every: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


class Proc:
    """A child process started by a test; always stopped (SIGTERM, then SIGKILL) by `stop`."""

    def __init__(self, args: list[str], env: dict, log: Path):
        self.log = log
        self._out = open(log, "ab")
        self.p = subprocess.Popen(args, cwd=ROOT, env=env, stdout=self._out, stderr=subprocess.STDOUT,
                                  start_new_session=True)

    def kill9(self) -> None:
        if self.p.poll() is None:
            os.killpg(self.p.pid, signal.SIGKILL)
        self.p.wait(timeout=10)

    def stop(self) -> None:
        if self.p.poll() is None:
            os.killpg(self.p.pid, signal.SIGTERM)
            try:
                self.p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill9()
        self._out.close()

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]


def child_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOT_") or k == "BOT_TEST_PG_BIN"}
    return {**env, "PYTHONUNBUFFERED": "1", **extra}


class Service(Proc):
    """`python -m bot serve` on a free loopback port."""

    def __init__(self, config: Path, tmp: Path, name: str, **env):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        super().__init__([sys.executable, "-m", "bot", "serve", "--config", str(config), "--port", str(self.port)],
                         child_env(**env), tmp / f"{name}.log")
        self.ready()

    def ready(self, timeout: float = 30.0) -> None:
        def up():
            if self.p.poll() is not None:
                raise AssertionError(f"server exited: {self.output()}")
            with contextlib.suppress(requests.RequestException):
                return requests.get(self.url + "/healthz", timeout=1).status_code == 200
        wait_until(up, timeout, f"{self.url} to answer")


@contextlib.contextmanager
def running(*procs_factories):
    procs = []
    try:
        for make in procs_factories:
            procs.append(make())
        yield procs
    finally:
        for p in procs:
            p.stop()


def aibot_call(url: str, sender: WeComSender, msgid: str, user: str, text_: str, chat="wr-yf1z", signed=None,
               timeout=10.0):
    """One 智能机器人 callback; `signed` replays an exact (params, body) as the platform's retry does."""
    params, body = signed or sender.aibot_request(sender.aibot_text(msgid, user, chat, text_))
    resp = requests.post(url + "/wecom/aibot", params=params, data=body, headers=JSON, timeout=timeout)
    content = json.loads(sender.decrypt_json_reply(resp.content))["stream"]["content"] if resp.status_code == 200 else None
    return resp.status_code, content


def counts(db_url: str, msgids: list[str]) -> tuple[dict[str, int], dict[str, int]]:
    """How many inbound rows and issues each msgid has."""
    db = Database(db_url)
    try:
        with db.session() as s:
            inbound = dict(s.execute(select(InboundMessage.msg_id, func.count()).group_by(InboundMessage.msg_id)).all())
            issues = dict(s.execute(select(Issue.source_msg_id, func.count()).group_by(Issue.source_msg_id)).all())
        return {m: inbound.get(m, 0) for m in msgids}, {m: issues.get(m, 0) for m in msgids}
    finally:
        db.dispose()


@pytest.fixture
def aibot():
    return WeComSender(AIBOT_TOKEN, AIBOT_KEY, "")


@pytest.fixture
def pushes():
    from tests.platform_sim import FakePushServer
    with FakePushServer() as server:
        for key in ("sample-key-yf1z", "sample-key-lyzx", "sample-key-jyj", "sample-key-zb"):
            server.add_wecom_key(key)
        server.add_dingtalk_robot("sample-token-bszx", "SECsample-bszx")
        yield server


def push_env(pushes) -> dict:
    return {"BOT_PUSH_BASE_WECOM": pushes.url, "BOT_PUSH_BASE_DINGTALK": pushes.url}


# --- two instances, one retried callback ---------------------------------------------------------------
def test_two_instances_given_the_same_callback_at_once_make_one_issue(config_file, db_url, tmp_path, aibot, pushes):
    env = push_env(pushes)
    with running(lambda: Service(config_file, tmp_path, "a", **env), lambda: Service(config_file, tmp_path, "b", **env)) as (a, b):
        msgids = [f"twin-{i}" for i in range(6)]
        with cf.ThreadPoolExecutor(4) as pool:
            for i, msgid in enumerate(msgids):
                signed = aibot.aibot_request(aibot.aibot_text(msgid, "zhang.wei", "wr-yf1z", REPORTS[i]))
                both = [pool.submit(aibot_call, srv.url, aibot, msgid, "", "", signed=signed) for srv in (a, b)]
                (sa, ca), (sb, cb) = [f.result() for f in both]
                assert sa == sb == 200, (a.output(), b.output())
                assert ca == cb and "#" in ca
        inbound, issues = counts(str(db_url), msgids)
        assert inbound == {m: 1 for m in msgids} and issues == {m: 1 for m in msgids}
        assert_each_push_once(str(db_url), pushes)


def assert_each_push_once(db_url: str, pushes, timeout: float = 30) -> None:
    """Every outbox row ends sent, and the platform received exactly as many pushes as there are rows."""
    db = Database(db_url)
    try:
        def settled():
            with db.session() as s:
                rows = s.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all()
            return dict(rows) if set(dict(rows)) <= {"sent"} else None
        sent = wait_until(settled, timeout, "the outbox to drain").get("sent", 0)
        assert sent > 0
        time.sleep(0.3)      # a duplicate would arrive now if any process sent a row twice
        bodies = [json.dumps(r["body"], sort_keys=True) for r in pushes.received()]
        assert len(bodies) == sent and len(set(bodies)) == len(bodies)
    finally:
        db.dispose()


# --- SIGKILL with requests in flight ---------------------------------------------------------------------
def test_sigkill_mid_request_then_retries_are_answered_once(config_file, db_url, tmp_path, aibot, pushes):
    msgids = [f"kill-{i}" for i in range(24)]
    signed = {m: aibot.aibot_request(aibot.aibot_text(m, "zhang.wei", "wr-yf1z", REPORTS[i % len(REPORTS)] + f"（{i}）"))
              for i, m in enumerate(msgids)}
    first: dict[str, int] = {}
    server = Service(config_file, tmp_path, "victim", **push_env(pushes))
    try:
        def call(m):
            try:
                return m, aibot_call(server.url, aibot, m, "", "", signed=signed[m], timeout=10)[0]
            except requests.RequestException:
                return m, None       # the platform saw no answer: it will retry
        with cf.ThreadPoolExecutor(6) as pool:
            futures = [pool.submit(call, m) for m in msgids]
            wait_until(lambda: sum(f.done() for f in futures) >= 4, 20, "the first answers")
            server.kill9()
            first = dict(f.result() for f in futures)
    finally:
        server.stop()
    assert None in first.values(), "the kill came too late to catch a request in flight"
    with running(lambda: Service(config_file, tmp_path, "restarted", **push_env(pushes))) as (again,):
        answers = {m: aibot_call(again.url, aibot, m, "", "", signed=signed[m]) for m in msgids}   # WeCom retries
    assert all(status == 200 and "#" in content for status, content in answers.values()), answers
    inbound, issues = counts(str(db_url), msgids)
    assert inbound == {m: 1 for m in msgids} and issues == {m: 1 for m in msgids}
    db = Database(str(db_url))
    try:
        with db.session() as s:
            assert s.scalar(select(func.count()).select_from(InboundMessage).where(InboundMessage.done.is_(False))) == 0
    finally:
        db.dispose()


# --- a reminder run killed mid-way --------------------------------------------------------------------
def _seed_overdue_issues(config_file: Path, n: int) -> None:
    """Issues reported weeks before the sweep, so reminders and overdue warnings are owed."""
    from bot.app import Bot
    from bot.channels.console import ask
    from bot.clock import FixedClock
    from bot.settings import load_settings
    import datetime as dt
    settings = load_settings(str(config_file), env={})
    bot = Bot(settings, FixedClock(dt.datetime(2023, 6, 5, 10, 0)))
    try:
        for i in range(n):
            ask(bot, ["zhang.wei", "wang.fang", "chen.jing"][i % 3], "console", REPORTS[i % len(REPORTS)] + f" 第{i}处")
    finally:
        bot.db.dispose()


def test_remind_killed_mid_run_queues_each_reminder_once(config_file, db_url, tmp_path, pushes):
    pytest.importorskip("bot.scheduler.cli")
    _seed_overdue_issues(config_file, 30)
    args = [sys.executable, "-m", "bot", "remind", "--config", str(config_file), "--now", "2023-06-21T09:00"]
    env = child_env(**push_env(pushes))
    pushes.hang_next(3, 4.0)      # the drain stalls on its first pushes: the kill lands mid-run
    run = Proc(args, env, tmp_path / "remind-1.log")
    try:
        db = Database(str(db_url))
        wait_until(lambda: _reminders(db) > 0 or run.p.poll() is not None, 60, "the sweep to commit")
        run.kill9()
    finally:
        run.stop()
    queued_before = _reminders(db)
    rerun = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    again = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0
    try:
        with db.session() as s:
            keys = s.scalars(select(OutboxMessage.key).where(OutboxMessage.kind == "reminder")).all()
            taken = s.scalar(select(func.count()).select_from(ReminderLog))
        assert queued_before > 0 and len(keys) == len(set(keys)) == queued_before   # nothing queued twice
        assert taken > 0
    finally:
        db.dispose()


def _bulk_overdue_issues(config_file: Path, n: int) -> None:
    """Many issues reported long before the sweep (written straight through the ledger), so the
    sweep's one transaction takes long enough to be caught and killed."""
    import datetime as dt
    from bot.app import Bot
    from bot.clock import FixedClock
    from bot.services.actors import resolve_actor
    from bot.services.ledger import Ledger
    from bot.settings import load_settings
    bot = Bot(load_settings(str(config_file), env={}), FixedClock(dt.datetime(2023, 6, 5, 10, 0)))
    try:
        with bot.db.session() as s:
            ledger = Ledger(s, bot.plan, bot.directory, bot.clock)
            for i in range(n):
                who = resolve_actor(bot.directory, ["zhang.wei", "wang.fang", "chen.jing"][i % 3], "")
                ledger.open_issue(who, area=1 + i % 9, description=REPORTS[i % len(REPORTS)] + f" 第{i}处",
                                  school=who.school, deadline=dt.date(2023, 6, 9 + i % 7))
    finally:
        bot.db.dispose()


class SweepWatch:
    """Tells when another process is inside the sweep's transaction: on PostgreSQL, uncommitted rows
    in reminder_log; on SQLite, the write lock held for longer than start-up's short writes
    (migrations and the directory sync hold it a few ms, a sweep over thousands of issues ~10x longer)."""

    HELD = 0.08

    def __init__(self, db: Database):
        self.db = db
        self.held_since: float | None = None

    def __call__(self) -> bool:
        if not self.db.is_sqlite:
            with self.db.engine.connect() as conn:
                return bool(conn.scalar(text(
                    "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                    "WHERE c.relname = 'reminder_log' AND l.mode = 'RowExclusiveLock' AND l.pid <> pg_backend_pid()")))
        import sqlite3
        probe = sqlite3.connect(self.db.engine.url.database, timeout=0, isolation_level=None)
        try:
            probe.execute("BEGIN IMMEDIATE")
            probe.execute("ROLLBACK")
            self.held_since = None
        except sqlite3.OperationalError:
            self.held_since = self.held_since or time.monotonic()
        finally:
            probe.close()
        return self.held_since is not None and time.monotonic() - self.held_since >= self.HELD


def test_remind_killed_inside_the_sweep_transaction_leaves_all_or_nothing(config_file, db_url, tmp_path, pushes):
    pytest.importorskip("bot.scheduler.cli")
    _bulk_overdue_issues(config_file, 3000)
    args = [sys.executable, "-m", "bot", "remind", "--config", str(config_file), "--now", "2023-06-21T09:00"]
    env = child_env(**push_env(pushes))
    db = Database(str(db_url))
    try:
        run = Proc(args, env, tmp_path / "remind-killed.log")
        try:
            in_sweep = SweepWatch(db)
            caught = wait_until(lambda: in_sweep() or run.p.poll() is not None, 120, "the sweep's transaction",
                                every=0.005)
            in_flight = caught is True and run.p.poll() is None
            run.kill9()
        finally:
            run.stop()
        with db.session() as s:
            taken = s.scalar(select(func.count()).select_from(ReminderLog))
        if in_flight:
            assert taken == 0, "a killed sweep left part of its work behind"
        done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stdout + done.stderr
        again = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        assert again.returncode == 0 and "新提醒 0 项" in again.stdout, again.stdout
        with db.session() as s:
            keys = s.scalars(select(OutboxMessage.key).where(OutboxMessage.kind == "reminder")).all()
            logged = s.scalar(select(func.count()).select_from(ReminderLog))
        # each owed item taken once and every digest queued once, whether the kill landed before,
        # inside or after the transaction
        assert logged >= 3000 and keys and len(keys) == len(set(keys))
        assert f"新提醒 {logged - taken} 项" in done.stdout, done.stdout
    finally:
        db.dispose()


def _reminders(db: Database) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.kind == "reminder"))


# --- the database restarting under load ----------------------------------------------------------------
PG_BIN = Path(os.environ.get("BOT_TEST_PG_BIN", "/usr/lib/postgresql/15/bin"))


class ThrowAwayCluster:
    """A PostgreSQL cluster of our own (the shared test server must never be restarted)."""

    def __init__(self):
        if not (PG_BIN / "initdb").exists() or shutil.which("runuser") is None:
            pytest.skip(f"no PostgreSQL binaries at {PG_BIN} (set BOT_TEST_PG_BIN) or no runuser")
        self.dir = Path(tempfile.mkdtemp(prefix="bot-pg-"))
        self.port = free_port()
        self.data = self.dir / "data"
        self._as_postgres("chown", "-R", "postgres", str(self.dir), as_root=True)
        self._as_postgres(str(PG_BIN / "initdb"), "-A", "trust", "-U", "postgres", "-D", str(self.data))
        self.start()
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _as_postgres(self, *args, as_root=False):
        cmd = list(args) if as_root else ["runuser", "-u", "postgres", "--", *args]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            pytest.skip(f"cannot run a throw-away PostgreSQL: {' '.join(args[:2])}: {done.stderr[-300:]}")
        return done

    def pg_ctl(self, *args):
        return self._as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-w", "-t", "60", *args)

    def start(self):
        self.pg_ctl("-o", f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off",
                    "-l", str(self.dir / "pg.log"), "start")

    def stop(self, mode="fast"):
        self.pg_ctl("-m", mode, "stop")

    def destroy(self):
        subprocess.run(["runuser", "-u", "postgres", "--", str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m",
                        "immediate", "stop"], capture_output=True, timeout=60)
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def own_pg():
    if os.geteuid() != 0 and not os.access("/usr/sbin/runuser", os.X_OK):
        pytest.skip("needs root to run PostgreSQL as the postgres user")
    cluster = ThrowAwayCluster()
    try:
        yield cluster
    finally:
        cluster.destroy()


def pg_config(tmp_path: Path, url: str) -> Path:
    from tests.conftest import AGENT_ID, CORP_ID, DING_SECRET, WECOM_KEY, WECOM_TOKEN
    data = {"database_url": url, "plan": str(ROOT / "config/plan.yaml"), "directory": str(ROOT / "config/directory.yaml"),
            "wecom": {"token": WECOM_TOKEN, "encoding_aes_key": WECOM_KEY, "corp_id": CORP_ID, "agent_id": AGENT_ID},
            "wecom_aibot": {"token": AIBOT_TOKEN, "encoding_aes_key": AIBOT_KEY},
            "dingtalk": {"app_secret": DING_SECRET}, "scheduler_enabled": False}
    path = tmp_path / "pg.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_database_restart_under_load(own_pg, tmp_path, aibot, pushes):
    config = pg_config(tmp_path, own_pg.url)
    msgids = [f"pg-{i}" for i in range(60)]
    signed = {m: aibot.aibot_request(aibot.aibot_text(m, "zhang.wei", "wr-yf1z", REPORTS[i % len(REPORTS)] + f"（{i}）"))
              for i, m in enumerate(msgids)}
    statuses: dict[str, list[int]] = {m: [] for m in msgids}
    with running(lambda: Service(config, tmp_path, "pg", **push_env(pushes))) as (server,):
        def deliver(m):
            """The platform's side: send, and retry (bounded) until it gets a 200."""
            for _ in range(40):
                try:
                    status = aibot_call(server.url, aibot, m, "", "", signed=signed[m], timeout=10)[0]
                except requests.RequestException:
                    status = -1
                statuses[m].append(status)
                if status == 200:
                    return
                time.sleep(0.25)
        with cf.ThreadPoolExecutor(4) as pool:
            futures = [pool.submit(deliver, m) for m in msgids]
            wait_until(lambda: sum(f.done() for f in futures) >= 10, 30, "load before the restart")
            own_pg.stop("fast")
            time.sleep(1.0)          # requests keep coming while the database is away
            own_pg.start()
            for f in futures:
                f.result(timeout=60)
        refused = [s for history in statuses.values() for s in history if s != 200]
        assert refused, "no request met the restart"
        assert 500 not in refused and set(refused) <= {503, -1}, set(refused)
        assert all(history[-1] == 200 for history in statuses.values()), statuses
    inbound, issues = counts(own_pg.url, msgids)
    assert inbound == {m: 1 for m in msgids} and issues == {m: 1 for m in msgids}


# --- the push platform down, slow, then rate-limiting, while messages keep arriving -----------------------
def test_callbacks_stay_fast_while_pushes_fail_for_minutes(live, platform, clock, aibot):
    def say(i):
        started = time.perf_counter()
        params, body = aibot.aibot_request(aibot.aibot_text(f"pd-{i}", "zhang.wei", "wr-yf1z", REPORTS[i % 6] + f"（{i}）"),
                                           timestamp=str(int(clock.now().timestamp())))
        resp = live.post("/wecom/aibot", params=params, data=body, headers=JSON)
        assert resp.status_code == 200
        return time.perf_counter() - started

    platform.hang_next(2, 3.0)        # slow first: the sender is stuck in a push while we talk
    platform.down()
    took = [say(i) for i in range(25)]
    assert max(took) < 1.0, took      # pushes never sit inside a callback
    for _ in range(6):                # down for minutes: nothing is lost, nothing sent twice
        clock.advance(minutes=1)
        live.bot.sender.drain()
    with live.bot.db.session() as s:
        assert s.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == "failed")) == 0
    platform.up()
    for _ in range(12):               # 50 pushes to two webhooks at 20 per minute each
        clock.advance(minutes=2)
        live.bot.sender.drain()
    with live.bot.db.session() as s:
        rows = s.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all()
    assert dict(rows) == {"sent": len(platform.received())}, (rows, len(platform.received()))
    bodies = [json.dumps(r["body"], sort_keys=True) for r in platform.received()]
    assert len(set(bodies)) == len(bodies) >= 50
