"""The SQL of the dashboard, one named query per `.sql` file under `sql/`, and the thin layer
that runs it on DuckDB with bound parameters. Nothing here knows about Dash."""

from queries.store import Store

__all__ = ["Store"]
