"""String dirt: the text shapes that break comparisons, lookups and validation."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import polars as pl
import sqlalchemy as sa

from synth.internal.charsets import fits
from synth.internal.vectors import string_series
from synth.model import Column, LogicalType, Table, TraitStat
from synth.traits import register
from synth.traits._portable import CONTROL, control_chars, non_ascii, zero_padded
from synth.traits.base import ColumnTrait, MeasureContext, Probe
from synth.traits.formats import format_entries
from synth.traits.sentinels import TrimsToShare

STRING = frozenset({LogicalType.STRING})


def _fit(values: pl.Series, column: Column, room: int) -> pl.Series:
    """Values shortened so that ``room`` more characters still fit the column's length."""
    if column.length is None:
        return values
    return values.str.slice(0, max(0, column.length - room))


@register
class WhitespacePadded(ColumnTrait):
    """**whitespace_padded**: values with leading or trailing spaces (`'ann@example.com '`).

    Breaks equality, uniqueness checks and lookups that do not trim. *Measured* as
    `CHAR_LENGTH(col) <> CHAR_LENGTH(TRIM(col))` summed in the table's aggregate query
    (no extra query; length rather than `<>` because MySQL/MariaDB compare with
    trailing spaces ignored). *Injected* by adding one or two spaces at the end (two
    in three) or the start of otherwise generated values, shortened to fit the
    column's length.
    """

    name = "whitespace_padded"
    family = "strings"
    example = "'abc ' / ' abc'"
    types = STRING
    keeps_unique = True

    def probes(self, column: Column, ctx: MeasureContext) -> Sequence[Probe]:
        return [
            Probe(
                sql=lambda e: sa.func.char_length(e) != sa.func.char_length(sa.func.trim(e)),
                frame=lambda e: e.str.len_chars() != e.str.strip_chars(" ").str.len_chars(),
            )
        ]

    def inject(
        self, values: pl.Series, column: Column, stat: TraitStat, rng: np.random.Generator
    ) -> pl.Series:
        n = len(values)
        width = rng.integers(1, 3, n)
        trailing = rng.random(n) < 2 / 3
        pad = pl.Series([" ", "  "]).gather(width - 1)
        core = _fit(values, column, 2)
        padded = pl.select(
            pl.when(pl.Series(trailing)).then(pl.lit(core) + pad).otherwise(pad + pl.lit(core))
        ).to_series()
        return padded.rename(values.name)


@register
class EmptyString(TrimsToShare):
    """**empty_string**: `''` stored where other rows hold NULL or a value.

    Code that checks `IS NULL` (or `is None`) misses these rows. *Measured* as
    `CHAR_LENGTH(col) = 0` in the aggregate query (no extra query; MySQL/MariaDB
    would find `'' = '  '`). *Injected* by replacing generated values with `''`; the
    length distribution already makes some empty values, and those beyond the measured
    share get fresh ones.
    """

    name = "empty_string"
    family = "strings"
    example = "''"
    types = STRING

    def probes(self, column: Column, ctx: MeasureContext) -> Sequence[Probe]:
        return [
            Probe(sql=lambda e: sa.func.char_length(e) == 0, frame=lambda e: e.str.len_chars() == 0)
        ]

    def inject(
        self, values: pl.Series, column: Column, stat: TraitStat, rng: np.random.Generator
    ) -> pl.Series:
        return pl.Series(values.name, [""] * len(values), dtype=values.dtype)


def _choose(rng: np.random.Generator, options: Sequence[str], n: int) -> pl.Series:
    return pl.Series(list(options), dtype=pl.String).gather(rng.integers(0, len(options), n))


def _splice(core: pl.Series, pos: np.ndarray, piece: pl.Series, drop: int) -> pl.Series:
    """``core`` with ``piece`` put at ``pos`` (per row), replacing ``drop`` characters."""
    p = pl.Series(pos, dtype=pl.Int64)
    out = pl.select(
        pl.lit(core).str.slice(0, pl.lit(p))
        + pl.lit(piece)
        + pl.lit(core).str.slice(pl.lit(p) + drop)
    ).to_series()
    return out.rename(core.name)


_ACCENTED = ("é", "ü", "ñ", "ø", "ç", "å", "ö", "ł", "ž", "中", "日")
_LETTERS = ("é", "ü", "ñ", "ø", "ç", "å", "ö", "ł", "ž")
"""Accented letters with an upper case (a masked column's ``l`` and ``u`` runs hold them)."""


