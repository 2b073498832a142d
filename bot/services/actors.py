"""Who is speaking: the directory's person behind a platform user id, or an unregistered guest."""
from __future__ import annotations

from dataclasses import dataclass

from bot.directory import Directory

GUEST = "guest"


@dataclass(frozen=True)
class Actor:
    id: str
    name: str
    role: str            # teacher | leader | taskforce | admin | guest
    unit: str | None
    mobile: str = ""
    unit_kind: str | None = None

    @property
    def registered(self) -> bool:
        return self.role != GUEST

    @property
    def sees_everything(self) -> bool:
        return self.role in ("taskforce", "admin")

    @property
    def school(self) -> str | None:
        return self.unit if self.unit_kind == "school" else None


def resolve_actor(directory: Directory, user_id: str, display_name: str = "") -> Actor:
    person = directory.person(user_id)
    if person is None:
        return Actor(user_id, display_name or user_id, GUEST, None)
    unit = directory.unit(person.unit)
    return Actor(person.id, person.name, person.role, person.unit, person.mobile, unit.kind if unit else None)
