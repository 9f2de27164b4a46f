"""The test suite: conversations with the real app (signed webhook JSON in, recorded LINE calls out, see
`tests/harness.py`), on SQLite and on PostgreSQL, plus the content, migrations, CLI, web and mypy checks.

Tests build the bot through `bot.services.Services` (by way of the app) and talk to `devkit.standin`. They
may import anything in the repository; nothing outside `tests/` imports them. Tests that read ../shared skip
with a reason when it is absent.
"""
