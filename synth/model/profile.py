"""The Profile: the one contract between profiling and generation.

A profile describes a data source's schema and per-column statistics. It is a
frozen, validated pydantic model serialized as YAML (see :mod:`synth.model.io`)
with ``kind: synth-profile`` and ``version: 1`` at the top, and keys in declaration
order so that a re-profile is a small diff. Nothing from SQLAlchemy or polars
lives here: values are plain Python scalars, temporal values are ISO-8601 strings.

Fractions are always fractions of *all* rows of the table, so for a column
``null_fraction + sum(f.fraction for f in frequent) + other_fraction == 1``.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field, model_validator

from synth.model.constraints import Check, CheckRule, Scalar, Trigger
from synth.model.constraints import Frozen as _Frozen

__all__ = [
    "PROFILE_KIND",
    "PROFILE_VERSION",
    "Check",
    "CheckRule",
    "Column",
    "ColumnStats",
    "Distribution",
    "Estimates",
    "ForeignKey",
    "LogicalType",
    "OtherValues",
    "Profile",
    "Scalar",
    "SemanticType",
    "Source",
    "Table",
    "TraitStat",
    "Trigger",
    "ValueFrequency",
]

PROFILE_KIND = "synth-profile"
PROFILE_VERSION = 1


Fraction = Annotated[float, Field(ge=0.0, le=1.0)]


class LogicalType(StrEnum):
    """synth's own column types; every SQL or Arrow type maps onto one of these."""

    INTEGER = "integer"
    FLOAT = "float"
    DECIMAL = "decimal"
    BOOLEAN = "boolean"
    STRING = "string"
    DATE = "date"
    DATETIME = "datetime"
    TIME = "time"
    UUID = "uuid"
    JSON = "json"
    BINARY = "binary"
    ARRAY = "array"
    """A one-dimensional array (PostgreSQL ``text[]``): ``items`` names the element type,
    the column's shape fields (``length``, ``size``, ``domain``...) describe the elements,
    and ``stats.lengths`` holds the number of elements per array."""
    GEOMETRY = "geometry"
    """A spatial value (MySQL/MariaDB ``POINT``, ``GEOMETRY``...), as WKT text: ``extent``
    bounds it and ``geometry_types`` says which shapes it holds."""
    OPAQUE = "opaque"
    """A type synth does not understand; generated as NULL where allowed."""


ARRAY_ITEMS = frozenset(
    {
        LogicalType.INTEGER,
        LogicalType.FLOAT,
        LogicalType.DECIMAL,
        LogicalType.BOOLEAN,
        LogicalType.STRING,
        LogicalType.DATE,
        LogicalType.DATETIME,
        LogicalType.TIME,
        LogicalType.UUID,
    }
)
"""The element types an ``array`` column may have."""


class SemanticType(StrEnum):
    """What a column means, guessed from its name and its values' shape."""

    EMAIL = "email"
    NAME = "name"
    FIRST_NAME = "first_name"
    LAST_NAME = "last_name"
    USERNAME = "username"
    PHONE = "phone"
    URL = "url"
    UUID = "uuid"
    ADDRESS = "address"
    CITY = "city"
    COUNTRY = "country"
    POSTCODE = "postcode"
    COMPANY = "company"
    IP = "ip"
    FREE_TEXT = "free_text"
    CARD_NUMBER = "card_number"
    """A payment card number (PAN): 13-19 digits passing the Luhn check."""
    NATIONAL_ID = "national_id"
    """A government or tax identifier: SSN, national id, tax id, passport number..."""
    IBAN = "iban"
    """An international bank account number."""
    SECRET = "secret"
    """A password, password hash, token, API key or other credential."""
    PRIVATE = "private"
    """Personal by the user's word (``--pii``): only shape statistics, values made up."""


class Distribution(_Frozen):
    """Order statistics of a column's non-NULL values (or of their lengths).

    ``min``/``max`` are the extremes; ``pNN`` the NN-th percentile (nearest rank).
    Numeric columns store numbers, temporal columns ISO-8601 strings.
    """

    min: Scalar
    p01: Scalar | None = None
    p05: Scalar | None = None
    p10: Scalar | None = None
    p25: Scalar | None = None
    p50: Scalar | None = None
    p75: Scalar | None = None
    p90: Scalar | None = None
    p95: Scalar | None = None
    p99: Scalar | None = None
    max: Scalar

    def points(self) -> list[tuple[float, Scalar]]:
        """(cumulative probability, value) pairs present, in order, min and max included."""
        out: list[tuple[float, Scalar]] = [(0.0, self.min)]
        for name, q in QUANTILE_POINTS:
            value = getattr(self, name)
            if value is not None:
                out.append((q, value))
        out.append((1.0, self.max))
        return out