def _accent_letter(values: pl.Series, column: Column, rng: np.random.Generator) -> pl.Series:
    """``values`` with one ASCII letter at or after a random place made an accented letter
    of the same case, so the value keeps its format mask; values without a letter are
    left as they were."""
    pairs = [(c, c.upper()) for c in _LETTERS if fits(c + c.upper(), column.charset)]
    if not pairs:
        return values
    n = len(values)
    pos = pl.Series(
        (rng.random(n) * np.maximum(values.str.len_chars().to_numpy(), 1)).astype(np.int64)
    )
    head, tail = values.str.slice(0, pos), values.str.slice(pos)
    pick = rng.integers(0, len(pairs), n)
    out = values.clone()  # scatter writes in place
    for j, (low, up) in enumerate(pairs):
        rows = pick == j
        if not rows.any():
            continue
        t = tail.filter(rows)
        new = t.str.replace("[a-z]", low)
        new = new.zip_with((new != t).fill_null(True), t.str.replace("[A-Z]", up))
        h = head.filter(rows)
        whole = (h + t).str.replace("[a-z]", low)
        whole = whole.zip_with((whole != h + t).fill_null(True), (h + t).str.replace("[A-Z]", up))
        made = (h + new).zip_with((new != t).fill_null(True), whole)
        out = out.scatter(np.flatnonzero(rows), made)
    return out


_EMOJI = ("😀", "🎉", "👍", "🚀", "🙂")


@register
class NonAscii(ColumnTrait):
    """**non_ascii**: values with characters outside ASCII (`'José'`, `'Zoë'`, `'ok 👍'`).

    Breaks ASCII-only validation, byte-length limits, fixed-width exports and
    encoding-unaware code. *Measured* in the aggregate query (no extra query), spelled
    per database: PostgreSQL `col ~ '[^\\x01-\\x7f]'`; MySQL/MariaDB
    `CHAR_LENGTH(col) <> LENGTH(col)` (characters vs bytes, so columns in a one-byte
    character set such as latin1 are not measured); SQLite
    `length(col) <> length(CAST(col AS BLOB))`; elsewhere `CHAR_LENGTH <> OCTET_LENGTH`.
    *Injected* by replacing one character of a generated value with an accented
    letter or CJK character (three in four) or an emoji, so the length in characters is
    kept; only characters the column's character set holds are used (`latin1`: accented
    letters, `utf8mb3`: no emoji). In a column with format masks a letter becomes an
    accented letter of its case (`Sheri` -> `Shéri`), so the value keeps its mask.
    """

    name = "non_ascii"
    family = "strings"
    example = "'Zoë' / 'ok 👍'"
    types = STRING
    keeps_unique = False

    def probes(self, column: Column, ctx: MeasureContext) -> Sequence[Probe]:
        return [
            Probe(sql=non_ascii, frame=lambda e: e.str.len_bytes() != e.str.len_chars()),
        ]

    def inject(
        self, values: pl.Series, column: Column, stat: TraitStat, rng: np.random.Generator
    ) -> pl.Series:
        if format_entries(column):
            values = _accent_letter(values, column, rng)
        # only characters the column's character set holds (latin1: no CJK, utf8mb3: no emoji)
        n = len(values)
        accented = [c for c in _ACCENTED if fits(c, column.charset)]
        emojis = [c for c in _EMOJI if fits(c, column.charset)]
        if not accented and not emojis:
            return values
        emoji = rng.random(n) < (0.25 if emojis and accented else 1.0 if emojis else 0.0)
        piece = _choose(rng, accented or emojis, n).zip_with(
            pl.Series(~emoji), _choose(rng, emojis or accented, n)
        )
        lengths = values.str.len_chars().to_numpy()
        pos = (rng.random(n) * np.maximum(lengths, 1)).astype(np.int64)
        spliced = _splice(values, pos, piece, 1)
        done = (values.str.len_bytes() != values.str.len_chars()).fill_null(False)
        return values.zip_with(done, spliced)


@register
class ControlChars(ColumnTrait):
    """**control_chars**: values holding tabs, newlines, carriage returns or other control
    characters (C0 except NUL, and DEL): `'line one\\nline two'`, `'a\\tb'`.

    Breaks CSV exports, log lines, single-line UI fields and naive parsers. *Measured*
    in the aggregate query (no extra query): PostgreSQL `col ~ '[\\x01-\\x1f\\x7f]'`,
    MySQL/MariaDB `col REGEXP` the same class, SQLite `col GLOB '*[\\x01-\\x1f\\x7f]*'`
    (the pattern is a bound parameter); elsewhere tab, LF and CR by `LIKE`. *Injected*
    by inserting `\\t`, `\\n` (two in five each) or `\\r\\n` inside a generated value,
    shortened to fit the column's length.
    """

    name = "control_chars"
    family = "strings"
    example = "'a\\tb' / 'line\\nbreak'"
    types = STRING
    keeps_unique = False

    def probes(self, column: Column, ctx: MeasureContext) -> Sequence[Probe]:
        return [Probe(sql=control_chars, frame=lambda e: e.str.contains(f"[{CONTROL}]"))]

    def inject(
        self, values: pl.Series, column: Column, stat: TraitStat, rng: np.random.Generator
    ) -> pl.Series:
        n = len(values)
        core = _fit(values, column, 2)
        lengths = core.str.len_chars().to_numpy().astype(np.int64)
        inside = 1 + (rng.random(n) * np.maximum(lengths - 1, 0)).astype(np.int64)
        pos = np.where(lengths >= 2, inside, lengths)
        breaks = pl.Series(["\t", "\t", "\n", "\n", "\r\n"]).gather(rng.integers(0, 5, n))
        return _splice(core, pos, breaks, 0)


