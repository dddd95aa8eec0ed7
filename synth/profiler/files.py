"""Profiling Parquet and CSV files: one table per file, named by the file's stem.

Statistics are polars expressions over a lazy scan, so the counting is done by
polars' engine (in parallel, streaming where it can), never by Python loops over
rows. The rules (percentiles, low cardinality, semantic shapes) are the ones the
database profiler uses: :mod:`synth.profiler.stats` and :mod:`synth.profiler.semantic`.
Three passes per file: aggregates, percentiles (ranks need the non-NULL counts),
and the frequent values of low-cardinality columns.
"""

from __future__ import annotations

import datetime as dt
import glob
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import polars as pl

from synth.errors import SourceError, UsageError
from synth.internal.progress import Reporter
from synth.internal.urls import mask_secrets
from synth.model import (
    PROFILE_KIND,
    PROFILE_VERSION,
    LogicalType,
    Profile,
    SemanticType,
    Source,
    Table,
)
from synth.profiler.formats import measure_formats
from synth.profiler.options import PrivacyOptions, ProfileOptions
from synth.profiler.privacy import protect_table
from synth.profiler.selection import select_tables
from synth.profiler.semantic import (
    personal_override,
    semantic_from_name,
    semantic_from_shapes,
    shape_rules_for,
)
from synth.profiler.stats import (
    MAX_FREQUENT,
    NO_DISTINCT,
    PERCENTS,
    QUANTILE_TYPES,
    Measured,
    column_stats,
    extreme_ranks,
    nearest_rank,
    wants_frequent,
)
from synth.profiler.traits import (
    ColumnProbes,
    detect_time_column,
    measure_table_traits,
    record_ages,
)
from synth.profiler.types import TypeInfo, describe_polars, warn_opaque
from synth.traits.base import MeasureContext, TableMeasure, TraitSettings
from synth.traits.cohort_legacy import with_cohort_legacy
from synth.traits.instants import dated_column, frame_literal

__all__ = ["profile_files"]

_PARQUET = {".parquet", ".pq"}
_CSV = {".csv"}
_GLOB_CHARS = set("*?[")


def _expand(paths: Sequence[str | os.PathLike[str]]) -> list[Path]:
    """Files named by ``paths``: files, directories (their Parquet/CSV files), globs."""
    found: list[Path] = []
    for raw in paths:
        text = os.fspath(raw)
        if _GLOB_CHARS & set(text):
            hits = sorted(glob.glob(text, recursive=True))
            if not hits:
                raise SourceError(f"{text!r} matches no file; check the pattern and directory")
            found += [Path(h) for h in hits if Path(h).is_file()]
        elif Path(text).is_dir():
            inside = sorted(p for p in Path(text).iterdir() if p.suffix.lower() in _PARQUET | _CSV)
            if not inside:
                raise SourceError(f"directory {text!r} holds no .parquet or .csv file")
            found += inside
        elif Path(text).is_file():
            found.append(Path(text))
        else:
            shown = mask_secrets(text)
            raise SourceError(
                f"{shown!r} does not exist; give a Parquet/CSV file, a directory or a glob "
                "pattern, or a database URL with ://"
            )
    for path in found:
        if path.suffix.lower() not in _PARQUET | _CSV:
            raise SourceError(f"{str(path)!r} is not a .parquet or .csv file; synth profiles "
                              "Parquet and CSV files, or a database URL")  # fmt: skip
    return list(dict.fromkeys(found))


def profile_files(
    paths: Sequence[str | os.PathLike[str]], options: ProfileOptions | None = None
) -> Profile:
    """Profile Parquet/CSV files (paths, directories or glob patterns)."""
    from synth._version import __version__

    options = options or ProfileOptions()
    if options.schema is not None:
        raise UsageError(
            f"schema={options.schema!r} applies to database sources only; files are one table each"
        )
    as_of = options.as_of or dt.datetime.now(dt.UTC).replace(microsecond=0)
    by_name: dict[str, Path] = {}
    for path in _expand(paths):
        if path.stem in by_name:
            raise UsageError(
                f"files {str(by_name[path.stem])!r} and {str(path)!r} would both be table "
                f"{path.stem!r}; rename one or profile them separately"
            )
        by_name[path.stem] = path
    where = "the given files"
    chosen = select_tables(
        {name: [name] for name in by_name},
        options.tables,
        options.exclude,
        where=where,
    )
    settings, privacy = options.traits, options.privacy
    out = []
    with Reporter(options.progress, "profile").task("", len(chosen), "tables") as stage:
        for name in chosen:
            stage.at(name)
            out.append(_profile_file(name, by_name[name], as_of, settings, privacy))
            stage.advance(1)
    return Profile(
        kind=PROFILE_KIND,
        version=PROFILE_VERSION,
        synth_version=__version__,
        source=Source(
            kind="files",
            url=",".join(str(by_name[n]) for n in chosen),
            as_of=as_of,
            min_count=privacy.min_count,
            epsilon=privacy.epsilon,
        ),
        tables=tuple(out),
    )