QUANTILE_POINTS: tuple[tuple[str, float], ...] = (
    ("p01", 0.01),
    ("p05", 0.05),
    ("p10", 0.10),
    ("p25", 0.25),
    ("p50", 0.50),
    ("p75", 0.75),
    ("p90", 0.90),
    ("p95", 0.95),
    ("p99", 0.99),
)
"""The percentiles a :class:`Distribution` stores, by field name."""


class ValueFrequency(_Frozen):
    """A frequent value and the fraction of all rows holding it."""

    value: Scalar
    fraction: Fraction


class TraitStat(_Frozen):
    """A production shape measured in the source: a named trait and the share of rows
    carrying it. Which optional fields a trait uses is documented in ``docs/traits.md``."""

    trait: str
    """The trait's registered name (``whitespace_padded``, ``legacy_value``, ...)."""
    fraction: Fraction
    """Share of *all* rows of the table that carry the trait."""
    value: Scalar | None = None
    """The value that carries it, where there is one (a legacy value, a sentinel, an instant)."""
    columns: tuple[str, ...] = ()
    """Other columns of the table it involves (a time column, the columns NULL together)."""
    before: str | None = None
    """An ISO-8601 instant bounding it (a legacy value's last appearance, a backfill boundary)."""
    detail: dict[str, Scalar] = Field(default_factory=dict)
    """Further trait-specific numbers, by name."""


CharClass = Literal["lower", "upper", "digit", "space", "punct", "non_ascii"]
"""A class of characters seen in withheld values (:class:`OtherValues`)."""
CHAR_CLASSES: tuple[CharClass, ...] = ("lower", "upper", "digit", "space", "punct", "non_ascii")
LetterCase = Literal["lower", "upper", "title", "mixed"]
"""The dominant letter case of withheld values: ``paid``, ``PAID``, ``Paid`` or ``pAid``."""


class OtherValues(_Frozen):
    """The *other* bucket of a column: values measured by the frequent-value query but
    shared by fewer than ``min_count`` rows, so withheld. Only their share and their shape
    reach the profile, never the values; the generator makes out-of-vocabulary values
    of that shape (see ``docs/privacy.md``)."""

    fraction: Fraction
    """Share of *all* rows holding a value not listed in ``frequent``: always
    ``1 - null_fraction - sum(frequent[].fraction)``."""
    distinct: int = Field(ge=0)
    """How many distinct values the bucket holds."""
    length_min: int | None = Field(default=None, ge=0)
    """Shortest withheld value, in characters (strings)."""
    length_max: int | None = Field(default=None, ge=0)
    """Longest withheld value, in characters (strings)."""
    chars: tuple[CharClass, ...] = ()
    """Character classes present in the withheld values (strings)."""
    case: LetterCase | None = None
    """The dominant letter case of the withheld values that hold letters (strings)."""

    @model_validator(mode="after")
    def _lengths_in_order(self) -> OtherValues:
        if (
            self.length_min is not None
            and self.length_max is not None
            and self.length_min > self.length_max
        ):
            raise ValueError(
                f"length_min={self.length_min!r} is larger than length_max={self.length_max!r}"
            )
        return self


class ColumnStats(_Frozen):
    """Statistics of one column, computed in the source (never from pulled rows)."""

    null_fraction: Fraction = 0.0
    distinct: int | None = Field(default=None, ge=0)
    """Number of distinct non-NULL values (exact or estimated by the source)."""
    values: Distribution | None = None
    """Order statistics of the values: numeric and temporal columns."""
    lengths: Distribution | None = None
    """Order statistics of the character length: string columns."""
    frequent: tuple[ValueFrequency, ...] = ()
    """Most frequent values of a low-cardinality column, most frequent first."""
    other: OtherValues | None = None
    """The withheld values (shared by fewer than ``min_count`` rows): share and shape only."""
    traits: tuple[TraitStat, ...] = ()
    """Production shapes measured in this column (see ``docs/traits.md``)."""

    def non_null(self) -> ColumnStats:
        """The statistics of the non-NULL rows alone: no NULLs, and every share (frequent
        values, the other bucket) divided by the non-NULL share, so values drawn from it
        keep their proportions."""
        rest = 1.0 - self.null_fraction
        if self.null_fraction <= 0.0 or rest <= 0.0:
            return self.model_copy(update={"null_fraction": 0.0})
        frequent = tuple(
            f.model_copy(update={"fraction": min(1.0, f.fraction / rest)}) for f in self.frequent
        )
        other = self.other
        if other is not None:
            other = other.model_copy(update={"fraction": min(1.0, other.fraction / rest)})
        return self.model_copy(update={"null_fraction": 0.0, "frequent": frequent, "other": other})

    @property
    def other_fraction(self) -> float:
        """Fraction of rows holding a non-NULL value not listed in ``frequent``."""
        rest = 1.0 - self.null_fraction - sum(f.fraction for f in self.frequent)
        return max(0.0, rest)

    @model_validator(mode="after")
    def _other_adds_up(self) -> ColumnStats:
        if self.other is not None and abs(self.other.fraction - self.other_fraction) > 1e-5:
            raise ValueError(
                f"other.fraction={self.other.fraction!r} must equal 1 - null_fraction - "
                f"sum(frequent[].fraction) = {self.other_fraction:.6f}; make them add up to 1"
            )
        return self


