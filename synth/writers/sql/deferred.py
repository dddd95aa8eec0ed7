"""Foreign keys that close a cycle, in SQL files: written NULL, set after every table.

The plan breaks each foreign-key cycle at one edge (``TablePlan.deferred``). Its values
are generated like any others, but the parent's rows come later in the file. Where the
key may be NULL and the table has a primary key, the ``INSERT`` writes NULL and an
``UPDATE ... WHERE <primary key>`` per row sets the value after the last table, inside
the same transaction. Otherwise (a NOT NULL cycle, or no primary key to address a row)
the value is written inline and the file asks the dialect to let the check wait for
``COMMIT`` (:meth:`~synth.writers.sql.base.SqlDialect.defer_checks`). An inferred
relation is enforced nowhere, so it needs neither.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from synth.generator.plan import Plan, TablePlan
from synth.model import Column, ForeignKey
from synth.writers.sql.base import SqlDialect

__all__ = [
    "DEFERRED_FILE",
    "Deferred",
    "deferred_keys",
    "needs_deferred_checks",
    "update_statements",
]

DEFERRED_FILE = ".synth-deferred.sql"
"""Where a run gathers its UPDATE statements until the data file is closed."""


@dataclass(frozen=True)
class Deferred:
    """The keys of one table filled after every table, and those written inline."""

    later: tuple[ForeignKey, ...] = ()
    inline: tuple[ForeignKey, ...] = ()

    @property
    def columns(self) -> tuple[str, ...]:
        """The columns written NULL in the INSERT."""
        return tuple(c for fk in self.later for c in fk.columns)


def deferred_keys(plan: Plan, tp: TablePlan, written: set[str]) -> Deferred:
    """Which declared keys of ``tp`` close a cycle, and how each is filled."""
    later, inline = [], []
    for index in sorted(tp.deferred):
        fk = tp.table.foreign_keys[index]
        if fk.inferred or plan.get(fk.ref_table) is None or not set(fk.columns) <= written:
            continue
        nullable = all(tp.table.column(c).nullable for c in fk.columns)
        keyed = bool(tp.table.primary_key) and set(tp.table.primary_key) <= written
        (later if nullable and keyed else inline).append(fk)
    return Deferred(tuple(later), tuple(inline))


def needs_deferred_checks(plan: Plan) -> bool:
    """Whether any table writes a cycle's key inline (the file must defer checks)."""
    for tp in plan.tables:
        written = {c.name for c in tp.table.columns}
        if deferred_keys(plan, tp, written).inline:
            return True
    return False


def update_statements(
    dialect: SqlDialect, tp: TablePlan, keys: Deferred, columns: dict[str, Column]
) -> pl.Expr:
    """One ``UPDATE t SET c = v WHERE pk = k;`` line per row holding a value for a
    deferred key (empty text for the others), as a String expression over a chunk."""
    table = dialect.table_name(tp.table)
    where = [
        pl.concat_str(pl.lit(f"{dialect.quote(c)} = "), dialect.column_literals(columns[c]).expr)
        for c in tp.table.primary_key
    ]
    parts = []
    for fk in keys.later:
        sets = [
            pl.concat_str(
                pl.lit(f"{dialect.quote(c)} = "), dialect.column_literals(columns[c]).expr
            )
            for c in fk.columns
        ]
        line = pl.concat_str(
            pl.lit(f"UPDATE {table} SET "),
            pl.concat_str(sets, separator=", "),
            pl.lit(" WHERE "),
            pl.concat_str(where, separator=" AND "),
            pl.lit(";\n"),
        )
        present = pl.all_horizontal(pl.col(c).is_not_null() for c in fk.columns)
        parts.append(pl.when(present).then(line).otherwise(pl.lit("")))
    return pl.concat_str(parts)
