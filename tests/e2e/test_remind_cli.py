"""`python -m bot remind --now … [--dry-run]` as real processes against a real database and the fake
platform: a rehearsal changes nothing, a run pushes each group's digest once, two runs at once too."""
from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import pytest
from sqlalchemy import func, select

from bot.clock import SHANGHAI
from bot.models import OutboxMessage, ReminderLog
from bot.services.actors import resolve_actor
from bot.services.ledger import Ledger
from tests.conftest import ROOT

NOW = dt.datetime(2023, 6, 19, 9, 0, tzinfo=SHANGHAI)
GROUP_KEYS = {"sample-key-yf1z", "sample-key-jyj", "sample-key-zb", "sample-key-lyzx", "sample-token-bszx"}


class Clock:
    tz = SHANGHAI

    def __init__(self, now):
        self.at = now

    def now(self):
        return self.at

    def today(self):
        return self.at.date()


@pytest.fixture
def seeded(settings, plan, directory):
    """A few issues reported two weeks before the run: due soon, due today, overdue."""
    from bot.app import Bot
    bot = Bot(settings, Clock(dt.datetime(2023, 6, 5, 10, tzinfo=SHANGHAI)))
    with bot.db.session() as s:
        ledger = Ledger(s, plan, directory, bot.clock)
        actor = resolve_actor(directory, "wu.hao")
        for school, deadline, area in (("鱼峰区第一中学", dt.date(2023, 6, 22), 9), ("白沙镇中学", dt.date(2023, 6, 14), 6),
                                       ("里雍镇中心小学", dt.date(2023, 6, 19), 4)):
            ledger.open_issue(actor, area=area, description=f"{school}的隐患", school=school, deadline=deadline)
    yield bot
    bot.stop()


@pytest.fixture
def fake_platform(platform):
    platform.clock = lambda: NOW.timestamp()      # DingTalk checks the sign's timestamp against its clock
    return platform


def remind(config_file, platform, *extra) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOT_")}
    env.update(BOT_PUSH_BASE_WECOM=platform.url, BOT_PUSH_BASE_DINGTALK=platform.url)
    cmd = [sys.executable, "-m", "bot", "remind", "--config", str(config_file), "--now", "2023-06-19T09:00", *extra]
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(proc) -> str:
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    return out


def counts(db) -> tuple[int, int]:
    with db.session() as s:
        return (s.scalar(select(func.count()).select_from(ReminderLog)),
                s.scalar(select(func.count()).select_from(OutboxMessage)))


def test_dry_run_prints_the_messages_and_changes_nothing(seeded, config_file, fake_platform):
    before = counts(seeded.db)
    out = finish(remind(config_file, fake_platform, "--dry-run"))
    assert "演练：未写入数据库，未推送" in out
    assert "→ 鱼峰一中安全工作群（企业微信） 提醒 @李娜" in out
    assert "→ 白沙中学安全群（钉钉） 提醒 @刘洋" in out
    assert "已逾期5天" in out and "今天到期" in out and "还剩3天" in out
    assert counts(seeded.db) == before and fake_platform.received() == []
    assert finish(remind(config_file, fake_platform, "--dry-run")) == out    # a rehearsal can be repeated


def test_run_pushes_each_group_once_and_a_second_run_nothing(seeded, config_file, fake_platform):
    out = finish(remind(config_file, fake_platform))
    assert "推送：成功 5 条" in out and "鱼峰一中安全工作群：已推送" in out and "白沙中学安全群：已推送" in out
    pushes = fake_platform.received()
    assert sorted(p["key"] for p in pushes) == sorted(GROUP_KEYS)
    ding = [p for p in pushes if p["platform"] == "dingtalk"][0]["body"]
    assert ding["at"]["atMobiles"] == ["13800000004"] and "@13800000004" in ding["markdown"]["text"]
    again = finish(remind(config_file, fake_platform))
    assert "没有需要推送的新提醒" in again and len(fake_platform.received()) == len(pushes)


def test_two_runs_at_once_push_each_digest_once(seeded, config_file, fake_platform):
    procs = [remind(config_file, fake_platform) for _ in range(2)]
    outs = [finish(p) for p in procs]
    pushes = fake_platform.received()
    assert sorted(p["key"] for p in pushes) == sorted(GROUP_KEYS), outs
    contents = [str(p["body"]) for p in pushes]
    assert len(set(contents)) == len(contents)
