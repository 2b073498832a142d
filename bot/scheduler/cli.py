"""`python -m bot remind --now 2023-06-19T09:00 [--dry-run]`: one sweep and one outbox drain, as if
at that moment, printing exactly what goes to which group."""
from __future__ import annotations

import logging

from bot.clock import Clock, FixedClock, parse_now
from bot.settings import load_settings

PLATFORM = {"wecom": "企业微信", "dingtalk": "钉钉"}


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
        for group, payload in result.messages:
            print(f"\n→ {group.name}（{PLATFORM.get(group.platform, group.platform)}）")
            print("  " + payload["text"].replace("\n", "\n  "))
        if args.dry_run:
            return 0
        drained = bot.sender.drain()
        print(f"\n推送：成功 {drained.sent} 条，稍后重试 {drained.retried} 条，失败 {drained.failed} 条，"
              f"限流等待 {drained.waiting} 条。发送情况见 python -m bot outbox")
        return 0
    finally:
        bot.db.dispose()
