"""Which characters a database column's character set can hold.

MySQL/MariaDB name a character set per column (``latin1`` is Windows-1252 there,
``utf8mb3`` the Basic Multilingual Plane, ``utf8mb4`` all of Unicode); PostgreSQL has
one encoding per database (``LATIN1``, ``WIN1252``, ``SQL_ASCII``...). :func:`outside`
is a regular expression (for polars) matching one character the set cannot hold, or
None where it holds every character.
"""

from __future__ import annotations

import codecs
import functools

__all__ = ["fits", "outside"]

_CODECS = {
    "latin1": "cp1252",  # MySQL's latin1 is Windows-1252
    "ascii": "ascii",
    "sql_ascii": "ascii",
    "win1252": "cp1252",
    "win1250": "cp1250",
    "win1251": "cp1251",
    "latin2": "iso8859_2",
    "latin9": "iso8859_15",
    "greek": "iso8859_7",
    "hebrew": "iso8859_8",
    "cp1250": "cp1250",
    "cp1251": "cp1251",
    "cp1256": "cp1256",
    "cp1257": "cp1257",
    "koi8r": "koi8_r",
    "koi8u": "koi8_u",
    "swe7": "ascii",
    "dec8": "latin_1",
}
_UNICODE = {"utf8mb4", "utf8", "utf-8", "utf16", "utf32", "utf16le", "ucs2"}
"""Sets holding every character (MySQL's ``utf8`` is utf8mb3 before 8.0.30: see below)."""
_BMP = {"utf8mb3", "ucs2"}


@functools.lru_cache(maxsize=64)
def outside(charset: str | None) -> str | None:
    """A regex class matching one character ``charset`` cannot store (None: all fit)."""
    if charset is None:
        return None
    name = charset.lower().replace("-", "").replace("_", "")
    if name in _BMP or name == "utf8":  # MySQL's utf8 has been utf8mb3 for years
        return r"[^\x{0}-\x{FFFF}]"
    if name in _UNICODE:
        return None
    codec = _CODECS.get(name, name)
    try:
        codecs.lookup(codec)
    except LookupError:
        return None  # a set synth does not know: trust it
    allowed = sorted({c for c in map(chr, range(0x10000)) if _encodes(c, codec)})
    ranges = []
    start = prev = ord(allowed[0])
    for ch in allowed[1:]:
        code = ord(ch)
        if code != prev + 1:
            ranges.append((start, prev))
            start = code
        prev = code
    ranges.append((start, prev))
    inner = "".join(rf"\x{{{a:X}}}-\x{{{b:X}}}" if a != b else rf"\x{{{a:X}}}" for a, b in ranges)
    return f"[^{inner}]"


def _encodes(ch: str, codec: str) -> bool:
    try:
        ch.encode(codec)
    except UnicodeEncodeError:
        return False
    return True


def fits(text: str, charset: str | None) -> bool:
    """Whether ``charset`` can store every character of ``text``."""
    return all(_fits_char(c, charset) for c in text)


def _fits_char(ch: str, charset: str | None) -> bool:
    name = (charset or "").lower().replace("-", "").replace("_", "")
    if name in _BMP or name == "utf8":
        return ord(ch) <= 0xFFFF
    if name in _UNICODE or not name:
        return True
    codec = _CODECS.get(name, name)
    try:
        return _encodes(ch, codec)
    except LookupError:
        return True
