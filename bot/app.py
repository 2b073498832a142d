"""The composition root: everything (database, parser, conversation, sender, web app) is built here,
from settings, with the clock and the HTTP client passed in. Nothing is created at import time."""
from __future__ import annotations

import logging
import threading

import requests

from bot.clock import Clock
from bot.conversation import Conversation
from bot.db import Database
from bot.directory import load_directory
from bot.plan import load_plan
from bot.push.sender import Sender
from bot.services.directory_sync import sync_directory
from bot.settings import Settings

log = logging.getLogger("bot")


class Bot:
    def __init__(self, settings: Settings, clock: Clock | None = None, http=None, *, migrate: bool = True,
                 console_write=None):
        from bot.nlp import build_parser

        self.settings = settings
        self.clock = clock or Clock(settings.timezone)
        self.plan = load_plan(settings.path(settings.plan))
        self.directory = load_directory(settings.path(settings.directory))
        self.db = Database(settings.database)
        if migrate:
            self.db.upgrade()
            sync_directory(self.db, self.directory)
        self.parser = build_parser(self.plan, self.directory)
        self.wake = threading.Event()
        self.conversation = Conversation(self.db, self.plan, self.directory, self.parser, self.clock,
                                         on_queued=self.wake.set, settings=settings)
        push_base = {"wecom": settings.push_base_wecom, "dingtalk": settings.push_base_dingtalk}
        if http is None and settings.push_mode == "console":     # printed: to the log, or where asked (chat)
            from bot.push.console import ConsolePushes
            http = ConsolePushes(self.directory, write=console_write or _console_log)
        self.sender = Sender(self.db, self.directory, self.clock, http or requests.Session(),
                             push_base={k: v for k, v in push_base.items() if v})
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    # --- background work in the serving process ------------------------------------------------
    def start_background(self) -> None:
        if self.settings.sender_enabled:
            self._spawn("outbox-sender", self._sender_loop)
        if self.settings.scheduler_enabled:
            try:
                from bot.scheduler.service import start_scheduler
            except ImportError:
                log.info("scheduler not available in this build")
            else:
                self.scheduler = start_scheduler(self)

    def _spawn(self, name: str, target) -> None:
        t = threading.Thread(target=target, name=name, daemon=True)
        t.start()
        self._threads.append(t)

    def _sender_loop(self) -> None:
        """Drain the outbox now whenever a push is queued, and every few seconds for retries."""
        while not self._stop.is_set():
            self.wake.wait(timeout=2.0)
            self.wake.clear()
            try:
                result = self.sender.drain()
                if result.sent or result.failed:
                    log.info("outbox: sent %d, retrying %d, failed %d", result.sent, result.retried, result.failed)
            except Exception:  # noqa: BLE001 - the loop must survive a database hiccup
                log.exception("outbox drain failed; will try again")
                self._stop.wait(2.0)

    def stop(self) -> None:
        self._stop.set()
        self.wake.set()
        scheduler = getattr(self, "scheduler", None)
        if scheduler is not None:
            scheduler.shutdown()
        for t in self._threads:
            t.join(timeout=5)
        self.db.dispose()


def create_app(settings: Settings, clock: Clock | None = None, http=None, *, background: bool = True):
    """The Flask app serving the platform callbacks; `app.bot` is the Bot behind it."""
    from flask import Flask

    from bot.channels.web import register_channels

    bot = Bot(settings, clock, http)
    app = Flask("bot")
    app.config["MAX_CONTENT_LENGTH"] = settings.security.max_body_bytes
    app.bot = bot
    register_channels(app, bot)
    try:
        from bot.dashboard import register_dashboard
    except ImportError:
        pass
    else:
        register_dashboard(app, bot)
    if background:
        bot.start_background()
    return app


def _console_log(text: str) -> None:
    """Where console pushes go when serving: the log, one record per push."""
    logging.getLogger("bot.push.console").info("%s", text)
