"""帮助: what the bot can do, built from the handler registry so it never falls out of date."""
from __future__ import annotations

from bot.handlers.registry import Context, handles, routes
from bot.messages import Reply

# (intent, action) pairs each role is shown; roles not listed see everything
FOR_ROLE = {
    "teacher": {("report", None), ("progress", None), ("query", None)},
    "guest": {("report", None)},
}


@handles("help", summary="查看帮助", example="帮助")
def help_(ctx: Context) -> Reply:
    wanted = FOR_ROLE.get(ctx.actor.role)
    lines = ["**校园安全整治助手 · 用法**",
             "发现隐患直接描述即可，例如：后门鱼塘没有护栏，学生放学常去玩。我会登记编号、分类、通知责任单位并设定整改时限。",
             "常用命令："]
    for r in routes():
        if r.intent in ("help", "other") or (wanted and (r.intent, r.action) not in wanted):
            continue
        if r.intent == "dashboard" and not ctx.actor.sees_everything:
            continue
        lines.append(f"· {r.summary}：{r.example}")
    if ctx.actor.role in ("taskforce", "admin"):
        lines.append("· 其他查询：逾期、即将到期、黑榜、查 食品安全、查 公安鱼峰分局、月报")
    lines.append("📷 现场照片：登记或报进展后30分钟内，把照片单独发给我（企业微信单聊），会附到那条隐患上。")
    lines.append("销号流程：责任单位负责人发“销号 #编号 说明” → 专班或本单位负责人（非申请人）“确认销号 #编号”或“驳回 #编号 理由”。")
    if not ctx.actor.registered:
        lines.append("您还没有登记，目前可以上报隐患；登记后可跟进进展、查询。")
    return Reply("\n".join(lines), title="帮助")