class Column(_Frozen):
    """A column: its declared shape and its statistics."""

    name: str
    type: LogicalType
    sql_type: str
    """The source's own spelling of the type (``VARCHAR(120)``, ``NUMERIC(12, 2)``)."""
    nullable: bool = True
    length: int | None = Field(default=None, ge=1)
    """Maximum length in characters (strings) or bytes (binary), when declared."""
    precision: int | None = Field(default=None, ge=1)
    scale: int | None = Field(default=None, ge=0)
    size: Literal[1, 2, 4, 8] | None = None
    """Storage size in bytes of an integer or float column (``SMALLINT`` is 2)."""
    timezone: bool = False
    """For ``datetime`` columns: whether values carry a time zone (stored as UTC)."""
    domain: tuple[str, ...] | None = None
    """The declared set of allowed values (enum type or ``CHECK ... IN (...)``)."""
    enum_name: str | None = None
    """Name of the database enum type the domain comes from, if any."""
    items: LogicalType | None = None
    """For ``array`` columns: the type of the elements (one of :data:`ARRAY_ITEMS`)."""
    members: tuple[str, ...] | None = None
    """For MySQL/MariaDB ``SET`` columns: the members. A value is a comma-separated subset
    of them in declared order (``''`` is the empty set); ``length`` is all of them joined."""
    charset: str | None = None
    """The character set a string column stores (MySQL/MariaDB ``latin1``, ``utf8mb3``,
    ``utf8mb4``; the database encoding elsewhere, when it is not UTF-8): generated text
    uses only characters it can hold."""
    collation: str | None = None
    """The column's collation, where the source declares one per column (MySQL/MariaDB)."""
    derived: str | None = None
    """For a column the database computes or that is kept from other columns (a
    ``tsvector``): the SQL expression it is made from, as the schema says (see
    ``docs/constraints.md``)."""
    extent: tuple[float, float, float, float] | None = None
    """For ``geometry`` columns: the box the values lie in (min x, min y, max x, max y),
    rounded outwards to 0.01."""
    geometry_types: tuple[str, ...] | None = None
    """For ``geometry`` columns: the shapes it holds (``POINT``, ``LINESTRING``,
    ``POLYGON``), most frequent first."""
    semantic: SemanticType | None = None
    stats: ColumnStats = ColumnStats()

    @model_validator(mode="after")
    def _check_shape(self) -> Column:
        if self.scale is not None and self.precision is not None and self.scale > self.precision:
            raise ValueError(f"scale={self.scale!r} is larger than precision={self.precision!r}")
        if (self.type is LogicalType.ARRAY) != (self.items is not None):
            raise ValueError(
                f"items={self.items!r} goes with type 'array' and only with it; "
                "set items to the element type of an array column, or remove it"
            )
        if self.items is not None and self.items not in ARRAY_ITEMS:
            allowed = ", ".join(t.value for t in ARRAY_ITEMS)
            raise ValueError(
                f"items={self.items.value!r} cannot be an array element; use {allowed}"
            )
        return self

    def element(self) -> Column:
        """An array column's elements as a column of their own (for samplers and type maps)."""
        if self.items is None:
            raise ValueError(f"column {self.name!r} is not an array")
        return self.model_copy(
            update={"type": self.items, "items": None, "stats": ColumnStats(), "semantic": None}
        )


class ForeignKey(_Frozen):
    """A relation: ``columns`` of this table reference ``ref_columns`` of ``ref_table``.
    Declared in the schema (the default), or ``inferred`` from names and values where the
    schema never declared it (see ``docs/relations.md``); the generator treats both alike,
    the SQL writer declares only the declared ones."""

    columns: tuple[str, ...]
    ref_table: str
    """The referenced table's key (``name``, or ``schema.name`` outside the default schema)."""
    ref_columns: tuple[str, ...]
    inferred: bool = False
    """Not declared in the source's schema: found by name and confirmed by value containment.
    Delete the entry to reject it (and pass ``--no-relation`` when re-profiling)."""
    containment: Fraction | None = None
    """For an inferred relation: the share of the child column's distinct values found among
    the parent's keys, as measured (1.0: no orphan value)."""

    @model_validator(mode="after")
    def _same_arity(self) -> ForeignKey:
        if len(self.columns) != len(self.ref_columns) or not self.columns:
            raise ValueError(
                f"columns={list(self.columns)!r} and ref_columns={list(self.ref_columns)!r} "
                "must be non-empty and of the same length"
            )
        return self


