"""Which units answer for an issue, and which groups hear about it — all from the plan and directory."""
from __future__ import annotations

from bot.directory import Directory, Group
from bot.plan import Plan


def responsible_units(plan: Plan, directory: Directory, area_id: int, school: str | None) -> list[str]:
    area = plan.area(area_id)
    units = [u.name for u in directory.departments()] if area.all_units else list(area.units)
    return ([school] if school else []) + [u for u in units if u != school]


def groups_for(directory: Directory, units: list[str], *, include_taskforce=False) -> list[Group]:
    """The school's and departments' groups for these units (each group once), then the 专班's."""
    seen: dict[str, Group] = {}
    for unit in units:
        for g in directory.groups_for_unit(unit):
            if g.purpose != "taskforce":
                seen.setdefault(g.chat_id, g)
    if include_taskforce:
        for g in directory.taskforce_groups():
            seen.setdefault(g.chat_id, g)
    return list(seen.values())


def leaders_of(directory: Directory, units: list[str]):
    return [p for u in units for p in directory.people_of(u, "leader")]
