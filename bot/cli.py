"""Command line: `python -m bot serve|chat|ask|parse|remind|export|report|outbox`.

Each command imports only what it needs, so `parse` starts fast and `serve` pays for Flask alone.
"""
from __future__ import annotations

import argparse
import sys


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--config", help="YAML config file (default: $BOT_CONFIG, else the embedded default)")


def build_argparser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python -m bot", description="校园安全整治助手")
    sub = ap.add_subparsers(dest="command", required=True)

    p = sub.add_parser("serve", help="run the webhook service")
    _common(p)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8080)

    p = sub.add_parser("chat", help="talk to the bot in this terminal")
    _common(p)
    p.add_argument("--as", dest="user", default="zhang.wei")
    p.add_argument("--chat", default="console")

    p = sub.add_parser("ask", help="send one message through the full pipeline and print the reply")
    _common(p)
    p.add_argument("--as", dest="user", required=True)
    p.add_argument("--chat", default="console")
    p.add_argument("--now", help="run as if at this ISO time (Asia/Shanghai when no offset)")
    p.add_argument("text")

    p = sub.add_parser("parse", help="JSON lines in, parse results as JSON lines out")
    _common(p)
    p.add_argument("--today", help="reference date YYYY-MM-DD for lines without 'today'")

    p = sub.add_parser("remind", help="run one reminder sweep and drain the outbox")
    _common(p)
    p.add_argument("--now")
    p.add_argument("--dry-run", action="store_true", help="show what would be pushed; change nothing")

    p = sub.add_parser("export", help="write the ledger (台账) as .xlsx")
    _common(p)
    p.add_argument("--out", required=True)
    p.add_argument("--now", help="export as if at this ISO time (overdue is counted against it)")

    p = sub.add_parser("report", help="write the monthly report")
    _common(p)
    p.add_argument("--month", required=True, help="YYYY-MM")
    p.add_argument("--now")
    p.add_argument("--out", help="output file prefix (default: var/reports/月报-YYYY-MM)")

    p = sub.add_parser("outbox", help="list what waits to be pushed and what failed")
    _common(p)
    p.add_argument("--all", action="store_true", help="include delivered messages")
    return ap


def main(argv: list[str] | None = None) -> int:
    args = build_argparser().parse_args(argv)
    from bot.yamlfile import ConfigError
    try:
        if args.command == "parse":
            from bot.nlp.cli import run_parse
            return run_parse(args, sys.stdin, sys.stdout)
        from bot import commands
        return getattr(commands, f"cmd_{args.command}")(args)
    except ConfigError as exc:
        print(f"配置错误: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
