"""What to profile and how, declared once and checked once: :class:`ProfileArgs` is the
keyword set of :func:`synth.profile` (and of ``synth profile``'s flags, and of ``synth
diff URL``); :meth:`ProfileOptions.of` turns it into one frozen :class:`ProfileOptions`
that the profilers are given.

Inside it, :class:`PrivacyOptions` (``--min-count``, ``--pii``, ``--not-pii``,
``--epsilon``) decide what may enter a profile; :class:`SessionOptions`
(``--statement-timeout``, ``--sample``) how hard the profiler may lean on the source;
:class:`~synth.traits.base.TraitSettings` what the traits are told (``--known-values``...).
Each is checked by its own function, which turns a bad value into a ``UsageError``
naming the flag.
"""

from __future__ import annotations

import datetime as dt
import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypedDict, Unpack

from synth.errors import UsageError
from synth.internal.progress import ProgressCallback
from synth.traits.base import TraitSettings

__all__ = [
    "DEFAULT_EXACT_ROWS",
    "DEFAULT_MIN_COUNT",
    "DEFAULT_STATEMENT_TIMEOUT",
    "PrivacyOptions",
    "ProfileArgs",
    "ProfileOptions",
    "RelationOptions",
    "SessionOptions",
    "privacy_options",
    "relation_options",
    "session_options",
    "source_from_env",
]

PathLike = str | os.PathLike[str]


class ProfileArgs(TypedDict, total=False):
    """The profiling keywords (all optional), as :func:`synth.profile` takes them."""

    schema: str | None
    """The database schema to profile (default: the connection's)."""
    tables: Sequence[str] | None
    """Only these tables: names, ``schema.name`` or shell-style patterns."""
    exclude: Sequence[str] | None
    """Leave these tables out (names or patterns)."""
    known_values: Mapping[str, Sequence[str]] | PathLike | None
    """``table.column`` -> the values today's code knows (or a YAML file of that); others
    are legacy values."""
    legacy_after: int | str | None
    """A value unseen for this many days is a legacy value (default 365)."""
    time_columns: Mapping[str, str] | Sequence[str] | None
    """``table.column`` entries naming the column that dates a table's rows."""
    segment_by: Sequence[str] | str | None
    """``table.column`` entries that split tables into cohorts (default: detected)."""
    as_of: str | dt.datetime | None
    """The time ages are measured from (ISO-8601 or ``'now'``, the default)."""
    min_count: int | None
    """k: a raw value is stored only when this many rows share it (default 10)."""
    pii: Sequence[str] | str | None
    """``table.column`` entries treated as personal data: shape statistics only."""
    not_pii: Sequence[str] | str | None
    """``table.column`` entries never treated as personal data."""
    epsilon: float | None
    """Differential privacy: Laplace noise on counts with this budget."""
    statement_timeout: float | None
    """Seconds each query may run before it is cancelled (default 60; 0: no limit)."""
    sample: float | None
    """Read this percentage of each table and scale counts up."""
    exact_rows: int | None
    """Tables the catalog estimates above this many rows (default 100,000) get their
    distinct counts, percentiles and k-th extremes estimated from a bounded sample."""
    relations: Sequence[str] | str | None
    """``child.column=parent.column`` relations to record whatever inference finds."""
    no_relations: Sequence[str] | str | None
    """``table.column`` entries (or ``*``) never given an inferred relation."""
    progress: ProgressCallback | None
    """Called with a :class:`~synth.internal.progress.ProgressEvent` per table and per
    statistics query (the ``synth`` command draws them)."""


URL_VARIABLE = "SYNTH_DATABASE_URL"

DEFAULT_MIN_COUNT = 10
"""k: no raw value enters a profile unless at least this many rows share it."""
DEFAULT_STATEMENT_TIMEOUT = 60.0
"""Seconds one profiling query may run before it is cancelled."""
DEFAULT_EXACT_ROWS = 100_000
"""A table the catalog estimates above this many rows is large: the statistics that cost a
sort per column come from a bounded sample of it (see ``docs/profiling.md``)."""


@dataclass(frozen=True)
class PrivacyOptions:
    """What may enter a profile."""

    min_count: int = DEFAULT_MIN_COUNT
    """k: a raw value is stored only if at least this many rows (of its cohort) share it."""
    pii: tuple[str, ...] = ()
    """``table.column`` keys treated as personal data whatever detection says."""
    not_pii: tuple[str, ...] = ()
    """``table.column`` keys never treated as personal data."""
    epsilon: float | None = None
    """Differential-privacy budget: Laplace noise on counts and fractions (None: off)."""

    def personal(self, key: str, detected: bool) -> bool:
        """Whether column ``key`` (``table.column``) is personal data."""
        if key in self.pii:
            return True
        if key in self.not_pii:
            return False
        return detected


