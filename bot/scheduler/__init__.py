"""Reminders derived from the ledger: pure due rules, the sweep that queues them once, the lease
that lets exactly one process sweep, and the APScheduler jobs that run it."""
