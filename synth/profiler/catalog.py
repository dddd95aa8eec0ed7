"""What SQLAlchemy's inspector does not read, straight from each database's catalog:
triggers, column character sets and PostgreSQL domains. The profiler's dialect classes
(:mod:`synth.profiler.dialects`) call the function of their database; each is one
catalog query per schema.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import sqlalchemy as sa

T = TypeVar("T")
Reader = Callable[[sa.Connection, sa.Inspector, "str | None", "list[str]"], dict[Any, T]]
"""A catalog reader: (connection, inspector, schema or None, table names) -> findings."""

__all__ = [
    "SPATIAL",
    "Reader",
    "TriggerText",
    "declared_length",
    "mysql_charsets",
    "mysql_geometry",
    "mysql_triggers",
    "no_charsets",
    "no_geometry",
    "no_triggers",
    "pg_charsets",
    "pg_domains",
    "pg_sql_functions",
    "pg_triggers",
    "sqlite_triggers",
]


@dataclass(frozen=True)
class TriggerText:
    """A trigger as the catalog holds it: its timing, events and the SQL it runs."""

    name: str
    timing: str
    events: tuple[str, ...]
    body: str


def no_triggers(
    conn: sa.Connection, inspector: sa.Inspector, schema: str | None, names: list[str]
) -> dict[str, list[TriggerText]]:
    """Where synth cannot read triggers."""
    return {}


def no_charsets(
    conn: sa.Connection, inspector: sa.Inspector, schema: str | None, names: list[str]
) -> dict[tuple[str, str], tuple[str | None, str | None]]:
    """Where every text column holds all of Unicode (SQLite, UTF-8 databases)."""
    return {}


def _pg_events(tgtype: int) -> tuple[str, tuple[str, ...]]:
    """(timing, events) of ``pg_trigger.tgtype``'s bits."""
    timing = "INSTEAD OF" if tgtype & 64 else "BEFORE" if tgtype & 2 else "AFTER"
    events = tuple(e for bit, e in ((4, "INSERT"), (8, "DELETE"), (16, "UPDATE")) if tgtype & bit)
    return timing, events


_LENGTH = re.compile(r"^(?:character varying|character|varchar|char|bit varying)\((\d+)\)$")


def declared_length(sql_type: str) -> int | None:
    """The length of a ``character varying(3)`` as ``format_type`` spells it."""
    found = _LENGTH.match(sql_type.strip())
    return int(found.group(1)) if found else None


def pg_domains(conn: sa.Connection) -> dict[str, tuple[str, tuple[str, ...]]]:
    """Domain (``schema.name`` and ``name``) -> (base type with its modifiers, its CHECKs).
    SQLAlchemy drops the length of a ``varchar(3)`` domain and keeps one CHECK."""
    rows = conn.execute(
        sa.text(
            "SELECT /* synth:reflect */ n.nspname, t.typname,"
            " format_type(t.typbasetype, t.typtypmod), pg_get_constraintdef(c.oid)"
            " FROM pg_catalog.pg_type t"
            " JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace"
            " LEFT JOIN pg_catalog.pg_constraint c ON c.contypid = t.oid AND c.contype = 'c'"
            " WHERE t.typtype = 'd' ORDER BY 1, 2, c.conname"
        )
    ).all()
    found: dict[str, tuple[str, tuple[str, ...]]] = {}
    for schema, name, base, check in rows:
        text = check.removeprefix("CHECK ") if check else None
        for key in (f"{schema}.{name}", name):
            known = found.get(key, (base, ()))
            found[key] = (base, known[1] + ((text,) if text else ()))
    return found


_SELECT_ONLY = re.compile(
    r"^\s*(?:BEGIN\s+ATOMIC\s+)?SELECT\s+(.*?);?\s*(?:END;?\s*)?$", re.I | re.S
)


def pg_sql_functions(conn: sa.Connection) -> dict[str, tuple[tuple[str, ...], str]]:
    """PostgreSQL functions written in SQL as one ``SELECT <expression>``: name ->
    (parameter names, the expression); what a CHECK calling one of them means."""
    rows = conn.execute(
        sa.text(
            "SELECT /* synth:reflect */ p.proname, p.proargnames, p.pronargs, p.prosrc"
            " FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_language l ON l.oid = p.prolang"
            " JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace"
            " WHERE l.lanname = 'sql' AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
        )
    ).all()
    out: dict[str, tuple[tuple[str, ...], str]] = {}
    for name, argnames, nargs, source in rows:
        body = _SELECT_ONLY.match(source or "")
        if body is None or " from " in body.group(1).lower():
            continue
        params = tuple(argnames or ())[: int(nargs)] or tuple(f"${i + 1}" for i in range(nargs))
        out.setdefault(name.lower(), (params, body.group(1)))
    return out


