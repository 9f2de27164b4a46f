"""Storage: SQLModel tables, the engine and Alembic migrations. SQLite by default, PostgreSQL at scale."""
