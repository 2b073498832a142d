"""One validated settings object: built-in defaults, then the YAML config file, then BOT_* environment."""
from __future__ import annotations

import os
import secrets
import string
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

import yaml

from bot import yamlfile
from bot.yamlfile import ConfigError

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class WeComApp:
    token: str = ""
    encoding_aes_key: str = ""
    corp_id: str = ""
    agent_id: str = ""


@dataclass(frozen=True)
class WeComAibot:
    token: str = ""
    encoding_aes_key: str = ""


@dataclass(frozen=True)
class DingTalk:
    app_secret: str = ""


@dataclass(frozen=True)
class Dashboard:
    token: str = ""


@dataclass(frozen=True)
class Security:
    timestamp_window_seconds: int = 300   # WeCom documents none; wide enough for its 3 tries
    max_body_bytes: int = 64 * 1024


@dataclass(frozen=True)
class Settings:
    timezone: str = "Asia/Shanghai"
    database_url: str = "sqlite:///var/bot.db"
    plan: str = "config/plan.yaml"
    directory: str = "config/directory.yaml"
    public_url: str = "http://127.0.0.1:8080"
    wecom: WeComApp = field(default_factory=WeComApp)
    wecom_aibot: WeComAibot = field(default_factory=WeComAibot)
    dingtalk: DingTalk = field(default_factory=DingTalk)
    dashboard: Dashboard = field(default_factory=Dashboard)
    security: Security = field(default_factory=Security)
    # Push endpoints can be redirected (tests point them at a fake platform server on loopback).
    push_base_wecom: str = ""
    push_base_dingtalk: str = ""
    scheduler_enabled: bool = True
    sender_enabled: bool = True
    # "send" to the groups' webhooks; "console" prints each push instead (the embedded default, whose
    # sample directory has no real webhooks)
    push_mode: str = "send"
    sweep_interval_seconds: int = 300
    source: str = ""          # the file these settings came from, for messages

    def path(self, value: str) -> Path:
        p = Path(value)
        return p if p.is_absolute() else ROOT / p

    @property
    def database(self) -> str:
        """SQLAlchemy URL with a relative SQLite path resolved against the project root."""
        url = self.database_url
        prefix = "sqlite:///"
        if url.startswith(prefix) and not url.startswith(prefix + "/") and ":memory:" not in url:
            path = self.path(url[len(prefix):])
            path.parent.mkdir(parents=True, exist_ok=True)
            return prefix + str(path)
        return url


_SECTIONS = {f.name: f.type for f in fields(Settings)}
_NESTED = {"wecom": WeComApp, "wecom_aibot": WeComAibot, "dingtalk": DingTalk, "dashboard": Dashboard,
           "security": Security}


def _coerce(value, like, name: str, source: str):
    if isinstance(like, bool):
        if isinstance(value, str):
            return value.strip().lower() in ("1", "true", "yes", "on")
        return bool(value)
    if isinstance(like, int):
        try:
            return int(value)
        except (TypeError, ValueError):
            raise ConfigError(f"{source}: {name}: expected a whole number, got {value!r}") from None
    return "" if value is None else str(value)


def _merge(settings: Settings, data: dict, source: str) -> Settings:
    changes = {}
    for key, value in data.items():
        if key not in _SECTIONS or key == "source":
            line = getattr(data, "lines", {}).get(key)
            raise ConfigError(f"{source}{':' + str(line) if line else ''}: {key}: unknown setting")
        current = getattr(settings, key)
        if key in _NESTED:
            if not isinstance(value, dict):
                raise ConfigError(f"{source}: {key}: expected a mapping")
            sub = {}
            for k, v in value.items():
                if not hasattr(current, k):
                    raise ConfigError(f"{source}: {key}.{k}: unknown setting")
                sub[k] = _coerce(v, getattr(current, k), f"{key}.{k}", source)
            changes[key] = replace(current, **sub)
        else:
            changes[key] = _coerce(value, current, key, source)
    return replace(settings, **changes)


def _from_env(settings: Settings, env) -> Settings:
    """BOT_DATABASE_URL=…, BOT_WECOM__TOKEN=… (double underscore enters a section)."""
    data: dict = {}
    for name, value in env.items():
        if not name.startswith("BOT_") or name == "BOT_CONFIG":
            continue
        key = name[4:].lower()
        if "__" in key:
            section, sub = key.split("__", 1)
            data.setdefault(section, {})[sub] = value
        elif key in _SECTIONS and key not in _NESTED:
            data[key] = value
    return _merge(settings, data, "environment") if data else settings


def load_settings(config: str | None = None, env=None) -> Settings:
    env = os.environ if env is None else env
    config = config or env.get("BOT_CONFIG")
    settings = Settings()
    if config:
        data = yamlfile.load(config) or {}
        if not isinstance(data, dict):
            raise ConfigError(f"{config}: expected a mapping at the top level")
        settings = replace(_merge(settings, data, config), source=str(config))
    settings = _from_env(settings, env)
    if not config:
        settings = _with_dev_secrets(settings)
        if "BOT_PUSH_MODE" not in env and not (settings.push_base_wecom or settings.push_base_dingtalk):
            settings = replace(settings, push_mode="console")
    if settings.push_mode not in ("send", "console"):
        raise ConfigError(f"{settings.source or 'environment'}: push_mode: expected send or console, "
                          f"got {settings.push_mode!r}")
    return settings


def _random_key(n: int) -> str:
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(n))


def _with_dev_secrets(settings: Settings) -> Settings:
    """The embedded default gets its own random channel secrets, made once and kept in var/."""
    path = ROOT / "var" / "dev-secrets.yaml"
    if path.exists():
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    else:
        data = {
            "wecom": {"token": _random_key(16), "encoding_aes_key": _random_key(43), "corp_id": "ww-dev-corp",
                      "agent_id": "1000002"},
            "wecom_aibot": {"token": _random_key(16), "encoding_aes_key": _random_key(43)},
            "dingtalk": {"app_secret": _random_key(40)},
            "dashboard": {"token": _random_key(24)},
        }
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("# Development secrets made on first run; not for production.\n"
                        + yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        path.chmod(0o600)
    keep = {}
    for section, values in data.items():
        current = getattr(settings, section)
        keep[section] = replace(current, **{k: v for k, v in values.items() if not getattr(current, k)})
    return replace(settings, **keep)
