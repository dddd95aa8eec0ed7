"""Privacy is a property of the profile file: the one transform every profiled table goes through.

Both profilers call :func:`protect_table` on each table once its column statistics and
traits are measured, before the table reaches the profile. The rules (``docs/privacy.md``):

- **k-anonymity for raw values** (k = ``PrivacyOptions.min_count``, default 10): a value is
  stored only if at least k rows share it. Frequent values under k are merged into the
  column's *other* bucket (:class:`~synth.model.OtherValues`: share, distinct count and the
  shape of the withheld values, computed here from the ``(value, count)`` rows the
  frequent-value query returned; the values themselves go no further). *Vocabulary* is
  exempt, because it is not data: booleans, values declared in the schema (enum, ``CHECK
  ... IN``), the empty string and the sentinel words, numbers and days of
  :mod:`synth.traits.sentinels`.
- **Extremes are not raw**: ``min``/``max`` are the k-th smallest/largest value, and every
  percentile whose rank is outside ranks k..n-k+1 becomes that k-th value. A column with
  fewer than 2k non-NULL values stores no distribution.
- **Personal columns store no values**: no ``frequent``, no ``other`` and no ``values``
  distribution (only ``null_fraction``, ``distinct`` and ``lengths``).
- **Trait values follow the same rule**: a legacy or stale value needs k rows, a burst
  instant k rows, a cohort's segment value k rows on its segment table and each per-value
  override k rows within the cohort; instants that are one row's value (a legacy value's
  last appearance, a cohort's busiest-day bounds) are coarsened to the day or the hour.
- **Differential privacy** (optional, ``epsilon``): Laplace noise on the released counts,
  :mod:`synth.profiler.noise`, applied last.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from synth.model import (
    Column,
    ColumnStats,
    Distribution,
    LetterCase,
    LogicalType,
    OtherValues,
    Scalar,
    Table,
    TraitStat,
    ValueFrequency,
)
from synth.model.values import to_scalar
from synth.profiler.options import PrivacyOptions
from synth.profiler.semantic import is_personal
from synth.profiler.shapes import char_classes, letter_case
from synth.profiler.stats import PERCENTS, Measured, extreme_ranks, nearest_rank
from synth.profiler.withheld import cohort_tokens, is_placeholder, placeholders, renamed

__all__ = [
    "CASES",
    "char_classes",
    "coarsen",
    "letter_case",
    "listed_value",
    "other_values",
    "protect_distribution",
    "protect_table",
    "shared_rows",
    "vocabulary",
]

L = LogicalType

CASES: tuple[LetterCase, ...] = ("lower", "upper", "title", "mixed")
_NUMERIC = (L.INTEGER, L.FLOAT, L.DECIMAL)
_DAY_EDGES = (dt.time(0, 0), dt.time(23, 59, 59), dt.time(23, 59, 59, 999999))
"""Times of day at which a sentinel day is still vocabulary (``1970-01-01T00:00:00``)."""
_SPECIAL_FLOATS = frozenset({"NaN", "Infinity", "-Infinity"})
"""How a profile names the float values that are not numbers (``non_finite``)."""
_VOCABULARY_TRAITS = frozenset({"sentinel", "non_finite"})
"""Traits whose values are vocabulary, never data: kept whatever their row count."""
_SCHEMA_VALUE_TRAITS = frozenset({"childless_parent"})
"""Traits whose ``value`` names schema objects (``orders.customer_id``), not data."""
_COLUMN_VALUE_TRAITS = frozenset({"legacy_value", "stale"})
"""Traits whose ``value`` is a value of a column (the first of ``columns`` for table traits)."""


# ------------------------------------------------------------------------------ vocabulary


def vocabulary(column: Column, value: Scalar) -> str | None:
    """Why ``value`` of ``column`` is vocabulary rather than data (so any row count may
    show it), or None when it is data: ``"a boolean"``, ``"declared in the schema"``,
    ``"the empty string"``, ``"sentinel vocabulary"``."""
    from synth.traits.sentinels import DAYS, NUMBERS, WORDS

    if column.type is L.BOOLEAN or isinstance(value, bool):
        return "a boolean"
    if column.domain is not None and str(value) in column.domain:
        return "declared in the schema"
    if value == "":
        return "the empty string"
    if column.type is L.STRING and value in WORDS:
        return "sentinel vocabulary"
    if column.type in _NUMERIC and isinstance(value, int | float) and value in NUMBERS:
        return "sentinel vocabulary"
    if column.type is L.FLOAT and value in _SPECIAL_FLOATS:
        return "an IEEE special value"
    if column.type in (L.DATE, L.DATETIME) and isinstance(value, str):
        days = {d.isoformat() for d in DAYS}
        if value in days:
            return "sentinel vocabulary"
        moment = _parse(value)
        if moment is not None and moment.date().isoformat() in days:
            return "sentinel vocabulary" if moment.time() in _DAY_EDGES else None
    return None


def listed_value(column: Column, text: str) -> Scalar | None:
    """The frequent value of ``column`` a cohort's ``value:<column>=<text>`` key names."""
    from synth.traits.cohorts.measure import value_key

    key = value_key(column.name, text)
    return next(
        (f.value for f in column.stats.frequent if value_key(column.name, f.value) == key), None
    )


