"""Which units answer for an issue, and which groups hear about it — all from the plan and directory."""
from __future__ import annotations

from bot.directory import Directory, Group, Person
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



def mentioned_in(directory: Directory, group: Group) -> list[Person]:
    """Whom a push to this group @-mentions: the leaders of its units; in a 专班 group, the 专班
    members (of its units, or all of them when the group names none)."""
    if group.purpose == "taskforce":
        members = directory.taskforce()
        own = [p for p in members if p.unit in group.units]
        return own or members
    return [p for u in group.units for p in directory.people_of(u, "leader")]


def mentions(people: list[Person]) -> dict:
    """The mention fields a push payload carries (WeCom by user id, DingTalk by mobile)."""
    return {"mention_userids": [p.id for p in people], "mention_mobiles": [p.mobile for p in people if p.mobile]}
