"""Column traits that would break a column's constraints are not injected into it.

A trait measured in production may still not fit every generated value: a leading
space breaks ``sku LIKE 'SKU-%'``, padding breaks ``char_length(code) = 3``, a made-up
string breaks a MySQL ``SET``. Where a column's frequent values carry the trait, the
injector uses those real values and nothing breaks; elsewhere the trait is tried on a few
valid values of the column (a fixed seed: the same answer every run, in ``synth show``
and ``synth validate`` too) and, if any comes out invalid, it is not injected into that
column. :func:`blocked_traits` says which, and why.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np
import polars as pl

from synth.generator.constraints import rule_holds
from synth.generator.inject import trait_label
from synth.internal import sql_predicates as sqlp
from synth.model import Column, Profile, Table, TraitStat
from synth.model.arrow import polars_dtype

__all__ = ["blocked_in", "blocked_traits", "trial_sampler"]

TRIAL_VALUES = 24
"""Values of the column a trait is tried on."""


def _validity(table: Table, col: Column, dialect: str | None) -> list[tuple[pl.Expr, str]]:
    """What a value of ``col`` alone must satisfy, each with how to name it."""
    dtype = polars_dtype(col)
    out: list[tuple[pl.Expr, str]] = []
    for check in table.checks:
        if check.columns != (col.name,):
            continue
        for rule in check.rules:
            out.append((rule_holds(rule, col, dtype), f"CHECK ({check.sql})"))
        if check.unenforced:
            tree = sqlp.parse(check.inlined or check.sql, dialect)
            value = col.name if check.name and check.name.startswith("domain ") else None
            expr = sqlp.evaluator(tree, {col.name: dtype}, value=value) if tree else None
            if expr is not None:
                out.append((sqlp.passes(expr), f"CHECK ({check.sql})"))
    if col.members is not None:
        members = pl.Series(list(col.members)).implode()
        subset = pl.col(col.name).str.split(",").list.eval(pl.element().is_in(members)).list.all()
        valid = (pl.col(col.name) == "") | subset
        out.append((valid.fill_null(True), f"its SET members ({', '.join(col.members)})"))
    return out


def _trial_values(
    col: Column, dtype: pl.DataType, sample: Callable[[Column, int], pl.Series]
) -> pl.Series:
    values = [f.value for f in col.stats.frequent]
    frequent = pl.Series(col.name, values).cast(dtype, strict=False).drop_nulls()
    made = sample(col, TRIAL_VALUES).cast(dtype, strict=False).drop_nulls()
    return pl.concat([frequent, made]).head(TRIAL_VALUES * 2)


def blocked_traits(
    table: Table,
    dialect: str | None,
    sample: Callable[[Column, int], pl.Series],
) -> dict[str, str]:
    """Trait label (``column:trait``) -> the constraint it would break, for the column
    traits of ``table`` that are not injected. ``sample(column, n)`` makes ``n`` values of
    a column as the generator would (the trial values)."""
    from synth.traits import get
    from synth.traits.base import ColumnTrait

    out: dict[str, str] = {}
    for col in table.columns:
        if not col.stats.traits:
            continue
        rules = _validity(table, col, dialect)
        if not rules:
            continue
        dtype = polars_dtype(col)
        values = _trial_values(col, dtype, sample)
        ok = pl.DataFrame([values]).select(pl.all_horizontal(e for e, _ in rules)).to_series()
        values = values.filter(ok)
        if values.is_empty():
            continue
        for stat in col.stats.traits:
            trait = get(stat.trait, where=f"{table.key}.{col.name}")
            if not isinstance(trait, ColumnTrait) or _carried(trait, col, stat, dtype):
                continue
            why = _breaks(trait, col, stat, values, rules)
            if why is not None:
                out[trait_label(stat, col.name)] = why
    return out


def _carried(trait: object, col: Column, stat: TraitStat, dtype: pl.DataType) -> bool:
    """Whether frequent values of the column carry the trait (the injector uses them)."""
    values = pl.Series(col.name, [f.value for f in col.stats.frequent]).cast(dtype, strict=False)
    if values.is_empty():
        return False
    found = pl.DataFrame([values]).select(
        trait.carriers(pl.col(col.name), col, stat).fill_null(False)  # type: ignore[attr-defined]
    )
    return bool(found.to_series().any())


def _breaks(
    trait: object,
    col: Column,
    stat: TraitStat,
    values: pl.Series,
    rules: list[tuple[pl.Expr, str]],
) -> str | None:
    rng = np.random.default_rng(20250101)
    try:
        injected = trait.inject(values, col, stat, rng).cast(values.dtype)  # type: ignore[attr-defined]
    except (pl.exceptions.PolarsError, ValueError, TypeError, OverflowError):
        return None
    frame = pl.DataFrame([injected.rename(col.name)])
    for expr, name in rules:
        held = frame.select(expr).to_series()
        if not held.all():
            return name
    return None


def trial_sampler(table: Table, as_of: dt.datetime) -> Callable[[Column, int], pl.Series]:
    """``sample(column, n)``: ``n`` non-NULL values of a column of ``table``, as the
    generator makes them, from a fixed seed."""
    from synth.generator.columns import ColumnGenerator
    from synth.generator.samplers import ColumnContext

    def sample(col: Column, n: int) -> pl.Series:
        nonnull = col.model_copy(update={"stats": col.stats.non_null(), "nullable": False})
        ctx = ColumnContext(f"{table.key}\x00trial", nonnull, 0, as_of, n)
        return ColumnGenerator(ctx, table.rows).sample(0, n, 0)

    return sample


def blocked_in(profile: Profile, table: Table) -> dict[str, str]:
    """:func:`blocked_traits` of a profiled table, as ``synth show`` and ``synth validate``
    ask (the generator asks the same)."""
    return blocked_traits(table, profile.source.dialect, trial_sampler(table, profile.source.as_of))
