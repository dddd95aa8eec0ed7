"""A corpus of production-shaped schemas, one folder per entry: ``<shape>_<dialect>/``.

Each folder holds ``schema.sql`` (the dialect's own DDL), ``seed.sql`` (deterministic data
generated inside the database) and ``corpus.yaml`` (what the data really is: its relations,
declared or not, and the id-looking columns that are *not* references). ``build`` loads an
entry into an empty database with the dialect's own command-line client, as a user would.

``corpus.yaml`` keys:

- ``dialect``: postgresql | mariadb | sqlite
- ``description``: one line about the application
- ``shapes``: shape ids the entry covers (see README.md)
- ``schemas``: extra PostgreSQL schemas (``schema.sql`` creates them itself)
- ``relations``: every parent/child relation in the data, ``{child, columns, parent,
  parent_columns, declared}``; optional ``orphans: N`` (child rows, with every column set,
  whose values are found in no parent row, planted on purpose) and ``declared_on:
  partitions`` (the FOREIGN KEY exists on each partition of ``child``, not on ``child``)
- ``not_relations``: ``{table, column}`` columns that look like references and are not
- ``empty_tables``: tables left empty on purpose (every other table holds 200 to 5,000 rows)
- ``partitions``: partitioned parent -> its partitions (counted through the parent)
- ``views`` / ``materialized_views``: views created beside the tables

Table names of PostgreSQL entries are ``schema.table`` outside ``public``.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.engine import make_url

ROOT = Path(__file__).parent

CLIENTS = {"postgresql": "psql", "mariadb": "mariadb", "sqlite": "sqlite3"}
"""The command-line client that loads each dialect's files."""


@dataclass(frozen=True)
class Entry:
    """One corpus folder."""

    name: str
    dialect: str
    path: Path
    metadata: dict[str, Any] = field(repr=False, compare=False)

    @property
    def schema_sql(self) -> Path:
        return self.path / "schema.sql"

    @property
    def seed_sql(self) -> Path:
        return self.path / "seed.sql"

    @property
    def relations(self) -> list[dict[str, Any]]:
        return list(self.metadata.get("relations") or [])

    @property
    def not_relations(self) -> list[dict[str, Any]]:
        return list(self.metadata.get("not_relations") or [])


def _discover() -> list[Entry]:
    entries = []
    for folder in sorted(p for p in ROOT.iterdir() if (p / "corpus.yaml").is_file()):
        metadata = yaml.safe_load((folder / "corpus.yaml").read_text(encoding="utf-8"))
        entries.append(Entry(folder.name, metadata["dialect"], folder, metadata))
    return entries


ENTRIES: list[Entry] = _discover()
"""Every corpus entry, sorted by name."""


def clients_available() -> dict[str, bool]:
    """Dialect -> whether its command-line client is on PATH."""
    return {dialect: shutil.which(client) is not None for dialect, client in CLIENTS.items()}


def _run(entry: Entry, file: Path | None, cmd: list[str], *, sql: str | None = None) -> None:
    if file is not None and entry.dialect == "postgresql":  # -f: errors name file and line
        done = subprocess.run([*cmd, "-f", str(file)], capture_output=True, check=False)
    elif file is not None:
        with open(file, "rb") as stdin:
            done = subprocess.run(cmd, stdin=stdin, capture_output=True, check=False)
    else:
        done = subprocess.run(cmd, input=(sql or "").encode(), capture_output=True, check=False)
    err = done.stderr.decode("utf-8", "replace")
    what = file.name if file is not None else "setup"
    failed = done.returncode != 0 or re.search(
        r"^(ERROR|Error|Parse error|Runtime error)", err, re.M
    )
    assert not failed, (
        f"{entry.name}/{what}: {CLIENTS[entry.dialect]} exited {done.returncode}\n{err}"
    )


def _command(entry: Entry, url: str) -> list[str]:
    u = make_url(url)
    if entry.dialect == "postgresql":
        libpq = u.set(drivername="postgresql").render_as_string(hide_password=False)
        return ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", libpq]
    if entry.dialect == "mariadb":
        cmd = ["mariadb", "--default-character-set=utf8mb4", "--batch"]
        cmd += ["--host", u.host or "127.0.0.1", "--port", str(u.port or 3306)]
        cmd += ["--user", u.username or "root"]
        if u.password:
            cmd.append(f"--password={u.password}")
        return [*cmd, u.database or ""]
    if entry.dialect == "sqlite":
        database = u.database or ""
        assert database and database != ":memory:", f"{entry.name}: SQLite needs a file: {url}"
        return ["sqlite3", "-bail", database]
    raise AssertionError(f"{entry.name}: unknown dialect {entry.dialect!r}")


def build(entry: Entry, url: str, *, data: bool = True) -> None:
    """Load ``schema.sql`` (and ``seed.sql`` when ``data``) into the empty database at the
    SQLAlchemy ``url`` with the dialect's own client; stop at the first error, raising an
    AssertionError with the client's stderr."""
    cmd = _command(entry, url)
    if entry.dialect == "postgresql":
        ddl = entry.schema_sql.read_text(encoding="utf-8")
        missing = [
            s
            for s in entry.metadata.get("schemas") or []
            if not re.search(
                rf"CREATE\s+SCHEMA\s+(IF\s+NOT\s+EXISTS\s+)?\"?{re.escape(s)}\b", ddl, re.I
            )
        ]
        if missing:
            sql = "".join(f'CREATE SCHEMA IF NOT EXISTS "{s}";\n' for s in missing)
            _run(entry, None, cmd, sql=sql)
    _run(entry, entry.schema_sql, cmd)
    if data:
        _run(entry, entry.seed_sql, cmd)