def pg_triggers(
    conn: sa.Connection, inspector: sa.Inspector, schema: str | None, names: list[str]
) -> dict[str, list[TriggerText]]:
    """PostgreSQL: each table's INSERT triggers, with their function's source."""
    rows = conn.execute(
        sa.text(
            "SELECT /* synth:reflect */ c.relname, t.tgname, t.tgtype, p.prosrc"
            " FROM pg_catalog.pg_trigger t"
            " JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid"
            " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
            " JOIN pg_catalog.pg_proc p ON p.oid = t.tgfoid"
            " WHERE NOT t.tgisinternal AND n.nspname = :schema ORDER BY 1, 2"
        ),
        {"schema": schema or inspector.default_schema_name},
    ).all()
    out: dict[str, list[TriggerText]] = {}
    for table, name, tgtype, body in rows:
        timing, events = _pg_events(int(tgtype))
        if table in names and "INSERT" in events:
            out.setdefault(table, []).append(TriggerText(name, timing, events, body or ""))
    return out


def pg_charsets(
    conn: sa.Connection, inspector: sa.Inspector, schema: str | None, names: list[str]
) -> dict[tuple[str, str], tuple[str | None, str | None]]:
    """PostgreSQL has one encoding per database: only a non-UTF-8 one limits the text."""
    encoding = conn.exec_driver_sql("SHOW server_encoding").scalar()
    if not encoding or str(encoding).upper() in ("UTF8", "UTF-8"):
        return {}
    found = inspector.get_multi_columns(schema=schema, filter_names=names)
    return {
        (table, c["name"]): (str(encoding).lower(), None)
        for (_, table), cols in found.items()
        for c in cols
        if isinstance(c["type"], sa.String)
    }


def mysql_triggers(
    conn: sa.Connection, inspector: sa.Inspector, schema: str | None, names: list[str]
) -> dict[str, list[TriggerText]]:
    """MySQL/MariaDB: each table's INSERT triggers (one event per trigger there)."""
    query = sa.text(
        "SELECT /* synth:reflect */ EVENT_OBJECT_TABLE, TRIGGER_NAME, ACTION_TIMING,"
        " EVENT_MANIPULATION, ACTION_STATEMENT FROM information_schema.TRIGGERS"
        " WHERE EVENT_OBJECT_SCHEMA = :schema AND EVENT_MANIPULATION = 'INSERT'"
        " ORDER BY 1, 2"
    )
    out: dict[str, list[TriggerText]] = {}
    rows = conn.execute(query, {"schema": schema or inspector.default_schema_name})
    for table, name, timing, event, body in rows:
        if table in names:
            out.setdefault(table, []).append(TriggerText(name, timing, (event,), body or ""))
    return out


def mysql_charsets(
    conn: sa.Connection, inspector: sa.Inspector, schema: str | None, names: list[str]
) -> dict[tuple[str, str], tuple[str | None, str | None]]:
    """MySQL/MariaDB: every text column's character set and collation."""
    query = sa.text(
        "SELECT /* synth:reflect */ TABLE_NAME, COLUMN_NAME, CHARACTER_SET_NAME,"
        " COLLATION_NAME FROM information_schema.COLUMNS"
        " WHERE TABLE_SCHEMA = :schema AND CHARACTER_SET_NAME IS NOT NULL"
    )
    rows = conn.execute(query, {"schema": schema or inspector.default_schema_name})
    wanted = set(names)
    return {(t, c): (cs, coll) for t, c, cs, coll in rows if t in wanted}


_SQLITE_HEAD = re.compile(r"\b(BEFORE|AFTER|INSTEAD\s+OF)?\s*(INSERT|UPDATE|DELETE)\b", re.I)