def _profile_file(
    name: str, path: Path, as_of: dt.datetime, settings: TraitSettings, privacy: PrivacyOptions
) -> Table:
    import pyarrow as pa

    try:
        return _profile_frame(name, path, as_of, settings, privacy)
    except (pl.exceptions.PolarsError, pa.ArrowException, OSError) as exc:
        reason = next((s.strip() for s in str(exc).splitlines() if s.strip()), type(exc).__name__)
        kind = "Parquet" if path.suffix.lower() in _PARQUET else "CSV"
        raise SourceError(
            f"cannot read {str(path)!r}: {reason}; check that it is a readable {kind} file"
        ) from None


def _scan(path: Path) -> tuple[pl.LazyFrame, dict[str, bool]]:
    """A lazy scan of the file, and the declared nullability of its columns."""
    if path.suffix.lower() in _PARQUET:
        import pyarrow.parquet as pq

        arrow = pq.read_schema(path)
        return pl.scan_parquet(path), {f.name: f.nullable for f in arrow}
    return pl.scan_csv(path, try_parse_dates=True, infer_schema_length=10_000), {}


class _Col:
    def __init__(self, name: str, info: TypeInfo, nullable: bool) -> None:
        self.name, self.info, self.nullable = name, info, nullable
        self.expr = pl.col(name)
        self.values = self.expr
        """What ``values`` and frequent values measure: floats without NaN and infinities."""
        if info.logical is LogicalType.FLOAT:
            self.values = pl.when(self.expr.is_finite()).then(self.expr)
        self.text: pl.Expr | None = None
        self.length: pl.Expr | None = None
        """What ``lengths`` measures: characters of a string, elements of an array."""
        if info.logical is LogicalType.STRING:
            self.text = self.expr.cast(pl.String)
            self.length = self.text.str.len_chars()
        elif info.logical is LogicalType.ARRAY:
            self.length = self.expr.list.len()
        self.name_semantic = semantic_from_name(name, info.logical)
        self.shapes = shape_rules_for(info.logical, self.name_semantic, info.domain is not None)
        self.semantic: SemanticType | None = None
        self.m = Measured()


def _collect_row(lf: pl.LazyFrame, items: list[tuple[pl.Expr, Callable[[Any], None]]]) -> None:
    if not items:
        return
    row = lf.select(*(expr.alias(f"a{i}") for i, (expr, _) in enumerate(items))).collect().row(0)
    for value, (_, store) in zip(row, items, strict=True):
        store(value)


def _store(target: Any, attr: str) -> Callable[[Any], None]:
    return lambda value: setattr(target, attr, value)


def _store_key(into: dict[Any, Any], key: Any) -> Callable[[Any], None]:
    return lambda value: into.__setitem__(key, int(value or 0))


class _FrameMeasure(TableMeasure):
    """Table traits' own queries, run by polars over the file."""

    def __init__(self, lf: pl.LazyFrame, table: Table) -> None:
        self.lf, self.table = lf, table

    def rows(self, sql: Callable[[Any], Any], frame: Callable[[Any], Any]) -> list[tuple[Any, ...]]:
        return frame(self.lf).collect().rows()


