"""看板: the 专班 gets a signed, expiring link to the web dashboard — never the token itself.

The link is only sent to the 专班 and only in a one-to-one chat or a 专班 group, where nobody
else reads it. It needs the settings (token, public_url) on the Context as `ctx.settings`."""
from __future__ import annotations

from bot.dashboard.auth import LINK_TTL, signed_link
from bot.handlers.registry import Context, handles
from bot.messages import Reply


def private_enough(ctx: Context) -> bool:
    group = ctx.directory.group_for_chat(ctx.message.chat_id)
    return not ctx.message.is_group or (group is not None and group.purpose == "taskforce")


@handles("dashboard", summary="看板（专班：数据看板链接）", example="看板", commands=("看板", "数据看板", "dashboard"))
def dashboard_link(ctx: Context) -> Reply:
    if not ctx.actor.sees_everything:
        return Reply("数据看板仅向专班开放。您可以发“统计”查看本单位情况。")
    settings = getattr(ctx, "settings", None)
    if settings is None or not settings.dashboard.token:
        return Reply("数据看板还没有启用，请管理员在配置文件中设置 dashboard.token。")
    if not private_enough(ctx):
        return Reply("看板链接只在专班群或与我的单聊中发送，请在那里发“看板”。")
    hours = int(LINK_TTL.total_seconds() // 3600)
    link = signed_link(settings.public_url, settings.dashboard.token, ctx.clock.now())
    return Reply(f"**专班数据看板**\n[点击打开看板]({link})\n链接{hours}小时内有效，请勿转发。", title="看板")
