"""Generating one table chunk by chunk, and the per-run state shared by its tables."""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Sequence

import numpy as np
import polars as pl
import pyarrow as pa

from synth.errors import SynthWarning
from synth.generator.columns import ColumnGenerator, null_mask, with_nulls
from synth.generator.constraints import ConstraintEnforcer
from synth.generator.inject import TraitInjector
from synth.generator.keys import FkRole, Layout, Role, UniqueRole, assign_roles, parent_index
from synth.generator.plan import Plan, TablePlan
from synth.generator.ranks import ranked_values
from synth.generator.samplers import ColumnContext, sampler_for
from synth.internal.streams import affine_permutation, chunk_ranges, stream
from synth.model import Column, ForeignKey, LogicalType
from synth.model.arrow import polars_dtype, written
from synth.traits.base import InjectContext, RunMemo

__all__ = ["Run", "TableGenerator", "output_columns"]


def output_columns(tp: TablePlan) -> list[Column]:
    """The columns written for a table: all but NOT NULL columns of an opaque type and the
    columns the database computes itself (generated columns, set by a trigger)."""
    return [c for c in tp.table.columns if written(c)]


class Run:
    """One generation run: the plan, and parent key values already computed."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.as_of = plan.profile.source.as_of
        self._tables: dict[str, TableGenerator] = {}
        self._keys: dict[tuple[str, tuple[str, ...]], pl.DataFrame] = {}
        self.memo: RunMemo = {}
        """What traits remember across this run's tables (see :data:`RunMemo`)."""
        self._prepared: set[str] = set()
        self.materialized: set[tuple[str, tuple[str, ...]]] = set()
        """(table, key columns) whose every row this run made and holds: the parents a
        child could not draw keys from row by row."""

    def prepare(self, key: str) -> None:
        """Prepare the traits of every table up to ``key`` in plan order (each once): what
        a table's chunks read from its parents' traits is then in the memo, whichever
        chunks this process makes (see :meth:`TraitInjector.prepare`)."""
        for tp in self.plan.tables:
            if tp.key not in self._prepared:
                self._prepared.add(tp.key)
                gen = self.table(tp.key)
                gen.injector.prepare(gen.context(0, 0))
            if tp.key == key:
                return

    def table(self, key: str) -> TableGenerator:
        if key not in self._tables:
            tp = self.plan.get(key)
            if tp is None:
                raise KeyError(key)  # a table not generated in this run
            self._tables[key] = TableGenerator(self, tp)
        return self._tables[key]

    def keys_at(self, key: str, columns: Sequence[str], rows: np.ndarray) -> pl.DataFrame | None:
        """``columns`` of table ``key`` at its rows ``rows``, computed for those rows alone
        (an integer key is a function of its row: see :meth:`TableGenerator.key_at`); None
        where a column's values depend on other rows (then :meth:`key_values`)."""
        gen = self.table(key)
        out = []
        for name in columns:
            values = gen.key_at(name, rows)
            if values is None:
                return None
            out.append(values)
        return pl.DataFrame(out)

    def key_values(self, key: str, columns: tuple[str, ...]) -> pl.DataFrame:
        """All rows of ``columns`` of table ``key``, made without its other columns (and
        kept for the run: see :attr:`materialized`)."""
        cache_key = (key, columns)
        self.materialized.add(cache_key)
        if cache_key not in self._keys:
            gen = self.table(key)
            parts = [
                pl.DataFrame([gen.column(c, start, stop, chunk) for c in columns])
                for chunk, start, stop in chunk_ranges(gen.tp.rows)
            ]
            frame = (
                pl.concat(parts)
                if parts
                else pl.DataFrame(
                    [pl.Series(c, [], dtype=polars_dtype(gen.tp.table.column(c))) for c in columns]
                )
            )
            self._keys[cache_key] = frame
        return self._keys[cache_key]