def shared_rows(fraction: float, rows: int) -> int:
    """The row count behind a stored ``fraction`` of ``rows`` (exact below a million rows,
    where 6-decimal rounding cannot move it by a whole row)."""
    return round(fraction * rows)


def other_values(
    withheld: Iterable[tuple[Scalar, int]], fraction: float, distinct: int
) -> OtherValues:
    """The *other* bucket from the withheld ``(value, rows)`` pairs: its share, distinct
    count, and for strings the shape of the values (lengths, character classes, dominant
    case, by rows). The values themselves are not kept."""
    texts = [(v, n) for v, n in withheld if isinstance(v, str)]
    if not texts:
        return OtherValues(fraction=fraction, distinct=distinct)
    classes: set[str] = set()
    by_case: dict[str, int] = {}
    for text, rows in texts:
        classes |= char_classes(text)
        case = letter_case(text)
        if case is not None:
            by_case[case] = by_case.get(case, 0) + rows
    from synth.model import CHAR_CLASSES

    dominant = max(CASES, key=lambda c: (by_case.get(c, 0), -CASES.index(c)))
    return OtherValues(
        fraction=fraction,
        distinct=distinct,
        length_min=min(len(t) for t, _ in texts),
        length_max=max(len(t) for t, _ in texts),
        chars=tuple(c for c in CHAR_CLASSES if c in classes),
        case=dominant if by_case else None,
    )


# ------------------------------------------------------------------------------ columns


def protect_distribution(
    dist: Distribution | None, n: int, k: int, low: Any, high: Any, logical: LogicalType
) -> Distribution | None:
    """``dist`` of ``n`` values with the k-th smallest/largest (``low``/``high``, raw source
    values) as ``min``/``max`` and as every percentile ranked outside k..n-k+1; None when
    ``n < 2k`` or the k-th values were not measured."""
    ranks = extreme_ranks(n, k)
    lo, hi = to_scalar(low, logical), to_scalar(high, logical)
    if dist is None or ranks is None or lo is None or hi is None:
        return None
    first, last = ranks
    points: dict[str, Scalar | None] = {}
    for name, percent in PERCENTS:
        value = getattr(dist, name)
        rank = nearest_rank(percent, n)
        if value is not None and rank < first:
            value = lo
        elif value is not None and rank > last:
            value = hi
        points[name] = value
    return Distribution(min=lo, max=hi, **points)


def _counts(m: Measured | None, logical: LogicalType) -> dict[Scalar, int]:
    out: dict[Scalar, int] = {}
    for raw, count in m.frequent if m is not None else ():
        value = to_scalar(raw, logical)
        if value is not None:
            out[value] = out.get(value, 0) + int(count)
    return out


def _allowed(column: Column, value: Scalar, counts: Mapping[Scalar, int], k: int) -> bool:
    return vocabulary(column, value) is not None or counts.get(value, 0) >= k


def _protect_domain(column: Column, counts: Mapping[Scalar, int], k: int, declared: bool) -> Column:
    """``column`` without a domain that would show data: none on a personal column (its
    enum labels are its values), and on an undeclared domain only values k rows share."""
    if column.domain is None:
        return column
    if is_personal(column.semantic):
        return column.model_copy(update={"domain": None, "enum_name": None})
    if declared:
        return column
    shared = tuple(v for v in column.domain if _count_of(counts, v) >= k)
    return column.model_copy(update={"domain": shared or None})


def _count_of(counts: Mapping[Scalar, int], label: str) -> int:
    return sum(c for v, c in counts.items() if str(v) == label)


def _protect_stats(
    column: Column, m: Measured | None, k: int, tokens: Mapping[Scalar, str] | None = None
) -> ColumnStats:
    stats = column.stats
    n = m.nonnull if m is not None else 0
    personal = is_personal(column.semantic)
    values = lengths = None
    if m is not None and not personal:
        values = protect_distribution(
            stats.values, m.valued, k, m.value_low, m.value_high, column.type
        )
    if m is not None:
        lengths = protect_distribution(stats.lengths, n, k, m.length_low, m.length_high, L.INTEGER)
    kept: tuple[ValueFrequency, ...] = ()
    other = None
    if not personal:
        counts = _counts(m, column.type)
        tokens = tokens or {}
        kept = tuple(
            f if f.value not in tokens else f.model_copy(update={"value": tokens[f.value]})
            for f in stats.frequent
            if _allowed(column, f.value, counts, k) or f.value in tokens
        )
        withheld = [
            (v, c)
            for v, c in counts.items()
            if not _allowed(column, v, counts, k) and v not in tokens
        ]
        if withheld:
            rest = max(0.0, 1.0 - stats.null_fraction - sum(f.fraction for f in kept))
            distinct = max(len(withheld), (stats.distinct or 0) - len(kept))
            other = other_values(withheld, round(rest, 6), distinct)
    return ColumnStats(
        null_fraction=stats.null_fraction,
        distinct=stats.distinct,
        values=values,
        lengths=lengths,
        frequent=kept,
        other=other,
        traits=stats.traits,
    )