def sqlite_triggers(
    conn: sa.Connection, inspector: sa.Inspector, schema: str | None, names: list[str]
) -> dict[str, list[TriggerText]]:
    """SQLite: the INSERT triggers in ``sqlite_master`` (their whole CREATE statement)."""
    master = f'"{schema}".sqlite_master' if schema else "sqlite_master"
    rows = conn.exec_driver_sql(
        f"SELECT tbl_name, name, sql FROM {master} WHERE type = 'trigger' ORDER BY 1, 2"
    ).all()
    out: dict[str, list[TriggerText]] = {}
    for table, name, sql in rows:
        head = _SQLITE_HEAD.search(sql or "")
        if table in names and head and head.group(2).upper() == "INSERT":
            timing = " ".join((head.group(1) or "BEFORE").upper().split())
            out.setdefault(table, []).append(TriggerText(name, timing, ("INSERT",), sql))
    return out


_IDENT = r'(?:"[^"]+"|`[^`]+`|\[[^\]]+\]|[A-Za-z_][\w$]*)'
_INSERT_INTO = re.compile(
    rf"\bINSERT\s+(?:OR\s+\w+\s+)?INTO\s+({_IDENT}(?:\s*\.\s*{_IDENT})?)", re.I
)
_ASSIGN = re.compile(rf"\bSET\s+NEW\s*\.\s*({_IDENT})\s*=|\bNEW\s*\.\s*({_IDENT})\s*:=", re.I)


def _bare(ident: str) -> str:
    ident = ident.strip()
    return ident[1:-1] if ident[:1] in '"`[' else ident


def trigger_effects(body: str) -> tuple[list[tuple[str | None, str]], list[str]]:
    """What a trigger's SQL does that generation must know: the tables it inserts into
    ((schema or None, name)) and the columns of the new row it assigns."""
    writes: list[tuple[str | None, str]] = []
    for target in _INSERT_INTO.findall(body):
        parts = [_bare(p) for p in re.split(r"\s*\.\s*", target)]
        found = (parts[0], parts[1]) if len(parts) == 2 else (None, parts[0])
        if found not in writes:
            writes.append(found)
    sets = list(dict.fromkeys(_bare(a or b) for a, b in _ASSIGN.findall(body)))
    return writes, sets


SPATIAL = re.compile(
    r"^\s*(GEOMETRY|POINT|LINESTRING|POLYGON|MULTIPOINT|MULTILINESTRING|MULTIPOLYGON"
    r"|GEOMETRYCOLLECTION)\b",
    re.I,
)
"""The spatial types of MySQL/MariaDB (and the OpenGIS names generally)."""

Geometry = tuple["tuple[float, float, float, float] | None", tuple[str, ...]]


def no_geometry(conn: sa.Connection, table: sa.TableClause, column: str) -> Geometry:
    """Where synth cannot measure spatial values."""
    return None, ()


def _outwards(low: float, high: float) -> tuple[float, float]:
    import math

    return math.floor(low * 100) / 100, math.ceil(high * 100) / 100


def mysql_geometry(conn: sa.Connection, table: sa.TableClause, column: str) -> Geometry:
    """MySQL/MariaDB: the box a spatial column's values lie in (points by ``ST_X``/``ST_Y``,
    other shapes by their envelope's corners), rounded outwards to 0.01 so that no value's
    coordinates reach the profile; and its shapes, most frequent first. One query each."""
    g = table.c[column]
    kind = sa.func.ST_GeometryType(g)
    ring = sa.func.ST_ExteriorRing(sa.func.ST_Envelope(g))

    def corner(n: int, axis: str) -> sa.ColumnElement[object]:
        on_point = getattr(sa.func, f"ST_{axis}")(g)
        return sa.case(
            (sa.func.upper(kind) == "POINT", on_point),
            else_=getattr(sa.func, f"ST_{axis}")(sa.func.ST_PointN(ring, n)),
        )

    box = conn.execute(
        sa.select(
            sa.func.min(corner(1, "X")),
            sa.func.min(corner(1, "Y")),
            sa.func.max(corner(3, "X")),
            sa.func.max(corner(3, "Y")),
        ).prefix_with("/* synth:reflect */")
    ).one()
    extent = None
    if None not in tuple(box):
        (x0, x1), (y0, y1) = _outwards(box[0], box[2]), _outwards(box[1], box[3])
        extent = (x0, y0, x1, y1)
    shapes = conn.execute(
        sa.select(sa.func.upper(kind), sa.func.count())
        .where(g.is_not(None))
        .group_by(sa.func.upper(kind))
        .order_by(sa.func.count().desc())
        .prefix_with("/* synth:reflect */")
    ).all()
    return extent, tuple(str(s) for s, _ in shapes)