class TableGenerator:
    """Makes the chunks of one table; any column can be made alone."""

    def __init__(self, run: Run, tp: TablePlan) -> None:
        self.run = run
        self.tp = tp
        self.roles: dict[str, Role]
        self.layout: Layout | None
        self.roles, self.layout = assign_roles(run.plan, tp)
        self.columns = output_columns(tp)
        for col in tp.table.columns:
            plain_tsvector = col.type is LogicalType.STRING and col.sql_type.upper() == "TSVECTOR"
            if col.derived is None and plain_tsvector:
                warnings.warn(
                    f"{tp.key}.{col.name}: the schema says nothing of what this tsvector is "
                    "made from (no generated expression, no trigger); generated as words "
                    "shaped like the profiled text, which PostgreSQL reads as lexemes",
                    SynthWarning,
                    stacklevel=2,
                )
            if col.type is LogicalType.OPAQUE and not col.nullable and col.derived is None:
                warnings.warn(
                    f"{tp.key}.{col.name}: NOT NULL column of type {col.sql_type!r} cannot be "
                    "generated and is left out of the fixtures; give it a database default "
                    "or a supported type",
                    SynthWarning,
                    stacklevel=2,
                )
        self._free: dict[str, ColumnGenerator] = {}
        from synth.generator.blocked import blocked_in

        self.blocked = blocked_in(run.plan.profile, tp.table)
        """Trait label -> the constraint it would break: not injected (see ``blocked``)."""
        self.injector = TraitInjector(
            tp.table,
            [c.name for c in self.columns],
            run.memo,
            tp.referenced,
            skip=set(self.blocked),
        )
        self.enforcer = ConstraintEnforcer(tp.table, self.columns, run.plan.profile.source.dialect)

    def column_context(self, col: Column) -> ColumnContext:
        plan = self.run.plan
        return ColumnContext(self.tp.key, col, plan.seed, self.run.as_of, self.tp.rows)

    def context(self, chunk: int, start: int) -> InjectContext:
        """What the traits of this table know while injecting into chunk ``chunk``."""
        plan = self.run.plan
        return InjectContext(
            table=self.tp.key,
            rows=self.tp.rows,
            chunk=chunk,
            start=start,
            seed=plan.seed,
            as_of=self.run.as_of,
            min_rows=plan.min_trait_rows,
            parent_values=lambda key, cols: self.run.key_values(key, tuple(cols)),
            sample=lambda col, n, purpose: self._sample_with(col, n, purpose, chunk),
            memo=self.run.memo,
        )

    def _generator(self, name: str) -> ColumnGenerator:
        if name not in self._free:
            col = self._stats_source(self.tp.table.column(name))
            self._free[name] = ColumnGenerator(self.column_context(col), self.tp.table.rows)
        return self._free[name]

    def _stats_source(self, col: Column) -> Column:
        """A column of a foreign key to a table not generated: its own statistics, or,
        without them, the referenced column's (keeping its own NULL fraction)."""
        if col.stats.values is not None or col.stats.frequent or col.stats.lengths is not None:
            return col
        profile = self.run.plan.profile
        for fk in self.tp.table.foreign_keys:
            if col.name not in fk.columns or fk.ref_table not in {t.key for t in profile.tables}:
                continue
            ref = profile.table(fk.ref_table).column(fk.ref_columns[fk.columns.index(col.name)])
            if ref.type is col.type:
                stats = ref.stats.model_copy(update={"null_fraction": col.stats.null_fraction})
                return col.model_copy(update={"stats": stats})
        return col

    def key_at(self, name: str, rows: np.ndarray) -> pl.Series | None:
        """Primary-key column ``name`` at rows ``rows``, computed for those rows alone: made
        from the row numbers by a sampler whose values depend on the code alone (integers),
        or, for a key shared with a parent, the parent's key at the row this row took. None
        where the values depend on other rows."""
        role = self.roles.get(name)
        col = self.tp.table.column(name)
        if name not in self.tp.table.primary_key:
            return None
        if isinstance(role, UniqueRole) and role.code == "row":
            sampler = sampler_for(col)
            if not sampler.pure_unique:
                return None
            ctx = self.column_context(col)
            values = sampler.unique(ctx, rows.astype(np.int64), stream(ctx.seed, ctx.table, name))
            return self.enforcer.mend_key(values.rename(name).cast(ctx.dtype))
        if isinstance(role, FkRole) and role.mode == "perm":
            parent = self.run.plan.get(role.fk.ref_table)
            parents = parent.rows if parent is not None else 0
            if parents == 0 or (len(rows) and int(rows.max()) >= parents):
                return None
            first = role.fk.columns[0]
            a, b = affine_permutation(self.run.plan.seed, self.tp.key, first, "perm", parents)
            ref = role.fk.ref_columns[role.fk.columns.index(name)]
            got = self.run.keys_at(role.fk.ref_table, (ref,), (a * rows + b) % parents)
            if got is None:
                return None
            return got.to_series().cast(polars_dtype(col), strict=False).rename(name)
        return None

    def _fk_frame(self, role: FkRole, start: int, stop: int, chunk: int) -> pl.DataFrame:
        fk: ForeignKey = role.fk
        table = self.tp.table
        parent = self.run.plan.get(fk.ref_table)
        parents = parent.rows if parent is not None else 0
        keys = None
        empty = np.zeros(0, dtype=np.int64)
        pure = (
            parents > 0
            and role.mode != "null"
            and self.run.keys_at(fk.ref_table, fk.ref_columns, empty) is not None
        )
        if pure:  # the parents' keys are computed for the rows drawn, never held whole
            idx, nulls = parent_index(
                self.run.plan, self.tp, role, self.layout, parents, start, stop, chunk
            )
            picked = self.run.keys_at(fk.ref_table, fk.ref_columns, idx)
            assert picked is not None
            mask = pl.Series(nulls) if nulls is not None else None
            return pl.DataFrame(
                [
                    with_nulls(
                        picked.get_column(ref).cast(polars_dtype(table.column(c)), strict=False),
                        mask.to_numpy() if mask is not None else None,
                    ).rename(c)
                    for c, ref in zip(fk.columns, fk.ref_columns, strict=True)
                ]
            )
        if parents > 0 and role.mode != "null":
            keys = self.run.key_values(fk.ref_table, fk.ref_columns)
            if role.mode in ("random", "perm") and keys.null_count().sum_horizontal().item():
                keys = keys.drop_nulls()  # a NULL parent key is no row to point at
                parents = keys.height
        idx, nulls = parent_index(
            self.run.plan, self.tp, role, self.layout, parents, start, stop, chunk
        )
        if keys is None or parents == 0:
            return pl.DataFrame(
                [
                    pl.Series(c, [None] * (stop - start), dtype=polars_dtype(table.column(c)))
                    for c in fk.columns
                ]
            )
        arrow_idx = pa.array(idx, mask=nulls) if nulls is not None else pa.array(idx)
        picked = keys.gather(pl.Series(arrow_idx))
        return pl.DataFrame(
            [
                picked.get_column(ref).cast(polars_dtype(table.column(c)), strict=False).rename(c)
                for c, ref in zip(fk.columns, fk.ref_columns, strict=True)
            ]
        )

    def column(
        self,
        name: str,
        start: int,
        stop: int,
        chunk: int,
        fk_cache: dict[ForeignKey, pl.DataFrame] | None = None,
    ) -> pl.Series:
        """Rows ``start..stop`` (chunk ``chunk``) of column ``name``."""
        role = self.roles.get(name)
        col = self.tp.table.column(name)
        if isinstance(role, FkRole):
            cache = fk_cache if fk_cache is not None else {}
            if role.fk not in cache:
                cache[role.fk] = self._fk_frame(role, start, stop, chunk)
            return cache[role.fk].get_column(name)
        if isinstance(role, UniqueRole):
            ctx = self.column_context(col)
            sampler = sampler_for(col)
            values = None
            if role.code == "row":
                codes = np.arange(start, stop, dtype=np.int64)
            else:
                assert self.layout is not None
                group, within = self.layout.split(start, stop)
                codes = group if role.code == "group" else within
                if role.code == "within":  # distinct in its group, in its own distribution
                    widths = self.layout.widths(group)
                    values = ranked_values(ctx, sampler, group, within, widths)
            if values is None:
                rng = stream(ctx.seed, ctx.table, col.name, chunk=chunk)
                values = sampler.unique(ctx, codes, rng)
            values = self.enforcer.mend_key(values.rename(name).cast(ctx.dtype))
            is_pk = name in self.tp.table.primary_key
            return values if is_pk else with_nulls(values, null_mask(ctx, chunk, stop - start))
        return self._generator(name).sample(start, stop, chunk)

    def low_cardinality(self) -> list[str]:
        """Written columns with few distinct values (frequent values, a domain or a pool)."""
        return [
            c.name
            for c in self.columns
            if c.name not in self.roles and self._generator(c.name).low_cardinality
        ]

    def chunk(self, chunk: int, start: int, stop: int) -> pl.DataFrame:
        """All written columns of rows ``start..stop``."""
        self.run.prepare(self.tp.key)
        cache: dict[ForeignKey, pl.DataFrame] = {}
        frame = pl.DataFrame([self.column(c.name, start, stop, chunk, cache) for c in self.columns])
        seed = self.run.plan.seed
        # one-column CHECKs before the traits, which were tried not to break them (blocked)
        frame = self.enforcer.prepare(frame, chunk, seed)
        frame = self.injector.apply(frame, self.context(chunk, start))
        return self.enforcer.apply(frame, chunk, seed)

    def _sample_with(self, col: Column, n: int, purpose: str, chunk: int) -> pl.Series:
        """``n`` values of ``col`` (possibly with other statistics) from their own stream."""
        plan = self.run.plan
        ctx = ColumnContext(f"{self.tp.key}\x00{purpose}", col, plan.seed, self.run.as_of, n)
        return ColumnGenerator(ctx, self.tp.table.rows).sample(0, n, chunk).rename(col.name)

    def chunks(self) -> Iterator[pl.DataFrame]:
        """The table's chunks in order (a table with no rows yields nothing)."""
        for chunk, start, stop in chunk_ranges(self.tp.rows):
            yield self.chunk(chunk, start, stop)
        self.enforcer.warn()

    def empty(self) -> pl.DataFrame:
        """A frame with the table's columns and dtypes and no rows."""
        return pl.DataFrame([pl.Series(c.name, [], dtype=polars_dtype(c)) for c in self.columns])