# ------------------------------------------------------------------------------ instants


def _parse(text: str) -> dt.datetime | None:
    if len(text) <= 10:
        return None  # a date: already a day
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        return None


def coarsen(text: Scalar | None, unit: str, up: bool = False) -> Scalar | None:
    """An ISO-8601 instant rounded down (``up``: up) to the ``unit`` (``"hour"`` or
    ``"day"``), keeping its form (naive or zoned); dates and non-instants unchanged."""
    if not isinstance(text, str):
        return text
    moment = _parse(text)
    if moment is None:
        return text
    step = dt.timedelta(hours=1) if unit == "hour" else dt.timedelta(days=1)
    floor = moment.replace(minute=0, second=0, microsecond=0)
    if unit == "day":
        floor = floor.replace(hour=0)
    if up and floor != moment:
        try:
            floor = floor + step
        except OverflowError:
            return text
    return floor.isoformat()


# ------------------------------------------------------------------------------ traits


class _Traits:
    """The trait rules of one table (its protected columns, the measured counts)."""

    def __init__(
        self,
        table: Table,
        counts: Mapping[str, Mapping[Scalar, int]],
        k: int,
        tables: Mapping[str, Table],
        tokens: Mapping[str, Mapping[Scalar, str]] | None = None,
    ) -> None:
        self.table, self.counts, self.k, self.tables = table, counts, k, tables
        self.kept = {c.name: {f.value for f in c.stats.frequent} for c in table.columns}
        self.tokens = tokens or {}
        """Column -> withheld raw value -> its placeholder (:mod:`synth.profiler.withheld`)."""

    def column_value(self, column: str, value: Scalar) -> bool:
        """Whether ``value`` of ``column`` may be stored: vocabulary, or k rows share it."""
        try:
            col = self.table.column(column)
        except KeyError:
            return False
        return _allowed(col, value, self.counts.get(column, {}), self.k)

    def personal(self, names: Sequence[str]) -> bool:
        """Whether any of the columns ``names`` is personal (its traits carry no values)."""
        return any(is_personal(c.semantic) for c in self.table.columns if c.name in set(names))

    def column_trait(self, column: Column, stat: TraitStat) -> TraitStat | None:
        from synth.traits import get

        if stat.value is None or getattr(get(stat.trait), "shape_value", False):
            return stat  # a shape (a format mask kept its literals by the k rule itself)
        if stat.value in self.tokens.get(column.name, {}):
            stat = renamed(stat, self.tokens[column.name])
            if stat.trait == "legacy_value" and stat.before is not None:
                return stat.model_copy(update={"before": coarsen(stat.before, "day")})
            return stat
        if self.personal([column.name]) and stat.trait not in _VOCABULARY_TRAITS:
            return None  # a personal column's values never reach a profile
        if stat.trait in _VOCABULARY_TRAITS:
            return stat if vocabulary(column, stat.value) is not None else None
        if not self.column_value(column.name, stat.value):
            return None
        if stat.trait == "legacy_value" and stat.before is not None:
            return stat.model_copy(update={"before": coarsen(stat.before, "day")})
        return stat

    def table_trait(self, stat: TraitStat) -> TraitStat | None:
        if (
            stat.trait != "cohort"
            and stat.columns
            and (
                (stat.value is not None and self.personal(stat.columns[:1]))
                or (stat.before is not None and self.personal(stat.columns[-1:]))
            )
        ):
            return None  # a burst instant of a personal column is one of its values
        if stat.trait == "cohort":
            return self.cohort(stat)
        if (
            stat.trait == "stale"
            and stat.columns
            and stat.value in self.tokens.get(stat.columns[0], {})
        ):
            return renamed(stat, self.tokens[stat.columns[0]])
        if stat.value is None or stat.trait in _SCHEMA_VALUE_TRAITS:
            return stat
        if stat.trait in _COLUMN_VALUE_TRAITS and stat.columns:
            return stat if self.column_value(stat.columns[0], stat.value) else None
        # any other value (a burst's instant) is carried by the trait's rows
        return stat if shared_rows(stat.fraction, self.table.rows) >= self.k else None

    def segment_value(self, stat: TraitStat, value: Scalar) -> bool:
        """Whether a cohort's segment ``value`` is shared by k rows of its segment table."""
        segment = str(stat.detail.get("segment", ""))
        where, _, column = segment.rpartition(".")
        if "key" not in stat.detail and stat.columns:
            if value in self.tokens.get(stat.columns[0], {}).values():
                return True  # a withheld segment value, under its placeholder
            return self.column_value(stat.columns[0], value)
        parent = self.tables.get(where)
        if parent is not None:
            try:
                col = parent.column(column)
            except KeyError:
                return False
            kept = {f.value for f in col.stats.frequent}
            return vocabulary(col, value) is not None or value in kept
        return int(stat.detail.get("rows", 0)) >= self.k  # type: ignore[arg-type]

    def cohort(self, stat: TraitStat) -> TraitStat | None:
        """The cohort entry with only what k rows back: none when its segment value is not
        shared by k rows of the segment table; per-value overrides under k rows of the
        cohort, and busiest days under k rows, dropped (the value's share then comes from
        the column's own statistics); busiest-day bounds coarsened to the hour."""
        stat = cohort_tokens(stat, self.table.key, self.tokens)
        if stat.value is None or not self.segment_value(stat, stat.value):
            return None
        rows = int(stat.detail.get("rows", 0))  # type: ignore[arg-type]
        detail: dict[str, Scalar] = {}
        for key, value in stat.detail.items():
            kind, _, rest = key.partition(":")
            if key == "segments":
                carried = [v for v in json.loads(str(value)) if self.segment_value(stat, v)]
                detail[key] = json.dumps(carried)
            elif kind == "value":
                column, _, text = rest.partition("=")
                if self._cohort_value(column, text, float(value), rows):
                    detail[key] = value
            elif kind in ("burst", "burst_last", "burst_share"):
                share = float(stat.detail.get(f"burst_share:{rest}", 0.0))
                if shared_rows(share, rows) < self.k:
                    continue
                if kind != "burst_share":
                    value = coarsen(value, "hour", up=kind == "burst_last")  # type: ignore[assignment]
                detail[key] = value
            else:
                detail[key] = value
        return stat.model_copy(update={"detail": detail})

    def _cohort_value(self, column: str, text: str, share: float, rows: int) -> bool:
        try:
            col = self.table.column(column)
        except KeyError:
            return False
        value = listed_value(col, text)
        if value is None:
            return False
        if is_placeholder(value):
            return True  # a withheld value's share: its literal is not in the key
        return vocabulary(col, value) is not None or shared_rows(share, rows) >= self.k


