"""``synth.cases``: one generated row per production shape of a table or column, for
``pytest.mark.parametrize``.

A case is a row (a read-only mapping) whose ``str()`` is its id. The grammar::

    users.last_login_at=NULL             the column is NULL
    users.plan=premium[legacy]           a column trait with a value (legacy_value -> legacy)
    users.plan=PRO[rare]                 a frequent value under 1% of rows
    users.email=[whitespace_padded]      a column trait without a value
    users[cohort=legacy_import]          a table trait, as the manifest labels it
    users[case_variant(plan)]            (stale=ACTIVE, null_pattern(full_name,last_login_at)...)
    articles.slug[format=lower-list-code6]   a format mask, by its readable name

The row is the first carrier of the shape in table order (the manifest's trait keys; the
first NULL row for NULL), so the same profile, seed and rows give the same cases and ids.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from synth.errors import UsageError

if TYPE_CHECKING:
    import polars as pl

    from synth.model import Table, TraitStat
    from synth.pytest_plugin.cache import SynthData

__all__ = ["Case", "cases"]

_SHORT = {"legacy_value": "legacy"}
"""Trait names shortened in ids."""
_ALIASES = {"legacy": "legacy_value", "NULL": "null"}


class Case(Mapping[str, Any]):
    """One row exhibiting one production shape; ``str(case)`` is its id."""

    __slots__ = ("_row", "column", "id", "key", "table", "trait", "value")

    def __init__(
        self,
        id: str,
        table: str,
        column: str | None,
        trait: str,
        value: str | None,
        key: object,
        row: dict[str, Any],
    ) -> None:
        init = object.__setattr__  # read-only afterwards (see __setattr__)
        init(self, "id", id)
        init(self, "table", table)
        init(self, "column", column)
        """The column the shape is about (None for a table trait)."""
        init(self, "trait", trait)
        """``null`` or a registered trait name (``legacy_value``, ``cohort``...)."""
        init(self, "value", value)
        init(self, "key", key)
        """The row's primary-key value (a list for a composite key), as in the manifest."""
        init(self, "_row", dict(row))

    id: str
    table: str
    column: str | None
    trait: str
    value: str | None
    key: object
    _row: dict[str, Any]

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"a synth case is read-only: cannot set {name!r}; use case.row")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"a synth case is read-only: cannot delete {name!r}")

    def __reduce__(self) -> tuple[Any, ...]:
        args = (self.id, self.table, self.column, self.trait, self.value, self.key, self._row)
        return (Case, args)

    def __getitem__(self, name: str) -> Any:
        return self._row[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._row)

    def __len__(self) -> int:
        return len(self._row)

    def __str__(self) -> str:
        return self.id

    def __repr__(self) -> str:
        return f"Case({self.id!r})"

    @property
    def row(self) -> dict[str, Any]:
        """The row as a new dict."""
        return dict(self._row)


def _fixture_set(
    profile: str | Path | None,
    seed: int | None,
    rows: int | None,
    fixtures: str | Path | None,
) -> SynthData:
    from synth.pytest_plugin.session import active_session
    from synth.pytest_plugin.settings import SynthSettings

    given = {"profile": profile, "seed": seed, "rows": rows, "fixtures": fixtures}
    state = active_session()
    if state is not None:
        return state.fixtures(state.settings.override(**given))
    if profile is None and fixtures is None:
        raise UsageError(
            "synth.cases() outside a pytest session with the synth plugin needs profile= "
            "(and seed=, rows=) or fixtures=DIR"
        )
    from synth.pytest_plugin.cache import resolve_fixtures

    return resolve_fixtures(SynthSettings().override(**given))


def _wanted(traits: str | Iterable[str] | None) -> set[str] | None:
    if traits is None:
        return None
    from synth.traits import all_traits

    names = [traits] if isinstance(traits, str) else list(traits)
    known = {"null", *all_traits()}
    wanted = {_ALIASES.get(n, n) for n in names}
    unknown = sorted(wanted - known)
    if unknown:
        raise UsageError(
            f"synth.cases(traits={names!r}): {', '.join(map(repr, unknown))} not a trait; "
            f"choose among: {', '.join(sorted(known))}"
        )
    return wanted