@dataclass(frozen=True)
class SessionOptions:
    """How the profiler treats the source database."""

    statement_timeout: float | None = DEFAULT_STATEMENT_TIMEOUT
    """Seconds per query (None: no limit)."""
    sample: float | None = None
    """Percent of each table's pages (PostgreSQL) or rows read (None: all of it)."""
    exact_rows: int = DEFAULT_EXACT_ROWS
    """Tables estimated above this many rows get their sort-bound statistics (distinct
    counts, percentiles, k-th extremes, some table traits) from a bounded sample."""


def source_from_env(source: object) -> object:
    """``source``, or when it is empty the URL in ``$SYNTH_DATABASE_URL``."""
    import os

    if source:
        return source
    url = os.environ.get(URL_VARIABLE, "").strip()
    if not url:
        raise UsageError(
            f"no source given and {URL_VARIABLE} is not set; pass a database URL or files, "
            f"or export {URL_VARIABLE}=postgresql://user@host/db"
        )
    if "://" not in url:  # never echo it: it may hold a password
        raise UsageError(
            f"{URL_VARIABLE} is not a database URL (no '://'); expected "
            "dialect[+driver]://user:password@host:port/database"
        )
    return url


def url_from_file(path: str | os.PathLike[str]) -> str:
    """The database URL in the file at ``path`` (its first non-blank line): ``--url-file``,
    which keeps a password out of the process list and of shell history."""
    file = Path(path)
    try:
        lines = file.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise UsageError(
            f"--url-file {str(file)!r} does not exist; write the database URL into it "
            "(one line, readable by you only: chmod 600)"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read --url-file {str(file)!r}: {exc}") from None
    url = next((line.strip() for line in lines if line.strip()), "")
    if "://" not in url:  # never echo it: it may hold a password
        raise UsageError(
            f"--url-file {str(file)!r} holds no database URL on its first line; expected "
            "dialect[+driver]://user:password@host:port/database"
        )
    return url


def _keys(given: Sequence[str] | str | None, flag: str) -> tuple[str, ...]:
    items = [given] if isinstance(given, str) else list(given or ())
    out = []
    for item in items:
        for key in str(item).split(","):
            key = key.strip()
            if not key:
                continue
            if "." not in key:
                raise UsageError(f"{flag} {key!r}: expected TABLE.COLUMN, e.g. {flag} users.email")
            out.append(key)
    return tuple(out)


def privacy_options(
    *,
    min_count: int | None = None,
    pii: Sequence[str] | str | None = None,
    not_pii: Sequence[str] | str | None = None,
    epsilon: float | None = None,
) -> PrivacyOptions:
    """Checked :class:`PrivacyOptions`; ``None`` means the default."""
    k = DEFAULT_MIN_COUNT if min_count is None else min_count
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise UsageError(
            f"min_count (--min-count) {min_count!r} must be a whole number >= 1 (default "
            f"{DEFAULT_MIN_COUNT}): the rows that must share a value before it is stored"
        )
    if epsilon is not None and (
        isinstance(epsilon, bool)
        or not isinstance(epsilon, int | float)
        or not math.isfinite(epsilon)
        or epsilon <= 0
    ):
        raise UsageError(
            f"epsilon (--epsilon) {epsilon!r} must be a number > 0 (smaller is more private, "
            "e.g. 1.0), or left out for no noise"
        )
    forced, freed = _keys(pii, "--pii"), _keys(not_pii, "--not-pii")
    both = sorted(set(forced) & set(freed))
    if both:
        raise UsageError(f"--pii and --not-pii both name {both[0]!r}; keep one of them")
    eps = float(epsilon) if epsilon is not None else None
    return PrivacyOptions(min_count=k, pii=forced, not_pii=freed, epsilon=eps)


def session_options(
    *,
    statement_timeout: float | None = None,
    sample: float | None = None,
    exact_rows: int | None = None,
) -> SessionOptions:
    """Checked :class:`SessionOptions`; a ``statement_timeout`` of None is the default
    (60 s) and 0 means no limit."""
    timeout: float | None = (
        DEFAULT_STATEMENT_TIMEOUT if statement_timeout is None else statement_timeout
    )
    if (
        isinstance(timeout, bool)
        or not isinstance(timeout, int | float)
        or not math.isfinite(timeout)
        or timeout < 0
    ):
        raise UsageError(
            f"statement_timeout (--statement-timeout) {statement_timeout!r} must be a number "
            "of seconds >= 0 (0: no limit)"
        )
    if sample is not None and (
        isinstance(sample, bool) or not isinstance(sample, int | float) or not 0 < sample <= 100
    ):
        raise UsageError(
            f"sample (--sample) {sample!r} must be a percentage above 0 and at most 100, "
            "e.g. --sample 10"
        )
    limit = DEFAULT_EXACT_ROWS if exact_rows is None else exact_rows
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
        raise UsageError(
            f"exact_rows (--exact-rows) {exact_rows!r} must be a whole number of rows >= 0 "
            f"(default {DEFAULT_EXACT_ROWS:,}): larger tables get estimates from a sample"
        )
    return SessionOptions(
        statement_timeout=float(timeout) or None,
        sample=None if sample is None or sample == 100 else float(sample),
        exact_rows=limit,
    )


@dataclass(frozen=True)
class RelationOptions:
    """Corrections to inference: relations to add whatever the data says, and columns (or
    ``*``, every column) never to infer a relation for."""

    add: tuple[tuple[str, str, str, str], ...] = ()
    """(child table, column, parent table, parent column)."""
    reject: tuple[str, ...] = ()
    """``table.column`` keys (or ``*``) left without an inferred relation."""

    def rejects(self, table: str, column: str) -> bool:
        return "*" in self.reject or f"{table}.{column}" in self.reject


def _split(item: str, flag: str, example: str) -> tuple[str, str]:
    table, dot, column = item.strip().rpartition(".")
    if not dot or not table or not column:
        raise UsageError(f"{flag} {item!r}: expected {example}")
    return table, column


def relation_options(
    relations: Sequence[str] | str | None = None, no_relations: Sequence[str] | str | None = None
) -> RelationOptions:
    """Checked :class:`RelationOptions` from ``relations`` (``child.col=parent.col``
    entries, ``--relation``) and ``no_relations`` (``table.column`` or ``*``)."""
    example = "CHILD.COLUMN=PARENT.COLUMN, e.g. --relation orders.buyer=users.id"
    add = []
    for item in [relations] if isinstance(relations, str) else list(relations or ()):
        child, eq, parent = str(item).partition("=")
        if not eq:
            raise UsageError(f"--relation {item!r}: expected {example}")
        add.append((*_split(child, "--relation", example), *_split(parent, "--relation", example)))
    reject = []
    for item in [no_relations] if isinstance(no_relations, str) else list(no_relations or ()):
        item = str(item).strip()
        if item != "*":
            _split(item, "--no-relation", "TABLE.COLUMN or '*', e.g. --no-relation orders.ref_id")
        reject.append(item)
    return RelationOptions(tuple(add), tuple(reject))


def _names(given: Sequence[str] | str | None) -> tuple[str, ...] | None:
    if given is None:
        return None
    return (given,) if isinstance(given, str) else tuple(given)


@dataclass(frozen=True)
class ProfileOptions:
    """The profiling keywords, checked: what the profilers are given (see
    :class:`ProfileArgs` for each keyword)."""

    schema: str | None = None
    tables: tuple[str, ...] | None = None
    exclude: tuple[str, ...] | None = None
    as_of: dt.datetime | None = None
    """Aware UTC; None means "now" when profiling starts."""
    traits: TraitSettings = field(default_factory=TraitSettings)
    privacy: PrivacyOptions = field(default_factory=PrivacyOptions)
    session: SessionOptions = field(default_factory=SessionOptions)
    relations: RelationOptions = field(default_factory=RelationOptions)
    progress: ProgressCallback | None = field(default=None, compare=False, repr=False)
    """Who hears of the work as it is done (not an option of the profile)."""

    @classmethod
    def of(cls, **args: Unpack[ProfileArgs]) -> ProfileOptions:
        """The checked value of ``args``; a bad or unknown keyword is a UsageError."""
        from synth.internal.asof import parse_as_of
        from synth.traits.settings import trait_settings

        unknown = sorted(set(args) - set(ProfileArgs.__annotations__))
        if unknown:
            raise UsageError(
                f"{', '.join(unknown)} is not a profiling option; "
                f"use {', '.join(sorted(ProfileArgs.__annotations__))}"
            )
        return cls(
            schema=args.get("schema"),
            tables=_names(args.get("tables")),
            exclude=_names(args.get("exclude")),
            as_of=parse_as_of(args.get("as_of")),
            traits=trait_settings(
                known_values=args.get("known_values"),
                legacy_after=args.get("legacy_after"),
                time_columns=args.get("time_columns"),
                segment_by=args.get("segment_by"),
            ),
            privacy=privacy_options(
                min_count=args.get("min_count"),
                pii=args.get("pii"),
                not_pii=args.get("not_pii"),
                epsilon=args.get("epsilon"),
            ),
            session=session_options(
                statement_timeout=args.get("statement_timeout"),
                sample=args.get("sample"),
                exact_rows=args.get("exact_rows"),
            ),
            relations=relation_options(args.get("relations"), args.get("no_relations")),
            progress=args.get("progress"),
        )
