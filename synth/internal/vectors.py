"""Vectorised building blocks shared by the samplers: inverse CDFs and byte-built strings."""

from __future__ import annotations

import functools
import math

import numpy as np
import polars as pl
import pyarrow as pa

__all__ = [
    "ALNUM",
    "HEX_CHARS",
    "base36",
    "base_digits",
    "binary_series",
    "chars",
    "concat",
    "fixed_digits",
    "inverse_cdf",
    "null_at",
    "string_series",
    "text",
    "word_corpus",
]

ALNUM = np.frombuffer(b"0123456789abcdefghijklmnopqrstuvwxyz", dtype=np.uint8)


def inverse_cdf(qs: np.ndarray, vs: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Piecewise-linear inverse CDF through (cumulative probability, value) points."""
    return np.interp(u, qs, np.maximum.accumulate(vs))


def _offsets(lengths: np.ndarray) -> np.ndarray:
    offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    return offsets


def _array(kind: pa.DataType, data: np.ndarray, lengths: np.ndarray) -> pa.Array:
    buffers = [None, pa.py_buffer(_offsets(lengths)), pa.py_buffer(np.ascontiguousarray(data))]
    return pa.Array.from_buffers(kind, len(lengths), buffers)


def string_series(data: np.ndarray, lengths: np.ndarray, name: str = "") -> pl.Series:
    """A String series from concatenated UTF-8 ``data`` bytes and per-row byte ``lengths``."""
    return pl.Series(name, _array(pa.large_string(), data, lengths))


def binary_series(data: np.ndarray, lengths: np.ndarray, name: str = "") -> pl.Series:
    """A Binary series from concatenated ``data`` bytes and per-row ``lengths``."""
    return pl.Series(name, _array(pa.large_binary(), data, lengths))


_CONSONANTS = b"bcdfghjklmnprstvwz"
_VOWELS = b"aeiou"


@functools.lru_cache(maxsize=8)
def word_corpus(seed: int) -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    """A seeded corpus of pronounceable words: (text bytes, word start offsets, the words).

    The text is the words in random order, each followed by one space (so it tiles).
    """
    rng = np.random.default_rng(np.random.SeedSequence(abs(seed) * 2 + (seed < 0), spawn_key=(7,)))
    words: list[str] = []
    seen: set[str] = set()
    while len(words) < 2048:
        syll = int(rng.integers(1, 4))
        word = "".join(
            chr(_CONSONANTS[rng.integers(len(_CONSONANTS))])
            + chr(_VOWELS[rng.integers(len(_VOWELS))])
            + (chr(_CONSONANTS[rng.integers(len(_CONSONANTS))]) if rng.random() < 0.4 else "")
            for _ in range(syll)
        )
        if word not in seen:
            seen.add(word)
            words.append(word)
    order = rng.integers(0, len(words), 8192)
    text = (" ".join(words[i] for i in order) + " ").encode("ascii")
    data = np.frombuffer(text, dtype=np.uint8)
    starts = np.concatenate([[0], np.flatnonzero(data[:-1] == ord(" ")) + 1]).astype(np.int64)
    return data, starts, tuple(words)


def text(lengths: np.ndarray, rng: np.random.Generator, seed: int, name: str = "") -> pl.Series:
    """Word-like ASCII strings of exactly ``lengths`` characters, no leading/trailing space."""
    corpus, starts, _ = word_corpus(seed)
    n = len(lengths)
    total = int(lengths.sum())
    longest = int(lengths.max()) if n else 0
    size = len(corpus)
    corpus = np.tile(corpus, math.ceil((longest + size) / size))
    begin = starts[rng.integers(0, len(starts), n)]
    row_starts = np.zeros(n, dtype=np.int64)
    if n:
        np.cumsum(lengths[:-1], out=row_starts[1:])
    idx = np.repeat(begin - row_starts, lengths) + np.arange(total, dtype=np.int64)
    data = corpus[idx]
    ends = row_starts + lengths - 1
    last = ends[lengths > 0]
    data[last[data[last] == ord(" ")]] = ord("e")
    return string_series(data, lengths, name)


def base36(codes: np.ndarray, width: int) -> np.ndarray:
    """Fixed-width base-36 digits of non-negative ``codes``: an (n, width) uint8 array."""
    out = np.empty((len(codes), width), dtype=np.uint8)
    rest = codes.astype(np.int64, copy=True)
    for pos in range(width - 1, -1, -1):
        out[:, pos] = ALNUM[rest % 36]
        rest //= 36
    return out


def base36_width(count: int) -> int:
    """Digits needed to write ``count`` distinct codes (0..count-1) in base 36."""
    width = 1
    while 36**width < count:
        width += 1
    return width


HEX_CHARS = b"0123456789abcdef"


def fixed_digits(values: np.ndarray, width: int) -> pl.Series:
    return pl.Series(values).cast(pl.String).str.zfill(width)


def concat(*parts: pl.Series | str, separator: str = "") -> pl.Series:
    """Row-wise concatenation of Series and literal strings."""
    exprs = [pl.lit(p, pl.String) if isinstance(p, str) else p for p in parts]
    return pl.select(pl.concat_str(exprs, separator=separator)).to_series()


def base_digits(values: np.ndarray, base: int, width: int) -> np.ndarray:
    """(n, width) digits of non-negative ``values`` in ``base``, most significant first."""
    out = np.empty((len(values), width), dtype=np.int64)
    rest = values.astype(np.int64, copy=True)
    for pos in range(width - 1, -1, -1):
        out[:, pos] = rest % base
        rest //= base
    return out


def chars(alphabet: bytes, digits: np.ndarray, widths: np.ndarray) -> pl.Series:
    """Strings of the right-aligned (n, w) digit matrix, each its last ``widths`` digits,
    written with ``alphabet``."""
    w = digits.shape[1]
    keep = np.arange(w)[None, :] >= (w - widths)[:, None]
    table = np.frombuffer(alphabet, dtype=np.uint8)
    return string_series(table[digits[keep]], widths.astype(np.int64))


def null_at(series: pl.Series, rows: np.ndarray | list[int]) -> pl.Series:
    """``series`` with NULL at ``rows``, whatever its dtype (polars cannot scatter an untyped
    ``None`` into a decimal column)."""
    return series.scatter(rows, pl.Series([None] * len(rows), dtype=series.dtype))