def _profile_frame(
    name: str,
    path: Path,
    as_of: dt.datetime,
    settings: TraitSettings,
    privacy: PrivacyOptions | None = None,
) -> Table:
    lf, nullability = _scan(path)
    cols = []
    for col_name, dtype in lf.collect_schema().items():
        info = describe_polars(dtype)
        if info.logical is LogicalType.OPAQUE:
            warn_opaque(name, col_name, info.sql_type)
        cols.append(_Col(col_name, info, nullability.get(col_name, True)))
    skeleton = Table(
        name=name, rows=0, columns=tuple(c.info.column(c.name, c.nullable) for c in cols)
    )
    ctx = MeasureContext(
        table=name,
        as_of=as_of,
        time_column=detect_time_column(skeleton, settings),
        settings=settings,
    )
    probes = ColumnProbes(skeleton, ctx)

    rows = {"rows": 0}
    items: list[tuple[pl.Expr, Callable[[Any], None]]] = [
        (pl.len(), lambda v: rows.__setitem__("rows", int(v)))
    ]
    for c in cols:
        m, logical = c.m, c.info.logical
        items.append((c.expr.count(), _store(m, "nonnull")))
        if logical not in NO_DISTINCT:
            items.append((c.expr.drop_nulls().n_unique(), _store(m, "distinct")))
        if logical in QUANTILE_TYPES:
            items += [
                (c.values.min(), _store(m, "value_min")),
                (c.values.max(), _store(m, "value_max")),
            ]
            if logical is LogicalType.FLOAT:
                items.append((c.values.count(), _store(m, "finite")))
        if c.length is not None:
            items += [
                (c.length.min(), _store(m, "length_min")),
                (c.length.max(), _store(m, "length_max")),
            ]
        if c.text is not None:
            items += [(rule.polars(c.text).sum(), _store_key(m.shape_counts, rule.semantic))
                      for rule in c.shapes]  # fmt: skip
    items += probes.frame_items({c.name: c.text if c.text is not None else c.expr for c in cols})
    _collect_row(lf, items)

    # Nearest-rank percentiles: the value at rank ceil(p * n / 100) of the sorted non-NULLs,
    # and the k-th smallest and largest (stored as min and max); none below 2k values.
    privacy = privacy or PrivacyOptions()
    quantiles: list[tuple[pl.Expr, Callable[[Any], None]]] = []
    for c in cols:
        targets = []
        if c.info.logical in QUANTILE_TYPES:
            targets.append((c.values, c.m.value_quantiles, "value", c.m.valued))
        if c.length is not None:
            targets.append((c.length, c.m.length_quantiles, "length", c.m.nonnull))
        for expr, into, kind, n in targets:
            ranks = extreme_ranks(n, privacy.min_count)
            if ranks is None:
                continue
            ordered = expr.drop_nulls().sort()
            for pname, percent in PERCENTS:
                rank = nearest_rank(percent, n)
                quantiles.append((ordered.get(rank - 1), _store_into(into, pname)))
            quantiles.append((ordered.get(ranks[0] - 1), _store(c.m, f"{kind}_low")))
            quantiles.append((ordered.get(ranks[1] - 1), _store(c.m, f"{kind}_high")))
    _collect_row(lf, quantiles)

    columns = []
    frequent_of: list[tuple[_Col, pl.LazyFrame]] = []
    time_col = dated_column(skeleton, ctx.time_column)
    ages: list[pl.Expr] = []
    if time_col is not None:  # each value's newest time and old rows (legacy, stale)
        t = pl.col(time_col.name)
        old = t < frame_literal(lf.collect_schema()[time_col.name], ctx.old_before)
        ages = [t.max().alias("\x00newest"), old.sum().alias("\x00old")]
    for c in cols:
        c.semantic = c.name_semantic or semantic_from_shapes(c.m.shape_counts, c.m.nonnull)
        c.semantic = personal_override(c.semantic, f"{name}.{c.name}", privacy)
        has_domain = c.info.domain is not None
        if wants_frequent(c.info.logical, c.semantic, c.m.distinct, c.m.nonnull, has_domain):
            n = "n" if c.name != "n" else "n_"
            counted = (
                lf.filter(c.values.is_not_null())
                .group_by(c.name)
                .agg(pl.len().alias(n), *ages)
                .sort(n, descending=True)
                .head(MAX_FREQUENT)
            )
            frequent_of.append((c, counted))
    for (c, _), frame in zip(frequent_of, pl.collect_all([f for _, f in frequent_of]), strict=True):
        found = list(frame.iter_rows())
        c.m.frequent = record_ages(ctx, c.name, c.info.logical, time_col, found)

    for c, bare in zip(cols, skeleton.columns, strict=True):
        stats = column_stats(rows["rows"], c.info.logical, c.m)
        stats = stats.model_copy(update={"traits": probes.stats(bare, rows["rows"])})
        columns.append(bare.model_copy(update={"semantic": c.semantic, "stats": stats}))
    table = Table(name=name, rows=rows["rows"], columns=tuple(columns))
    measure = _FrameMeasure(lf, table)
    traits, _ = measure_table_traits(measure, ctx)
    table = with_cohort_legacy(table.model_copy(update={"traits": traits}), ctx.settings)
    table = measure_formats(measure, table, privacy.min_count)
    return protect_table(table, {c.name: c.m for c in cols}, privacy, declared=False)


def _store_into(into: dict[str, Any], key: str) -> Callable[[Any], None]:
    return lambda value: into.__setitem__(key, value)
