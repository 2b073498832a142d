"""The campaign plan (areas, responsible units, milestones, deadlines) loaded from YAML."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from bot import yamlfile
from bot.yamlfile import Checker, ConfigError

SEVERITIES = ("一般", "较大", "重大")
AUDIENCES = ("school", "department", "taskforce", "all")


@dataclass(frozen=True)
class Area:
    id: int
    name: str
    short: str
    aliases: tuple[str, ...]
    scope: str
    units: tuple[str, ...]       # responsible units; empty with all_units=True
    all_units: bool = False      # "各责任单位": every department in the directory


@dataclass(frozen=True)
class Milestone:
    date: dt.date
    title: str
    audience: tuple[str, ...]


@dataclass(frozen=True)
class ReminderRules:
    before_days: tuple[int, ...] = (3, 1)
    escalate_after_days: int = 3
    recheck_after_days: int = 30
    monthly_report_day: int = 25
    monthly_report_remind_days: tuple[int, ...] = (3, 1)
    weekly_blacklist_weekday: int = 1
    work_hours: tuple[str, str] = ("09:00", "18:00")


@dataclass(frozen=True)
class Plan:
    name: str
    document: str
    issued: dt.date | None
    areas: tuple[Area, ...]
    milestones: tuple[Milestone, ...]
    default_deadline_days: dict[str, int]
    unit_leader_may_approve: bool
    reminders: ReminderRules
    vocabulary: dict = field(default_factory=dict, compare=False, hash=False)
    source: Path | None = field(default=None, compare=False)

    def area(self, area_id: int) -> Area:
        for a in self.areas:
            if a.id == area_id:
                return a
        raise KeyError(area_id)

    def default_deadline(self, severity: str, today: dt.date) -> dt.date:
        return today + dt.timedelta(days=self.default_deadline_days.get(severity, 14))


def _date(check: Checker, node: dict, key: str, where: str, required=True) -> dt.date | None:
    value = check.get(node, key, (dt.date, str), where=where, required=required)
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise check.fail(node, f"{where}.{key}" if where else key, f"expected a date YYYY-MM-DD, got {value!r}") from None


def _area(check: Checker, node, i: int) -> Area:
    where = f"areas[{i}]"
    node = check.mapping(node, where)
    units = node.get("units")
    all_units = units == "all"
    return Area(
        id=check.get(node, "id", int, where=where),
        name=check.get(node, "name", str, where=where),
        short=check.get(node, "short", str, where=where, required=False) or check.get(node, "name", str, where=where),
        aliases=tuple(check.str_list(node, "aliases", where=where)),
        scope=check.get(node, "scope", str, where=where, required=False, default=""),
        units=() if all_units else tuple(check.str_list(node, "units", where=where, required=True)),
        all_units=all_units,
    )


def _milestone(check: Checker, node, i: int) -> Milestone:
    where = f"milestones[{i}]"
    node = check.mapping(node, where)
    audience = tuple(check.str_list(node, "audience", where=where) or ["all"])
    for a in audience:
        if a not in AUDIENCES:
            raise check.fail(node, f"{where}.audience", f"{a!r} is not one of {', '.join(AUDIENCES)}")
    return Milestone(_date(check, node, "date", where), check.get(node, "title", str, where=where), audience)


def _reminders(check: Checker, node) -> ReminderRules:
    if node is None:
        return ReminderRules()
    node = check.mapping(node, "reminders")
    base = ReminderRules()
    kwargs = {}
    for key, default in base.__dict__.items():
        if key not in node:
            continue
        if isinstance(default, tuple):
            kwargs[key] = tuple(check.get(node, key, list, where="reminders"))
        else:
            kwargs[key] = check.get(node, key, int, where="reminders")
    return ReminderRules(**kwargs)


def load_plan(path: str | Path) -> Plan:
    path = Path(path)
    data = yamlfile.load(path)
    check = Checker(path)
    data = check.mapping(data, "(top level)")
    areas = tuple(_area(check, a, i) for i, a in enumerate(check.get(data, "areas", list)))
    ids = [a.id for a in areas]
    if len(set(ids)) != len(ids):
        raise check.fail(data, "areas", f"area ids repeat: {ids}")
    deadline_days = check.get(data, "default_deadline_days", dict, required=False, default={}) or {}
    for sev, days in deadline_days.items():
        if sev not in SEVERITIES or not isinstance(days, int) or days < 0:
            raise check.fail(deadline_days, f"default_deadline_days.{sev}",
                             f"expected one of {', '.join(SEVERITIES)} with a whole number of days")
    closeout = check.get(data, "closeout", dict, required=False, default={}) or {}
    vocab_name = check.get(data, "vocabulary", str, required=False)
    vocabulary = {}
    if vocab_name:
        vocab_path = path.parent / vocab_name
        if vocab_path.exists():
            vocabulary = yamlfile.load(vocab_path) or {}
            if not isinstance(vocabulary, dict):
                raise ConfigError(f"{vocab_path}: expected a mapping at the top level")
    return Plan(
        name=check.get(data, "name", str),
        document=check.get(data, "document", str, required=False, default=""),
        issued=_date(check, data, "issued", "", required=False),
        areas=areas,
        milestones=tuple(_milestone(check, m, i) for i, m in enumerate(check.get(data, "milestones", list, required=False, default=[]))),
        default_deadline_days={"一般": 14, "较大": 7, "重大": 1, **deadline_days},
        unit_leader_may_approve=bool(closeout.get("unit_leader_may_approve", True)),
        reminders=_reminders(check, data.get("reminders")),
        vocabulary=vocabulary,
        source=path,
    )
