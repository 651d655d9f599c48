"""The actor runtime: durable inboxes, leases, actors, commits and the outbox sender on Redis."""
