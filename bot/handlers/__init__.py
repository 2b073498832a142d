"""One handler per intent, each registered with the intent (and action) it answers.

Importing this package registers them all; `find()` picks the handler for a parse result.
"""
from bot.handlers.registry import Context, find, find_command, routes  # noqa: F401
from bot.handlers import report, progress, closeout, query, dashboard_link, help, other  # noqa: F401,E402