# ------------------------------------------------------------------------------ the transform


def protect_table(
    table: Table,
    measured: Mapping[str, Measured],
    privacy: PrivacyOptions,
    tables: Mapping[str, Table] | None = None,
    *,
    declared: bool = True,
) -> Table:
    """``table`` as it may enter a profile under ``privacy`` (see the module docstring).

    ``declared``: whether a column's domain was declared by a schema (a database enum or
    CHECK list: vocabulary). A file's enum categories come from its data, so with
    ``declared=False`` they obey the k rule like any value. A personal column keeps no
    domain at all, and no trait of one carries a value or an instant.

    ``measured`` holds each column's raw measurements (its frequent-value query's ``(value,
    count)`` rows, its non-NULL count and k-th extremes); ``tables`` the tables profiled
    before this one, already protected (a child's cohorts check their segment values there).
    """
    k = privacy.min_count
    counts = {c.name: _counts(measured.get(c.name), c.type) for c in table.columns}
    tokens = placeholders(
        table,
        counts,
        lambda col, value: _allowed(col, value, counts[col.name], k),
        lambda col: is_personal(col.semantic),
    )
    columns = []
    for column in table.columns:
        column = _protect_domain(column, counts[column.name], k, declared)
        stats = _protect_stats(column, measured.get(column.name), k, tokens.get(column.name))
        columns.append(column.model_copy(update={"stats": stats}))
    table = table.model_copy(update={"columns": tuple(columns)})
    rules = _Traits(table, counts, k, tables or {}, tokens)
    out = []
    for column in table.columns:
        kept = (rules.column_trait(column, s) for s in column.stats.traits)
        stats = column.stats.model_copy(update={"traits": tuple(s for s in kept if s)})
        out.append(column.model_copy(update={"stats": stats}))
    traits = tuple(s for s in (rules.table_trait(t) for t in table.traits) if s is not None)
    table = table.model_copy(update={"columns": tuple(out), "traits": traits})
    if privacy.epsilon is not None and table.rows > 0:
        from synth.profiler.noise import add_noise

        table = add_noise(table, privacy.epsilon)
    return table