def _row_index(frame: pl.DataFrame, table: Table, key: object) -> int | None:
    import polars as pl

    if not table.primary_key:
        return key if isinstance(key, int) and 0 <= key < frame.height else None
    values = key if isinstance(key, list | tuple) else [key]
    test = pl.lit(True)
    for name, value in zip(table.primary_key, values, strict=True):
        col = pl.col(name)
        if isinstance(value, str) and frame.schema[name] != pl.String:
            col = col.cast(pl.String)
        test = test & (col == value)
    found = frame.with_row_index("__synth_i").filter(test).get_column("__synth_i")
    return int(found[0]) if found.len() else None


def _variant_first(frame: pl.DataFrame, table: Table, keys: tuple, column: str) -> tuple:
    """``keys`` with those whose ``column`` is not its group's usual spelling first (a
    case-variant carrier may hold ``pro`` itself, where ``Pro`` shows the shape)."""
    values = frame.get_column(column).drop_nulls()
    counts = values.value_counts(name="n").sort(["n", column], descending=[True, False])
    usual: dict[str, str] = {}
    for value, _n in counts.iter_rows():
        usual.setdefault(str(value).lower(), str(value))
    odd = []
    for k in keys:
        i = _row_index(frame, table, k)
        v = frame.get_column(column)[i] if i is not None else None
        if isinstance(v, str) and usual.get(v.lower()) != v:
            odd.append(k)
    return tuple(odd) + tuple(k for k in keys if k not in odd)


def _table_traits(table: Table) -> dict[str, TraitStat]:
    """Manifest label -> the table trait entry it names (short and qualified labels)."""
    from synth.generator.inject import trait_label

    found: dict[str, TraitStat] = {}
    for stat in table.traits:
        found.setdefault(trait_label(stat), stat)
        found.setdefault(trait_label(stat, qualified=True), stat)
    return found


def _touches(stat: TraitStat, column: str) -> bool:
    if column in stat.columns:
        return True
    for name in stat.detail:  # a cohort's detail: null:full_name, value:plan=free, ...
        _, _, rest = name.partition(":")
        if rest.partition("=")[0] == column:
            return True
    return False


def _column_label(label: str, columns: Iterable[str]) -> tuple[str, str, str | None] | None:
    """(column, trait, value) of a column trait label ``column:trait[=value]``."""
    owners = [c for c in columns if label.startswith(f"{c}:")]
    if not owners:
        return None
    column = max(owners, key=len)
    trait, eq, value = label[len(column) + 1 :].partition("=")
    return column, trait, value if eq else None


def _format_name(table: Table, column: str, trait: str, mask: str | None) -> str | None:
    """The readable name a ``format`` entry of ``column`` gives its mask (None: no such)."""
    if trait != "format" or mask is None:
        return None
    for stat in table.column(column).stats.traits:
        if stat.trait == "format" and stat.value == mask:
            return str(stat.detail.get("name") or mask)
    return None


RARE = 0.01
"""A frequent value held by fewer rows than this share is a case of its own (``[rare]``)."""


def _rare(
    frame: pl.DataFrame, table: Table, column: str, covered: set[str | None]
) -> list[tuple[str, int]]:
    """(value, first row) of each frequent value of ``column`` under :data:`RARE` of the
    rows that no other case of the column already shows, in profile order."""
    import polars as pl

    try:
        stats = table.column(column).stats
    except KeyError:
        return []
    out = []
    series = frame.get_column(column)
    for f in stats.frequent:
        if f.fraction >= RARE or str(f.value) in covered:
            continue
        hits = (series == pl.Series([f.value]).cast(series.dtype, strict=False)[0]).fill_null(False)
        if hits.any():
            out.append((str(f.value), int(hits.arg_true()[0])))
    return out


