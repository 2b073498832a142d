"""`python -m bot parse`: JSON lines in (text, today, sender_role, sender_unit), JSON lines out."""
from __future__ import annotations

import datetime as dt
import json
import sys
from zoneinfo import ZoneInfo


def _today(value, default: dt.date) -> dt.date:
    if value in (None, ""):
        return default
    return dt.date.fromisoformat(str(value))


def _default_today(args, timezone: str) -> dt.date:
    if getattr(args, "today", None):
        return dt.date.fromisoformat(args.today)
    return dt.datetime.now(ZoneInfo(timezone)).date()


def _parse_line(parser, line: str, default_today: dt.date) -> dict:
    try:
        item = json.loads(line)
    except ValueError as exc:
        return {"error": f"not JSON: {exc}"}
    if not isinstance(item, dict) or not isinstance(item.get("text"), str):
        return {"error": "expected an object with a string 'text'"}
    try:
        today = _today(item.get("today"), default_today)
    except ValueError:
        return {"error": f"bad 'today': {item.get('today')!r}, expected YYYY-MM-DD"}
    parsed = parser.parse(item["text"], today, sender_role=item.get("sender_role"),
                          sender_unit=item.get("sender_unit"))
    return parsed.to_json()


def run_parse(args, stdin, stdout) -> int:
    from bot.directory import load_directory
    from bot.nlp import build_parser
    from bot.plan import load_plan
    from bot.settings import load_settings

    settings = load_settings(getattr(args, "config", None))
    try:
        default_today = _default_today(args, settings.timezone)
    except ValueError:
        print(f"--today: expected YYYY-MM-DD, got {args.today!r}", file=sys.stderr)
        return 2
    parser = build_parser(load_plan(settings.path(settings.plan)), load_directory(settings.path(settings.directory)))
    for line in stdin:
        if not line.strip():
            continue
        stdout.write(json.dumps(_parse_line(parser, line, default_today), ensure_ascii=False) + "\n")
        stdout.flush()
    return 0
