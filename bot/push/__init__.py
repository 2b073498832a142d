"""Pushes to group robots: formatting within platform limits, the outbox and the sender."""
