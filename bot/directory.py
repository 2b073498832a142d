"""The district directory: units (schools, departments, towns), people with roles, and chat groups."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot import yamlfile
from bot.yamlfile import Checker

UNIT_KINDS = ("school", "department", "town")
ROLES = ("teacher", "leader", "taskforce", "admin")
PLATFORMS = ("wecom", "dingtalk", "console")
PURPOSES = ("school", "department", "taskforce")


@dataclass(frozen=True)
class Unit:
    name: str
    kind: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    unit: str
    role: str
    mobile: str = ""


@dataclass(frozen=True)
class Group:
    name: str
    platform: str
    chat_id: str
    units: tuple[str, ...]
    purpose: str
    webhook: str = ""
    secret: str = ""     # DingTalk 加签 secret


@dataclass(frozen=True)
class Directory:
    units: tuple[Unit, ...]
    people: tuple[Person, ...]
    groups: tuple[Group, ...]

    def __post_init__(self):
        object.__setattr__(self, "_unit_by_name", {u.name: u for u in self.units})
        object.__setattr__(self, "_person_by_id", {p.id: p for p in self.people})
        object.__setattr__(self, "_group_by_chat", {g.chat_id: g for g in self.groups})

    def unit(self, name: str) -> Unit | None:
        return self._unit_by_name.get(name)

    def person(self, person_id: str) -> Person | None:
        return self._person_by_id.get(person_id)

    def group_for_chat(self, chat_id: str | None) -> Group | None:
        return self._group_by_chat.get(chat_id) if chat_id else None

    def schools(self) -> list[Unit]:
        return [u for u in self.units if u.kind == "school"]

    def departments(self) -> list[Unit]:
        return [u for u in self.units if u.kind == "department"]

    def groups_for_unit(self, unit: str) -> list[Group]:
        return [g for g in self.groups if unit in g.units]

    def taskforce_groups(self) -> list[Group]:
        return [g for g in self.groups if g.purpose == "taskforce"]

    def people_of(self, unit: str, role: str | None = None) -> list[Person]:
        return [p for p in self.people if p.unit == unit and (role is None or p.role == role)]

    def taskforce(self) -> list[Person]:
        return [p for p in self.people if p.role == "taskforce"]


def load_directory(path: str | Path) -> Directory:
    path = Path(path)
    check = Checker(path)
    data = check.mapping(yamlfile.load(path), "(top level)")
    units = []
    for i, node in enumerate(check.get(data, "units", list)):
        where = f"units[{i}]"
        node = check.mapping(node, where)
        kind = check.get(node, "kind", str, where=where)
        if kind not in UNIT_KINDS:
            raise check.fail(node, f"{where}.kind", f"{kind!r} is not one of {', '.join(UNIT_KINDS)}")
        units.append(Unit(check.get(node, "name", str, where=where), kind,
                          tuple(check.str_list(node, "aliases", where=where))))
    names = {u.name for u in units}
    if len(names) != len(units):
        raise check.fail(data, "units", "a unit name is listed twice")
    people = []
    for i, node in enumerate(check.get(data, "people", list, required=False, default=[])):
        where = f"people[{i}]"
        node = check.mapping(node, where)
        role = check.get(node, "role", str, where=where)
        if role not in ROLES:
            raise check.fail(node, f"{where}.role", f"{role!r} is not one of {', '.join(ROLES)}")
        unit = check.get(node, "unit", str, where=where)
        if unit not in names:
            raise check.fail(node, f"{where}.unit", f"{unit!r} is not a unit in this directory")
        mobile = node.get("mobile")
        people.append(Person(str(check.get(node, "id", (str, int), where=where)), check.get(node, "name", str, where=where),
                             unit, role, str(mobile) if mobile is not None else ""))
    if len({p.id for p in people}) != len(people):
        raise check.fail(data, "people", "a person id is listed twice")
    groups = []
    for i, node in enumerate(check.get(data, "groups", list, required=False, default=[])):
        where = f"groups[{i}]"
        node = check.mapping(node, where)
        platform = check.get(node, "platform", str, where=where)
        if platform not in PLATFORMS:
            raise check.fail(node, f"{where}.platform", f"{platform!r} is not one of {', '.join(PLATFORMS)}")
        purpose = check.get(node, "purpose", str, where=where, required=False, default="school")
        if purpose not in PURPOSES:
            raise check.fail(node, f"{where}.purpose", f"{purpose!r} is not one of {', '.join(PURPOSES)}")
        group_units = check.str_list(node, "units", where=where)
        for u in group_units:
            if u not in names:
                raise check.fail(node, f"{where}.units", f"{u!r} is not a unit in this directory")
        groups.append(Group(check.get(node, "name", str, where=where), platform,
                            str(check.get(node, "chat_id", (str, int), where=where)), tuple(group_units), purpose,
                            check.get(node, "webhook", str, where=where, required=False, default=""),
                            check.get(node, "secret", str, where=where, required=False, default="")))
    return Directory(tuple(units), tuple(people), tuple(groups))