_FIXED_WIDTH = re.compile(r"^\s*(n?char|character|bpchar|nchar)\s*(\(|$)", re.IGNORECASE)


@register
class MaxLength(TrimsToShare):
    """**max_length**: values exactly as long as the column's declared length
    (`VARCHAR(20)` holding `'Bartholomew Fitzgera'`), often truncated input.

    Breaks code that appends to values, UI layouts, and the next migration that
    shortens the column. Measured only on columns with a declared length that are not
    fixed-width (`CHAR(n)`, where every value has that length). *Measured* as
    `CHAR_LENGTH(col) = length` in the aggregate query (no extra query). *Injected* by
    extending generated values with random letters to exactly `length` characters; the
    length distribution already makes some values of that length, and those beyond the
    measured share get fresh ones.
    """

    name = "max_length"
    family = "strings"
    example = "'abcdefghij' in VARCHAR(10)"
    types = STRING

    def describe(self, stat: TraitStat, table: Table, column: Column | None = None) -> str:
        if column is None or column.length is None:
            return self.summary()
        return f"{column.length} characters in {column.sql_type}"

    def applies(self, column: Column, table: Table) -> bool:
        return (
            super().applies(column, table)
            and column.length is not None
            and not _FIXED_WIDTH.match(column.sql_type)
        )

    def probes(self, column: Column, ctx: MeasureContext) -> Sequence[Probe]:
        size = column.length
        return [
            Probe(
                sql=lambda e: sa.func.char_length(e) == size,
                frame=lambda e: e.str.len_chars() == size,
            )
        ]

    def nearness(self, values: pl.Series, column: Column, stat: TraitStat) -> np.ndarray | None:
        return values.str.len_chars().fill_null(-1).cast(pl.Float64).to_numpy()

    def inject(
        self, values: pl.Series, column: Column, stat: TraitStat, rng: np.random.Generator
    ) -> pl.Series:
        size = column.length or int(values.str.len_chars().max() or 1)
        n = len(values)
        letters = rng.integers(ord("a"), ord("z") + 1, size=n * size, dtype=np.uint8)
        filler = string_series(letters, np.full(n, size, dtype=np.int64))
        return (values + filler).str.slice(0, size).rename(values.name)


@register
class LeadingZeros(ColumnTrait):
    """**leading_zeros**: numeric strings with leading zeros (`'007'`, zip code `'02134'`).

    Lost by any code or spreadsheet that converts them to numbers. Counts values of
    two or more digits starting with `0`. *Measured* in the aggregate query (no extra
    query): PostgreSQL `col ~ '^0[0-9]+$'`, MySQL/MariaDB `col REGEXP` the same,
    SQLite `col GLOB '0[0-9]*' AND NOT col GLOB '*[^0-9]*'`; elsewhere `LIKE '0_%'`
    and nothing left after removing the ten digits. *Injected* keeping the length: a
    digit-only value gets its first one or two digits replaced by zeros; another
    value becomes zeros followed by random digits.
    """

    name = "leading_zeros"
    family = "strings"
    example = "'007' / '02134'"
    types = STRING

    def applies(self, column: Column, table: Table) -> bool:
        return super().applies(column, table) and (column.length or 2) >= 2

    def probes(self, column: Column, ctx: MeasureContext) -> Sequence[Probe]:
        return [Probe(sql=zero_padded, frame=lambda e: e.str.contains(r"^0[0-9]+$"))]

    def inject(
        self, values: pl.Series, column: Column, stat: TraitStat, rng: np.random.Generator
    ) -> pl.Series:
        n = len(values)
        lengths = values.str.len_chars().to_numpy().astype(np.int64)
        lengths = np.clip(lengths, 2, column.length or max(2, int(lengths.max(initial=2))))
        digits = string_series(
            rng.integers(ord("0"), ord("9") + 1, size=int(lengths.sum()), dtype=np.uint8), lengths
        )
        own = values.str.contains(r"^[0-9]{2,}$") & (values.str.len_chars() == pl.Series(lengths))
        base = digits.zip_with(~own, values)
        zeros = np.minimum(rng.integers(1, 3, n), lengths - 1)
        pad = pl.Series(["0", "00"]).gather(zeros - 1)
        rest = pl.select(pl.lit(base).str.slice(pl.lit(pl.Series(zeros, dtype=pl.Int64))))
        return (pad + rest.to_series()).rename(values.name)
