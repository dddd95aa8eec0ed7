"""The constraints of a profiled table that generation must honour: its CHECKs (with the
conditions synth models out of them) and its INSERT triggers; and the base every frozen
profile type shares. See ``docs/constraints.md``."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict

__all__ = ["Check", "CheckOp", "CheckRule", "Frozen", "Scalar", "Trigger", "trigger_plan"]

Scalar = bool | int | float | str
"""A value as stored in a profile. Dates, times and timestamps are ISO-8601 strings,
decimals are numbers, UUIDs are strings, binary values are never stored."""


class Frozen(BaseModel):
    """The base of every profile type: immutable, no unknown keys."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


CheckOp = Literal["<", "<=", ">", ">=", "=", "<>"]


class CheckRule(Frozen):
    """One condition synth models out of a CHECK constraint; a constraint's rules all hold.

    - ``range``: ``column op value`` (``price >= 0``; ``BETWEEN`` is two rules);
    - ``compare``: ``column op other`` (``sell_end_date >= sell_start_date``);
    - ``length``: ``length(column) op value``, counted in ``unit``;
    - ``in``: ``column IN values``;
    - ``like``: ``column LIKE value`` (``%`` and ``_`` wildcards).

    Like SQL, a rule holds where a column it reads is NULL.
    """

    kind: Literal["range", "compare", "length", "in", "like"]
    column: str
    op: CheckOp | None = None
    value: Scalar | None = None
    """The bound (``range``), the length (``length``) or the pattern (``like``)."""
    other: str | None = None
    """The other column of a ``compare``."""
    values: tuple[Scalar, ...] = ()
    """The allowed values of an ``in`` rule."""
    unit: Literal["characters", "bytes"] | None = None
    """What a ``length`` rule counts (MySQL's ``LENGTH()`` counts bytes)."""


class Check(Frozen):
    """A CHECK constraint of the source table (or of a column's domain)."""

    sql: str
    """The constraint as the source database renders it (in its dialect)."""
    name: str | None = None
    inlined: str | None = None
    """The constraint with the SQL functions it calls replaced by their bodies (PostgreSQL
    ``LANGUAGE sql`` functions of one ``SELECT``): what synth models and evaluates."""
    columns: tuple[str, ...] = ()
    """The columns it reads."""
    rules: tuple[CheckRule, ...] = ()
    """What synth models of it; generated rows satisfy every rule."""
    unenforced: bool = False
    """Synth cannot model it (a regular expression, a function call, an implication):
    generated rows are checked against it before they are written where synth can
    evaluate it, and ``synth generate`` says how many still fail; elsewhere it is reported
    as not checked (see ``docs/constraints.md``)."""


class Trigger(Frozen):
    """A trigger of the source table: it runs when rows are inserted."""

    name: str
    timing: str
    """``BEFORE``, ``AFTER`` or ``INSTEAD OF``."""
    events: tuple[str, ...] = ()
    """``INSERT``, ``UPDATE``, ``DELETE``."""
    writes: tuple[str, ...] = ()
    """Tables (profile keys) its body inserts into, as far as synth can read them."""
    sets: tuple[str, ...] = ()
    """Columns of its own table it assigns (a ``BEFORE`` trigger's ``NEW.col := ...``)."""


def trigger_plan(
    fills: Mapping[str, Mapping[str, Sequence[str]]], can_disable: Callable[[str], bool]
) -> tuple[dict[str, list[str]], dict[str, str]]:
    """What a load does about triggers that insert into other loaded tables.

    ``fills``: table -> trigger name -> the other loaded tables it inserts into;
    ``can_disable(table)``: whether the load can turn that table's triggers off. Returns
    (table -> its triggers to turn off around its rows, table -> why its own rows are left
    out: the trigger that creates them where it cannot be turned off)."""
    off: dict[str, list[str]] = {}
    left_to_trigger: dict[str, str] = {}
    for table, triggers in fills.items():
        named = {name: [t for t in into if t != table] for name, into in triggers.items()}
        named = {name: into for name, into in named.items() if into}
        if not named:
            continue
        if can_disable(table):
            off[table] = list(named)
            continue
        for name, into in named.items():
            for target in into:
                left_to_trigger.setdefault(target, f"trigger {name} on {table} creates them")
    return off, left_to_trigger