class Estimates(_Frozen):
    """What of a large table comes from a bounded sample (docs/profile-format.md)."""

    rows: int = Field(ge=0)
    """Rows the sample held."""
    method: str
    """How the sample was drawn, e.g. ``TABLESAMPLE SYSTEM (1.2)``."""
    statistics: tuple[str, ...]
    """``distinct`` (Duj1), ``values``, ``lengths``, ``shapes``, ``column traits`` and the
    table traits measured on the sample."""


class Table(_Frozen):
    """A table: its schema and its row count."""

    name: str
    schema_: str | None = Field(default=None, alias="schema")
    """The database schema, when not the connection's default one."""
    rows: int = Field(ge=0)
    primary_key: tuple[str, ...] = ()
    unique: tuple[tuple[str, ...], ...] = ()
    foreign_keys: tuple[ForeignKey, ...] = ()
    columns: tuple[Column, ...]
    traits: tuple[TraitStat, ...] = ()
    """Production shapes that span several columns or rows (NULL patterns, bursts...)."""
    checks: tuple[Check, ...] = ()
    """The table's CHECK constraints (and its domain columns'), see ``docs/constraints.md``."""
    triggers: tuple[Trigger, ...] = ()
    """The triggers that fire on INSERT into the table."""
    estimates: Estimates | None = None
    """Set when some statistics come from a bounded sample (a large table): which, and from
    how many rows. Absent: every statistic is exact (or ``source.sample``'s)."""

    @property
    def key(self) -> str:
        """How the profile names this table: ``name`` or ``schema.name``."""
        return f"{self.schema_}.{self.name}" if self.schema_ else self.name

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)

    @model_validator(mode="after")
    def _references_exist(self) -> Table:
        names = [c.name for c in self.columns]
        if len(set(names)) != len(names):
            dupes = sorted({n for n in names if names.count(n) > 1})
            raise ValueError(f"duplicate column names {dupes!r}")
        known = set(names)
        groups = [("primary_key", self.primary_key)]
        groups += [("unique", u) for u in self.unique]
        groups += [("foreign_keys", fk.columns) for fk in self.foreign_keys]
        groups += [("checks", c.columns) for c in self.checks]
        groups += [
            ("checks", tuple(n for n in (r.column, r.other) if n is not None))
            for c in self.checks
            for r in c.rules
        ]
        for where, cols in groups:
            missing = [c for c in cols if c not in known]
            if missing:
                raise ValueError(f"{where} names unknown columns {missing!r}")
        return self


class Source(_Frozen):
    """Where a profile came from. The URL is stored with its password masked."""

    kind: Literal["database", "files"]
    url: str
    dialect: str | None = None
    schema_: str | None = Field(default=None, alias="schema")
    """The schema profiled (``--schema``), when not the connection's default: table names
    without a schema of their own are in it (``synth diff`` re-profiles it)."""
    as_of: dt.datetime
    """When the source was profiled (UTC); generation anchors time to it by default."""
    min_count: int | None = None
    """k: no raw value in the profile is shared by fewer rows (of its cohort) than this."""
    sample: float | None = None
    """Percent of each table read (``--sample``); counts are scaled up to the whole table."""
    epsilon: float | None = None
    """The differential-privacy budget of the Laplace noise on counts (``--epsilon``)."""


class Profile(_Frozen):
    """A versioned, reviewable description of a data source. See ``docs/profile-format.md``."""

    kind: Literal["synth-profile"]
    version: Literal[1]
    synth_version: str
    source: Source
    tables: tuple[Table, ...]

    def table(self, key: str) -> Table:
        """The table named ``key`` (``name`` or ``schema.name``)."""
        for table in self.tables:
            if table.key == key:
                return table
        raise KeyError(key)

    @model_validator(mode="after")
    def _foreign_keys_resolve(self) -> Profile:
        keys = [t.key for t in self.tables]
        if len(set(keys)) != len(keys):
            raise ValueError(
                f"duplicate table names {sorted({k for k in keys if keys.count(k) > 1})!r}"
            )
        by_key = {t.key: t for t in self.tables}
        for table in self.tables:
            for fk in table.foreign_keys:
                parent = by_key.get(fk.ref_table)
                if parent is None:
                    continue  # a parent outside the profiled set: generated values are free
                missing = [
                    c for c in fk.ref_columns if c not in {col.name for col in parent.columns}
                ]
                if missing:
                    raise ValueError(
                        f"table {table.key!r}: foreign key to {fk.ref_table!r} names unknown "
                        f"columns {missing!r}"
                    )
        return self
