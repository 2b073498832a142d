"""Exactly one sweeper across processes: a lease row that its holder renews and others wait out.

Taking it is one transaction (row lock on PostgreSQL, BEGIN IMMEDIATE on SQLite), so two processes
can never both believe they hold it; a holder that dies loses it when the lease expires."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bot.db import Database
from bot.models import Lease

TTL = dt.timedelta(seconds=45)


def acquire(db: Database, name: str, holder: str, now: dt.datetime, ttl: dt.timedelta = TTL) -> bool:
    """Take or renew the lease; False when someone else holds it and it has not expired."""
    try:
        with db.session() as s:
            q = select(Lease).where(Lease.name == name)
            if not db.is_sqlite:
                q = q.with_for_update()
            lease = s.scalar(q)
            if lease is None:
                s.add(Lease(name=name, holder=holder, expires_at=now + ttl))
                return True
            if lease.holder != holder and lease.expires_at > now:
                return False
            lease.holder = holder
            lease.expires_at = now + ttl
            return True
    except IntegrityError:      # another process inserted the first lease row at the same moment
        return False


def release(db: Database, name: str, holder: str) -> None:
    with db.session() as s:
        lease = s.get(Lease, name)
        if lease is not None and lease.holder == holder:
            s.delete(lease)


def holder_of(db: Database, name: str, now: dt.datetime) -> str | None:
    with db.session() as s:
        lease = s.get(Lease, name)
        return lease.holder if lease is not None and lease.expires_at > now else None
