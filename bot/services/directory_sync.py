"""Mirror the directory file into the database, so reports and the dashboard can join on it."""
from __future__ import annotations

from sqlalchemy import delete, text

from bot.db import Database
from bot.directory import Directory
from bot.models import Group, Person, Unit


def sync_directory(db: Database, directory: Directory) -> None:
    with db.session() as s:
        if not db.is_sqlite:   # several processes start at once: one rewrites the mirror at a time
            s.execute(text("SELECT pg_advisory_xact_lock(727002)"))
        s.execute(delete(Unit))
        s.execute(delete(Person))
        s.execute(delete(Group))
        s.add_all(Unit(name=u.name, kind=u.kind) for u in directory.units)
        s.add_all(Person(id=p.id, name=p.name, mobile=p.mobile, unit=p.unit, role=p.role) for p in directory.people)
        s.add_all(Group(chat_id=g.chat_id, name=g.name, platform=g.platform, purpose=g.purpose) for g in directory.groups)
