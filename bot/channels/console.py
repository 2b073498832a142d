"""The local console channel: talk to the bot from a terminal, as any person in the directory."""
from __future__ import annotations

import uuid

from bot.messages import Message, Reply

BANNER = """校园安全整治助手 · 终端对话
您现在的身份：{who}（{role}），会话：{chat}
直接输入消息回车发送；/as 用户ID 切换身份，/who 查看通讯录里的人，/quit 退出。"""


def message(bot, user: str, chat: str, text: str) -> Message:
    person = bot.directory.person(user)
    return Message(platform="console", sender_id=user, chat_id=chat, text=text, msg_id=f"console-{uuid.uuid4().hex}",
                   at=bot.clock.now(), sender_name=person.name if person else user, is_group=chat != user)


def ask(bot, user: str, chat: str, text: str) -> Reply:
    return bot.conversation.handle(message(bot, user, chat, text))


def repl(bot, user: str, chat: str, read=input, write=print) -> None:
    write(BANNER.format(**_who(bot, user, chat)))
    while True:
        try:
            line = read("> ").strip()
        except EOFError:
            break
        if not line:
            continue
        if line in ("/quit", "/exit", "/q"):
            break
        if line == "/who":
            write("\n".join(f"{p.id}\t{p.name}\t{p.unit}\t{p.role}" for p in bot.directory.people))
            continue
        if line.startswith("/as "):
            user = line[4:].strip()
            write("已切换为 {who}（{role}）".format(**_who(bot, user, chat)))
            continue
        if line.startswith("/chat "):
            chat = line[6:].strip()
            write(f"已切换到会话 {chat}")
            continue
        write(ask(bot, user, chat, line).plain())
        if bot.settings.push_mode == "console":
            bot.sender.drain()        # the notices this message caused, shown before the next prompt
        else:
            bot.wake.set()


def _who(bot, user: str, chat: str) -> dict:
    p = bot.directory.person(user)
    return {"who": p.name if p else user, "role": p.role if p else "未登记", "chat": chat}
