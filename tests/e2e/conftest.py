"""The real service on a loopback port, with pushes going to a fake platform server."""
from __future__ import annotations

import threading

import pytest
import requests
from werkzeug.serving import make_server

from bot.settings import load_settings


@pytest.fixture
def platform(clock):
    from tests.platform_sim import FakePushServer
    with FakePushServer() as server:
        server.clock = lambda: clock.now().timestamp()     # the platform's clock follows the test's
        for key in ("sample-key-yf1z", "sample-key-lyzx", "sample-key-jyj", "sample-key-zb"):
            server.add_wecom_key(key)
        server.add_dingtalk_robot("sample-token-bszx", "SECsample-bszx")
        yield server


class Live:
    """A running service: its base URL, the Bot behind it, and the clock it reads."""

    def __init__(self, app, url: str):
        self.app = app
        self.bot = app.bot
        self.url = url
        self.http = requests.Session()

    def get(self, path, **kw):
        return self.http.get(self.url + path, timeout=10, **kw)

    def post(self, path, **kw):
        return self.http.post(self.url + path, timeout=10, **kw)


@pytest.fixture
def live(config_file, clock, platform):
    from bot.app import create_app
    settings = load_settings(str(config_file), env={"BOT_PUSH_BASE_WECOM": platform.url,
                                                    "BOT_PUSH_BASE_DINGTALK": platform.url})
    app = create_app(settings, clock=clock, background=True)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Live(app, f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        app.bot.stop()
