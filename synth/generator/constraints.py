"""Generated rows that satisfy the source's CHECK constraints and character sets.

Columns are generated one by one and traits rewrite them, so a chunk can break a
constraint that production never breaks: a rating of 6, a ``sell_end_date`` before its
``sell_start_date``, an emoji in a ``utf8mb3`` column. :class:`ConstraintEnforcer` repairs
each chunk after its traits, changing as few values as it can (see
``docs/constraints.md``):

1. one-column rules (range, length, IN, LIKE): a violating value takes the value of a
   random row that satisfies them (keys, which must stay distinct, are mended instead:
   clipped, cut or padded, prefixed);
2. comparisons between columns: the left column's values are re-paired with the right
   column's in sorted order, among the violating rows and as few others as it takes, so
   its values (and the traits they carry) stay the same, only their rows change; rows
   still failing borrow right-hand values from rows whose left value is NULL (see
   :mod:`synth.traits.pairs`);
3. every CHECK synth can evaluate (modelled or ``unenforced``) is evaluated on the chunk;
   rows still failing an unenforced one take the values of its columns from a passing
   row where none of them is a key; what is left is counted and reported once.

Text a column's character set cannot hold becomes ``?``, as the database would store it.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from synth.errors import SynthWarning
from synth.internal import sql_predicates as sqlp
from synth.internal.charsets import outside
from synth.internal.regex_fit import fit
from synth.internal.streams import stream
from synth.model import Check, CheckRule, Column, LogicalType, Table
from synth.traits.pairs import (
    COMPARE,
    fraction_digits,
    lend,
    nearest,
    nudge,
    repair,
    swap,
)

__all__ = ["ConstraintEnforcer", "rule_holds"]

_FLIP = {"=": "=", "<>": "<>", ">": "<", ">=": "<=", "<": ">", "<=": ">="}
_MAX_PASSES = 3


def _bound(col: Column, dtype: pl.DataType, value: object) -> pl.Expr:
    """A rule's literal as a value of the column's dtype."""
    if isinstance(value, str) and dtype.is_temporal():
        return pl.lit(value).str.strptime(dtype, strict=False)  # type: ignore[arg-type]
    if dtype.is_numeric() or isinstance(dtype, pl.Decimal):
        return pl.lit(value).cast(pl.Float64, strict=False)
    return pl.lit(value)


def rule_holds(rule: CheckRule, col: Column, dtype: pl.DataType) -> pl.Expr:
    """Where one rule holds (NULL reads as holding), as a polars expression."""
    e = pl.col(rule.column)
    if rule.kind == "range":
        target = e.cast(pl.Float64) if isinstance(dtype, pl.Decimal) else e
        out = COMPARE[rule.op or "="](target, _bound(col, dtype, rule.value))
    elif rule.kind == "compare":
        out = COMPARE[rule.op or "="](e, pl.col(rule.other or ""))
    elif rule.kind == "length":
        size = e.cast(pl.String)
        size = size.str.len_bytes() if rule.unit == "bytes" else size.str.len_chars()
        out = COMPARE[rule.op or "="](size, pl.lit(rule.value))
    elif rule.kind == "in":
        out = e.cast(pl.String).is_in(pl.Series([str(v) for v in rule.values]).implode())
    else:  # like
        out = e.cast(pl.String).str.contains(sqlp.like_regex(str(rule.value)))
    return out.fill_null(True)


@dataclass
class _Report:
    failing: dict[str, int] = field(default_factory=dict)
    """CHECK text -> rows still failing it."""
    unchecked: set[str] = field(default_factory=set)
    """CHECKs synth cannot evaluate."""


class ConstraintEnforcer:
    """The CHECK constraints and character sets of one table, enforced chunk by chunk."""

    def __init__(self, table: Table, columns: Sequence[Column], dialect: str | None) -> None:
        self.table = table
        self.columns = {c.name: c for c in columns}
        self.dialect = dialect
        self.keys = set(table.primary_key)
        self.keys |= {c for group in table.unique for c in group}
        self.keys |= {c for fk in table.foreign_keys for c in fk.columns}
        written = set(self.columns)
        self.checks = [c for c in table.checks if set(c.columns) <= written]
        self.single = [
            r for c in self.checks for r in c.rules if r.kind != "compare" and r.column in written
        ]
        self.pairs = [
            r
            for c in self.checks
            for r in c.rules
            if r.kind == "compare" and {r.column, r.other} <= written
        ]
        self.charsets = {
            name: pattern
            for name, col in self.columns.items()
            if col.type is LogicalType.STRING and (pattern := outside(col.charset)) is not None
        }
        self.report = _Report()
        self._evaluators: dict[str, pl.Expr | None] = {}
        self.regexes: dict[str, list[str]] = {}
        """Column -> the regular expressions its unenforced one-column CHECKs match it to."""
        for check in self.checks:
            if check.unenforced and len(check.columns) == 1:
                found = sqlp.regexes(check.inlined or check.sql, dialect)
                self.regexes.setdefault(check.columns[0], []).extend(found)

    @property
    def active(self) -> bool:
        return bool(self.checks or self.charsets)

    def prepare(self, frame: pl.DataFrame, chunk: int, seed: int) -> pl.DataFrame:
        """``frame`` before its traits: one-column rules mended, so that the dirt injected
        next (tried not to break them) lands on valid values and stays."""
        if not self.single or frame.height == 0:
            return frame
        return self._single(frame, chunk, seed)

    def apply(self, frame: pl.DataFrame, chunk: int, seed: int) -> pl.DataFrame:
        """``frame`` with its rows mended to satisfy the table's constraints."""
        if not self.active or frame.height == 0:
            return frame
        if self.charsets:
            frame = frame.with_columns(
                pl.col(name).str.replace_all(pattern, "?")
                for name, pattern in self.charsets.items()
            )
        for _ in range(_MAX_PASSES):
            frame = self._single(frame, chunk, seed)
            frame, moved = self._pairs(frame, chunk, seed)
            if not moved:
                break
        return self._evaluate(frame, chunk, seed)

    # -- one-column rules ----------------------------------------------------------------

    def mend_key(self, series: pl.Series) -> pl.Series:
        """A key column's values made to satisfy its one-column rules, each value by itself
        (so that a child reading the parent's keys sees the same values)."""
        rules = [r for r in self.single if r.column == series.name]
        if series.is_empty():
            return series
        if rules:
            rng = np.random.default_rng(0)  # only an IN list draws, and keys rarely have one
            series = self._mend(series, rules, self.columns[series.name], rng)
        return self._fit(series)

    def _fit(self, series: pl.Series, rows: np.ndarray | None = None) -> pl.Series:
        """Text bent to match the column's CHECK regular expressions (``rows`` only)."""
        patterns = self.regexes.get(series.name)
        if not patterns or series.dtype != pl.String:
            return series
        rows = np.arange(len(series)) if rows is None else rows
        picked = series.gather(rows)
        try:  # only the values that do not match yet (polars' regex engine, all at once)
            matched = pl.all_horizontal(picked.str.contains(p) for p in patterns)
            off = pl.select(matched.fill_null(True)).to_series().to_numpy()
            rows, picked = rows[~off], picked.filter(~off)
        except pl.exceptions.PolarsError:
            pass  # a pattern polars cannot compile: Python's regex decides, value by value
        if picked.is_empty():
            return series

        def bend(text: str | None) -> str | None:
            for pattern in patterns:
                if text is not None:
                    text = fit(text, pattern) or text
            return text

        bent = picked.map_elements(bend, return_dtype=pl.String, skip_nulls=True)
        return series.clone().scatter(rows, bent)

    def _single(self, frame: pl.DataFrame, chunk: int, seed: int) -> pl.DataFrame:
        by_column: dict[str, list[CheckRule]] = {}
        for rule in self.single:
            by_column.setdefault(rule.column, []).append(rule)
        for name, rules in by_column.items():
            col, dtype = self.columns[name], frame.schema[name]
            ok = frame.select(
                pl.all_horizontal(rule_holds(r, col, dtype) for r in rules)
            ).to_series()
            bad = np.flatnonzero(~ok.to_numpy())
            if len(bad) == 0:
                continue
            rng = stream(seed, self.table.key, name, purpose="check:single", chunk=chunk)
            series = frame.get_column(name)
            good = np.flatnonzero(ok.to_numpy() & series.is_not_null().to_numpy())
            if name not in self.keys and len(good):
                donors = series.gather(good[rng.integers(0, len(good), len(bad))])
                series = series.scatter(bad, donors)
            else:
                series = series.scatter(bad, self._mend(series.gather(bad), rules, col, rng))
            frame = frame.with_columns(series)
        return frame

    def _mend(
        self, values: pl.Series, rules: list[CheckRule], col: Column, rng: np.random.Generator
    ) -> pl.Series:
        """Values changed, each rule in turn, until they satisfy the rules (keys: kept
        distinct where the rule allows)."""
        dtype = values.dtype
        for rule in rules:
            frame = pl.DataFrame([values])
            holds = frame.select(rule_holds(rule, col, dtype)).to_series()
            if holds.all():
                continue
            fixed = _mend_rule(values, rule, col, rng)
            values = values.zip_with(holds, fixed.cast(dtype, strict=False))
        return values

    # -- comparisons between columns -----------------------------------------------------

    def _pairs(self, frame: pl.DataFrame, chunk: int, seed: int) -> tuple[pl.DataFrame, bool]:
        moved = False
        for rule in self.pairs:
            left, right, op = rule.column, rule.other or "", rule.op or "="
            if left in self.keys and right not in self.keys:
                left, right, op = right, left, _FLIP[op]
            both = frame.select(pl.col(left).is_not_null() & pl.col(right).is_not_null())
            a = frame.get_column(left)
            b = frame.get_column(right).cast(a.dtype, strict=False)
            a, b = self._stored(a, b, op)
            holds = pl.DataFrame([a, b.rename("__b")]).select(
                COMPARE[op](pl.col(left), pl.col("__b")).fill_null(True)
            )
            bad = np.flatnonzero(~holds.to_series().to_numpy() & both.to_series().to_numpy())
            if len(bad) == 0:
                continue
            moved = True
            rng = stream(seed, self.table.key, left, purpose=f"check:pair:{right}", chunk=chunk)
            col = self.columns[left]
            if op in ("=", "<>") or left in self.keys:
                a = a.scatter(bad, nudge(b.gather(bad), op, col, a.dtype, self.dialect))
            else:
                rows = np.flatnonzero(both.to_series().to_numpy())
                a, bad = repair(a, b, op, rows, bad, rng)
                if len(bad) and right not in self.keys:
                    # the rows holding both take the right values of rows without a left
                    # one (products still sold have no end date): both columns keep them
                    frame, bad = lend(frame, a, b, right, op, bad)
                    b = frame.get_column(right).cast(a.dtype, strict=False)
                    a, b = self._stored(a.rename(left), b, op)
                if len(bad):
                    near = nearest(a.gather(bad), b.gather(bad), op, col, a.dtype, self.dialect)
                    a = a.scatter(bad, near)
            frame = frame.with_columns(a.rename(left))
        return frame, moved

    def _stored(self, a: pl.Series, b: pl.Series, op: str) -> tuple[pl.Series, pl.Series]:
        """Datetimes as the column stores them: MySQL's ``DATETIME`` keeps whole seconds,
        so ``a`` is cut to them and compared with ``b`` rounded away from it."""
        col = self.columns[a.name]
        if not isinstance(a.dtype, pl.Datetime):
            return a, b
        digits = fraction_digits(col, self.dialect)
        if digits >= 6:
            return a, b
        every = f"{10 ** (6 - digits)}us"
        a = a.dt.truncate(every)
        floor = b.dt.truncate(every)
        if op in (">", ">="):  # b rounded up
            up = pl.select(pl.lit(floor) + pl.duration(microseconds=10 ** (6 - digits)))
            b = floor.zip_with(floor == b, up.to_series().cast(b.dtype))
        else:
            b = floor
        return a, b

    # -- the whole constraints -----------------------------------------------------------

    def _evaluator(self, check: Check, schema: pl.Schema) -> pl.Expr | None:
        if check.sql not in self._evaluators:
            tree = sqlp.parse(check.inlined or check.sql, self.dialect)
            value = check.columns[0] if check.name and check.name.startswith("domain ") else None
            found = sqlp.evaluator(tree, schema, value=value) if tree is not None else None
            self._evaluators[check.sql] = found
            if found is None:
                self.report.unchecked.add(check.sql)
        return self._evaluators[check.sql]

    def _evaluate(self, frame: pl.DataFrame, chunk: int, seed: int) -> pl.DataFrame:
        for check in self.checks:
            expr = self._evaluator(check, frame.schema)
            if expr is None:
                continue
            try:
                ok = frame.select(sqlp.passes(expr)).to_series().to_numpy()
            except pl.exceptions.PolarsError:
                self.report.unchecked.add(check.sql)
                continue
            bad = np.flatnonzero(~ok)
            if len(bad) and len(check.columns) == 1 and check.columns[0] in self.regexes:
                name = check.columns[0]
                frame = frame.with_columns(self._fit(frame.get_column(name), bad))
                ok = frame.select(sqlp.passes(expr)).to_series().to_numpy()
                bad = np.flatnonzero(~ok)
            if len(bad) and check.unenforced and not set(check.columns) & self.keys:
                name = ",".join(check.columns)
                rng = stream(seed, self.table.key, name, purpose="check:rows", chunk=chunk)
                for column in reversed(check.columns):  # swaps keep every column's values
                    frame, bad = swap(frame, expr, column, bad, rng)
                good = np.flatnonzero(frame.select(sqlp.passes(expr)).to_series().to_numpy())
                if len(bad) and len(good):  # the check's columns, together, from passing rows
                    donors = good[rng.integers(0, len(good), len(bad))]
                    frame = frame.with_columns(
                        frame.get_column(c).scatter(bad, frame.get_column(c).gather(donors))
                        for c in check.columns
                    )
                    ok = frame.select(sqlp.passes(expr)).to_series().to_numpy()
                    bad = np.flatnonzero(~ok)
            if len(bad):
                self.report.failing[check.sql] = self.report.failing.get(check.sql, 0) + len(bad)
        return frame

    def warn(self) -> None:
        """Say once, after the table, what synth could not make hold."""
        for sql, n in self.report.failing.items():
            warnings.warn(
                f"{self.table.key}: {n:,} generated rows fail CHECK ({sql}), which synth "
                "cannot make hold; the database will reject them: edit the profile's values "
                "or drop the constraint in the test database",
                SynthWarning,
                stacklevel=3,
            )
        for sql in sorted(self.report.unchecked):
            warnings.warn(
                f"{self.table.key}: CHECK ({sql}) is unenforced and synth cannot evaluate it; "
                "generated rows were not checked against it, the database may reject some",
                SynthWarning,
                stacklevel=3,
            )


