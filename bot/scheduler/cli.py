"""`python -m bot remind --now 2023-06-19T09:00 [--dry-run]`: one sweep and one outbox drain, as if
at that moment, printing exactly what goes to which group.

--dry-run runs the same sweep inside a transaction that is rolled back: the messages are printed,
nothing is written and nothing is pushed."""
from __future__ import annotations

import logging

from sqlalchemy import select

from bot.clock import Clock, FixedClock, parse_now
from bot.models import OutboxMessage
from bot.settings import load_settings

PLATFORM = {"wecom": "企业微信", "dingtalk": "钉钉"}
STATUS = {"pending": "待发送（稍后重试）", "sent": "已推送", "failed": "推送失败"}


def run_remind(args) -> int:
    from bot.app import Bot
    from bot.scheduler.sweep import Sweeper

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    settings = load_settings(args.config)
    clock = FixedClock(parse_now(args.now, settings.timezone), settings.timezone) if args.now else Clock(settings.timezone)
    bot = Bot(settings, clock)
    try:
        sweeper = Sweeper(bot.plan, bot.directory)
        with bot.db.session() as s:
            result = sweeper.run(s, clock.now())
            if args.dry_run:
                s.rollback()
        print(result.summary() + ("（演练：未写入数据库，未推送）" if args.dry_run else ""))
        if not result.messages:
            print("没有需要推送的新提醒（已推送过的提醒不会重复推送）。")
        for group, payload in result.messages:
            print(f"\n→ {group.name}（{PLATFORM.get(group.platform, group.platform)}）{_mentions(bot, payload)}")
            print("  " + payload["text"].replace("\n", "\n  "))
        if args.dry_run:
            return 0
        drained = bot.sender.drain()
        print(f"\n推送：成功 {drained.sent} 条，稍后重试 {drained.retried} 条，失败 {drained.failed} 条，"
              f"限流等待 {drained.waiting} 条。")
        _print_delivery(bot, result)
        return 0
    finally:
        bot.db.dispose()


def _mentions(bot, payload: dict) -> str:
    names = []
    for uid in payload.get("mention_userids", []):
        person = bot.directory.person(uid)
        names.append(person.name if person else uid)
    return " 提醒 " + "、".join(f"@{n}" for n in names) if names else ""


def _print_delivery(bot, result) -> None:
    """Per group, what became of this sweep's messages after the drain."""
    if not result.keys:
        return
    with bot.db.session(readonly=True) as s:
        rows = dict(s.execute(select(OutboxMessage.key, OutboxMessage.status).where(OutboxMessage.key.in_(result.keys))).all())
    for (group, _), key in zip(result.messages, result.keys):
        print(f"  {group.name}：{STATUS.get(rows.get(key, ''), rows.get(key, '未知'))}")
    if any(rows.get(k) != "sent" for k in result.keys):
        print("未推送成功的消息会自动重试；详情见 python -m bot outbox")
