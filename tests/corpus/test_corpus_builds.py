"""Every corpus entry loads with its dialect's own client into a fresh database, and its
``corpus.yaml`` tells the truth about the data: row counts, relations (declared ones are
FOREIGN KEYs in the database, undeclared ones are not, and both hold in the data but for
the planted orphans), trap columns that reference nothing, and views that return rows."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa

from tests.corpus import ENTRIES, Entry, build, clients_available

SHAPES = {
    # shape id -> dialects that have it
    "partitioned": {"postgresql"},
    "undeclared_fk": {"postgresql", "mariadb", "sqlite"},
    "shared_pk": {"postgresql", "mariadb", "sqlite"},
    "fk_cycle": {"postgresql", "mariadb", "sqlite"},
    "cross_schema": {"postgresql"},
    "empty_parent": {"postgresql", "mariadb", "sqlite"},
    "composite_unique_datetime": {"postgresql", "mariadb", "sqlite"},
    "check_constraints": {"postgresql", "mariadb", "sqlite"},
    "charsets": {"mariadb"},
    "mysql_set": {"mariadb"},
    "spatial": {"mariadb"},
    "domain": {"postgresql"},
    "trigger": {"postgresql", "mariadb", "sqlite"},
    "decimal_nulls": {"postgresql", "mariadb", "sqlite"},
    "real_float32": {"postgresql"},
    "tsvector": {"postgresql"},
    "nan_inf": {"postgresql", "sqlite"},
    "views": {"postgresql", "mariadb", "sqlite"},
}
FIXTURE = {"postgresql": "postgres_url", "mariadb": "mysql_url", "sqlite": "sqlite_url"}
MARKS = {"postgresql": [pytest.mark.postgres], "mariadb": [pytest.mark.mysql], "sqlite": []}
MIN_ROWS, MAX_ROWS = 200, 5_000


def _params() -> list[Any]:
    return [pytest.param(e, id=e.name, marks=MARKS[e.dialect]) for e in ENTRIES]


# -- metadata alone -------------------------------------------------------------------------


def test_corpus_covers_every_shape_on_every_dialect_that_has_it() -> None:
    assert len(ENTRIES) >= 12
    per_dialect = {d: sum(e.dialect == d for e in ENTRIES) for d in FIXTURE}
    assert per_dialect["sqlite"] >= 3 and per_dialect["mariadb"] >= 4, per_dialect
    assert per_dialect["postgresql"] >= 5, per_dialect
    covered = {(d, s) for e in ENTRIES for s in e.metadata["shapes"] for d in [e.dialect]}
    missing = sorted((d, s) for s, ds in SHAPES.items() for d in ds if (d, s) not in covered)
    assert missing == [], f"shapes no entry covers: {missing}"


@pytest.mark.parametrize("entry", _params())
def test_metadata_is_well_formed(entry: Entry) -> None:
    meta = entry.metadata
    assert meta["dialect"] in FIXTURE
    assert entry.name.endswith("_" + meta["dialect"]), "folder is named <shape>_<dialect>"
    assert meta.get("description")
    for shape in meta["shapes"]:
        assert entry.dialect in SHAPES[shape], f"{shape} is not a {entry.dialect} shape"
    assert entry.schema_sql.is_file() and entry.seed_sql.is_file()
    assert "random()" not in entry.seed_sql.read_text(encoding="utf-8").lower()
    keys = set()
    for rel in entry.relations:
        assert set(rel) <= {
            "child",
            "columns",
            "parent",
            "parent_columns",
            "declared",
            "orphans",
            "declared_on",
        }, rel
        assert len(rel["columns"]) == len(rel["parent_columns"]) > 0, rel
        assert isinstance(rel["declared"], bool), rel
        key = (rel["child"], tuple(rel["columns"]), rel["parent"])
        assert key not in keys, f"listed twice: {rel}"
        keys.add(key)
    traps = {(t["table"], t["column"]) for t in entry.not_relations}
    assert not traps & {(r["child"], c) for r in entry.relations for c in r["columns"]}


# -- building ---------------------------------------------------------------------------------


def _split(name: str, default: str | None) -> tuple[str | None, str]:
    schema, _, table = name.rpartition(".")
    return (schema or default), table


def _qualified(schema: str | None, table: str, default: str | None) -> str:
    return table if schema in (None, default) else f"{schema}.{table}"


def _norm(value: Any) -> Any:
    if isinstance(value, str):
        return value.rstrip()  # CHAR(n) comes back padded on some drivers
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    return value


def _rows(
    conn: sa.Connection,
    name: str,
    columns: list[str],
    default: str | None,
    *,
    distinct: bool = False,
) -> list[tuple]:
    schema, table = _split(name, default)
    t = sa.table(table, *(sa.column(c) for c in columns), schema=schema)
    query = sa.select(*(t.c[c] for c in columns)).where(*(t.c[c].is_not(None) for c in columns))
    if distinct:
        query = query.distinct()
    return [tuple(_norm(v) for v in row) for row in conn.execute(query)]


def _count(conn: sa.Connection, name: str, default: str | None) -> int:
    schema, table = _split(name, default)
    t = sa.table(table, schema=schema)
    return conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()


@pytest.mark.filterwarnings("ignore:Did not recognize type:sqlalchemy.exc.SAWarning")
@pytest.mark.parametrize("entry", _params())
def test_entry_builds_and_metadata_holds(entry: Entry, request: pytest.FixtureRequest) -> None:
    if not clients_available()[entry.dialect]:
        pytest.skip(f"the {entry.dialect} command-line client is not installed")
    url = request.getfixturevalue(FIXTURE[entry.dialect])
    build(entry, url)

    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            _check(entry, conn)
    finally:
        engine.dispose()


def _check(entry: Entry, conn: sa.Connection) -> None:
    meta = entry.metadata
    insp = sa.inspect(conn)
    default = insp.default_schema_name
    schemas = [default, *(meta.get("schemas") or [])]
    partitions = {p: parent for parent, ps in (meta.get("partitions") or {}).items() for p in ps}
    tables = [_qualified(s, t, default) for s in schemas for t in insp.get_table_names(schema=s)]
    assert set(partitions) <= set(tables), "a listed partition does not exist"

    # 1. row counts: every table holds 200..5000 rows, but the ones meant to be empty
    empty = set(meta.get("empty_tables") or [])
    assert empty <= set(tables)
    counts = {t: _count(conn, t, default) for t in tables if t not in partitions}
    wrong = {
        t: n for t, n in counts.items() if (n != 0 if t in empty else not MIN_ROWS <= n <= MAX_ROWS)
    }
    assert wrong == {}, f"row counts off (empty: {sorted(empty)}): {wrong}"

    # 2. declared relations are exactly the database's FOREIGN KEYs
    fks: dict[str, set[tuple]] = {t: set() for t in tables}
    for name in tables:
        schema, table = _split(name, default)
        for fk in insp.get_foreign_keys(table, schema=schema):
            referred = _qualified(fk["referred_schema"] or default, fk["referred_table"], default)
            referred = partitions.get(referred, referred)  # FKs to a partitioned parent
            fks[name].add(
                (tuple(fk["constrained_columns"]), referred, tuple(fk["referred_columns"]))
            )
    listed = set()
    for rel in entry.relations:
        key = (tuple(rel["columns"]), rel["parent"], tuple(rel["parent_columns"]))
        child = rel["child"]
        assert child in tables and rel["parent"] in tables, rel
        on = [p for p, parent in partitions.items() if parent == child]
        if rel.get("declared_on") == "partitions":
            assert rel["declared"] and on, rel
            assert key not in fks[child], f"declared on the parent, not the partitions: {rel}"
            assert all(key in fks[p] for p in on), f"missing on some partition: {rel}"
        elif rel["declared"]:
            assert key in fks[child], f"no such FOREIGN KEY: {rel}"
        else:
            assert all(key not in fks[t] for t in [child, *on]), f"a FOREIGN KEY exists: {rel}"
        listed.add((child, *key))
    in_db = {(partitions.get(t, t), *k) for t, ks in fks.items() for k in ks}
    assert in_db <= listed, f"FOREIGN KEYs missing from relations: {sorted(in_db - listed)}"

    # 3. every relation holds in the data, but for the planted orphan rows
    for rel in entry.relations:
        keys = set(_rows(conn, rel["parent"], rel["parent_columns"], default, distinct=True))
        children = _rows(conn, rel["child"], rel["columns"], default)
        orphans = sum(row not in keys for row in children)
        assert orphans == rel.get("orphans", 0), f"{orphans} orphan rows: {rel}"
        if rel["parent"] not in empty and rel["child"] not in empty:
            assert children, f"no child row references the parent: {rel}"

    # 4. trap columns are filled and are no reference to any table's single-column key
    candidate_keys = []
    for name in tables:
        schema, table = _split(name, default)
        pk = insp.get_pk_constraint(table, schema=schema)["constrained_columns"]
        uniques = [u["column_names"] for u in insp.get_unique_constraints(table, schema=schema)]
        uniques += [
            i["column_names"] for i in insp.get_indexes(table, schema=schema) if i["unique"]
        ]
        for cols in [pk, *uniques]:
            if len(cols) == 1 and cols[0] is not None:
                candidate_keys.append((partitions.get(name, name), cols[0]))
    key_values = {}
    for trap in entry.not_relations:
        table, column = trap["table"], trap["column"]
        values = {str(v) for (v,) in _rows(conn, table, [column], default, distinct=True)}
        assert values, f"trap column holds no value: {trap}"
        for key in set(candidate_keys) - {(table, column)}:
            if key not in key_values:
                key_values[key] = {
                    str(v) for (v,) in _rows(conn, key[0], [key[1]], default, distinct=True)
                }
            found = len(values & key_values[key])
            assert found * 2 < len(values), (
                f"trap {table}.{column}: {found}/{len(values)} values are keys of {key}"
            )

    # 5. views return rows
    for view in [*(meta.get("views") or []), *(meta.get("materialized_views") or [])]:
        assert _count(conn, view, default) > 0, f"view {view} is empty"


@pytest.mark.filterwarnings("ignore:Did not recognize type:sqlalchemy.exc.SAWarning")
@pytest.mark.parametrize("entry", _params())
def test_schema_alone_builds_empty(entry: Entry, request: pytest.FixtureRequest) -> None:
    """``data=False`` loads the DDL only: every table exists and is empty, ready for
    generated fixtures."""
    if not clients_available()[entry.dialect]:
        pytest.skip(f"the {entry.dialect} command-line client is not installed")
    url = request.getfixturevalue(FIXTURE[entry.dialect])
    build(entry, url, data=False)
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            insp = sa.inspect(conn)
            default = insp.default_schema_name
            schemas = [default, *(entry.metadata.get("schemas") or [])]
            tables = [
                _qualified(s, t, default) for s in schemas for t in insp.get_table_names(schema=s)
            ]
            named = {r[k] for r in entry.relations for k in ("child", "parent")}
            assert named <= set(tables), f"tables missing: {sorted(named - set(tables))}"
            full = {t: n for t in tables if (n := _count(conn, t, default))}
            assert full == {}, f"schema.sql inserted rows: {full}"
    finally:
        engine.dispose()