def cases(
    table: str,
    column: str | None = None,
    traits: str | Iterable[str] | None = None,
    *,
    profile: str | Path | None = None,
    seed: int | None = None,
    rows: int | None = None,
    fixtures: str | Path | None = None,
) -> list[Case]:
    """One row per production shape of ``table`` (or of its ``column``): each NULL column,
    each column trait (legacy values, sentinels, padded strings...), each table trait
    (cohorts, stale rows, case variants...), in a stable order with readable ids.

    ``traits`` keeps only those trait names (``null`` for NULL, ``legacy`` for
    ``legacy_value``). Inside pytest the session's settings (``synth_profile``,
    ``--synth-seed``...) apply, and keyword arguments override them; outside pytest pass
    ``profile=`` (with ``seed=``, ``rows=``) or ``fixtures=`` (a ``synth generate``
    directory, with ``profile=`` too). See ``docs/pytest.md``.
    """
    data = _fixture_set(profile, seed, rows, fixtures)
    prof = data.profile()
    if prof is None:
        raise UsageError(
            f"synth.cases({table!r}) needs the profile the fixtures were generated from: "
            "set synth_profile (or pass profile=) along with the fixture directory"
        )
    key = data.key(table)
    meta = {t.key: t for t in prof.tables}.get(key)
    if meta is None:
        raise UsageError(f"table {key!r} is in the fixtures but not in their profile")
    frame = data.table(key)
    if column is not None and column not in frame.columns:
        raise UsageError(
            f"synth.cases({table!r}, {column!r}): table {key!r} has no column {column!r}; "
            f"columns: {', '.join(frame.columns)}"
        )
    wanted = _wanted(traits)

    def want(trait: str) -> bool:
        return wanted is None or trait in wanted

    found: list[Case] = []
    carriers = data.traits(key)

    def add(id: str, col: str | None, trait: str, value: str | None, index: int | None) -> None:
        if index is None:
            return
        row = frame.row(index, named=True)
        pk = [row[c] for c in meta.primary_key]
        row_key: object = pk[0] if len(pk) == 1 else (pk or index)
        found.append(Case(id, key, col, trait, value, row_key, row))

    def first_carrier(label: str, stat: TraitStat | None = None) -> int | None:
        keys = carriers[label].keys
        if stat is not None and stat.trait == "case_variant" and stat.columns:
            keys = _variant_first(frame, meta, keys, stat.columns[0])
        return _row_index(frame, meta, keys[0]) if carriers[label].rows and keys else None

    for col in [column] if column is not None else frame.columns:
        nulls = frame.get_column(col).is_null()
        if want("null") and nulls.any():
            add(f"{key}.{col}=NULL", col, "null", None, int(nulls.arg_true()[0]))
        for label in carriers:
            parsed = _column_label(label, frame.columns)
            if parsed is None or parsed[0] != col or not want(parsed[1]):
                continue
            _, trait, value = parsed
            name = _format_name(meta, col, trait, value)
            if name is not None:  # a mask is long and full of punctuation: its name reads
                add(f"{key}.{col}[format={name}]", col, trait, value, first_carrier(label))
                continue
            shown = f"{value if value is not None else ''}[{_SHORT.get(trait, trait)}]"
            add(f"{key}.{col}={shown}", col, trait, value, first_carrier(label))
        if want("rare"):
            for value, index in _rare(frame, meta, col, {c.value for c in found}):
                add(f"{key}.{col}={value}[rare]", col, "rare", value, index)
    table_traits = _table_traits(meta)
    for label in carriers:
        stat = table_traits.get(label)
        if stat is None or _column_label(label, frame.columns) is not None:
            continue
        if (column is not None and not _touches(stat, column)) or not want(stat.trait):
            continue
        value = None if stat.value is None else str(stat.value)
        add(f"{key}[{label}]", None, stat.trait, value, first_carrier(label, stat))
    return found
