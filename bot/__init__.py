"""Ruthan, the production package: the LINE bot and the trainers' web.

Layers, from the edge down: `webhook` and `web/` (HTTP) → `intake`, `inbox`, `handlers/` → `flow/` (the
tutor) → learning rules → `storage/` (tables, migrations, the outbox store). `services` builds the parts once
from `settings`; `runtime` connects them; `sender` and `gateway/` deliver to LINE; `trainers/` holds the
trainers' use cases (classes, announcements, the dashboard). Modules here may import `scheduler` (the
runtime schedules its jobs) but never `devkit`, `tests` or `benchmarks`; `storage/` imports nothing above it.
"""