def _mend_rule(
    values: pl.Series, rule: CheckRule, col: Column, rng: np.random.Generator
) -> pl.Series:
    """``values`` (all failing ``rule``) changed to satisfy it."""
    dtype = values.dtype
    n = len(values)
    if rule.kind == "in":
        allowed = pl.Series([str(v) for v in rule.values]).cast(dtype, strict=False)
        return allowed.gather(rng.integers(0, len(allowed), n))
    if rule.kind == "range":
        bound = pl.select(_bound(col, dtype, rule.value).cast(dtype, strict=False)).to_series()
        if rule.op in ("<>",) and dtype == pl.String:
            return values + "x"
        return nudge(pl.Series([bound[0]] * n, dtype=dtype), rule.op or "=", col, dtype)
    text = values.cast(pl.String).fill_null("")
    if rule.kind == "length":
        size = int(rule.value or 0)
        if rule.op in ("<", "<="):
            keep = size - (rule.op == "<")
            return text.str.slice(-max(keep, 0)) if keep > 0 else text.str.slice(0, 0)
        want = size + (rule.op == ">")
        if rule.op in ("=", ">=", ">"):  # keep the end (a key's distinct code), pad the start
            return text.str.slice(-want).str.pad_start(want, "x")
        return text + "x"
    # like: the pattern's fixed characters around the value's own
    return _like_value(text, str(rule.value))


def _like_value(text: pl.Series, pattern: str) -> pl.Series:
    """Values matching a LIKE pattern, as long as they were where they can be: its fixed
    characters are written as they are, each ``_`` takes one of the value's characters and
    the first ``%`` the rest of the value's end (a key's distinct code), the others none."""
    fixed = sum(1 for ch in pattern if ch != "%")
    value = pl.lit(text)
    parts: list[pl.Expr] = []
    used = False
    position = 0
    for ch in pattern:
        if ch == "%":
            if not used:
                keep = pl.max_horizontal(value.str.len_chars() - fixed, pl.lit(0))
                parts.append(value.str.tail(keep))
                used = True
        elif ch == "_":
            parts.append(value.str.slice(position, 1).str.pad_end(1, "x"))
            position += 1
        else:
            parts.append(pl.lit(ch))
    return pl.select(pl.concat_str(parts)).to_series().rename(text.name)
