"""BCAST-3: external subscribers. The broadcast channel's notices, updates and resolutions reach
e-mail addresses and webhooks too, each through its own outbox lane: once, in order, retried,
and paused (management told) when one keeps failing. People subscribe themselves on the status
page (double opt-in); staff use `/case subscribers`; fixed ones live in subscribers.yml."""
