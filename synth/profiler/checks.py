"""Reading value domains out of reflected CHECK constraint text.

Databases render ``CHECK (status IN ('a', 'b'))`` differently: SQLite keeps the
text as written, MariaDB writes ``\\`status\\` in ('a','b')``, PostgreSQL rewrites
it to ``(status)::text = ANY ((ARRAY['a'::character varying, ...])::text[])``.
The text is tokenized, casts and parentheses are dropped, and what remains must
be exactly ``column IN lit, lit...`` or ``column = ANY ARRAY lit, lit...``.
Anything else (``NOT IN``, ``AND``, numbers) is not a domain and is ignored.
"""

from __future__ import annotations

import re

__all__ = ["parse_in_list", "parse_json_valid"]

_TOKEN = re.compile(
    r"""
    (?P<str>'(?:[^']|'')*')
  | (?P<qid>"(?:[^"]|"")+"|`(?:[^`]|``)+`)
  | (?P<cast>::)
  | (?P<word>[A-Za-z_][\w$]*)
  | (?P<num>\d+(?:\.\d+)?)
  | (?P<ws>\s+)
  | (?P<punct>\S)
    """,
    re.VERBOSE,
)
_TYPE_SUFFIX_WORDS = {"varying", "precision", "with", "without", "time", "zone"}


def _tokens(sql: str) -> list[tuple[str, str]] | None:
    out: list[tuple[str, str]] = []
    pos = 0
    while pos < len(sql):
        m = _TOKEN.match(sql, pos)
        if m is None:  # pragma: no cover - the punct branch matches any non-space
            return None
        pos = m.end()
        kind = m.lastgroup or ""
        if kind != "ws":
            out.append((kind, m.group()))
    return out


def _drop_casts(tokens: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Remove ``::type``, ``::character varying(20)[]`` and similar casts."""
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(tokens):
        if tokens[i][0] != "cast":
            out.append(tokens[i])
            i += 1
            continue
        i += 1
        if i < len(tokens) and tokens[i][0] in ("word", "qid"):
            i += 1
        while (
            i < len(tokens)
            and tokens[i][0] == "word"
            and tokens[i][1].lower() in _TYPE_SUFFIX_WORDS
        ):
            i += 1
        if i + 1 < len(tokens) and tokens[i][1] == "(" and tokens[i + 1][0] == "num":
            j = i + 1
            while j < len(tokens) and tokens[j][1] != ")":
                j += 1
            i = j + 1
        while i + 1 < len(tokens) and tokens[i][1] == "[" and tokens[i + 1][1] == "]":
            i += 2
    return out


def _ident(kind: str, text: str) -> str:
    if kind == "qid":
        inner = text[1:-1]
        return inner.replace(text[0] * 2, text[0]) if text[0] in '"`' else inner
    return text


def parse_in_list(sqltext: str) -> tuple[str, tuple[str, ...]] | None:
    """``(column, values)`` if ``sqltext`` says a column is IN a list of string literals.

    PostgreSQL domain checks name the column ``VALUE``.
    """
    tokens = _tokens(sqltext)
    if not tokens:
        return None
    tokens = [t for t in _drop_casts(tokens) if t[1] not in ("(", ")", "[", "]")]
    if len(tokens) < 3 or tokens[0][0] not in ("word", "qid"):
        return None
    column = _ident(*tokens[0])
    rest = tokens[1:]
    words = [t[1].lower() for t in rest[:3]]
    if words[:1] == ["in"]:
        items = rest[1:]
    elif words == ["=", "any", "array"]:
        items = rest[3:]
    else:
        return None
    values: list[str] = []
    for n, (kind, text) in enumerate(items):
        if n % 2 == 0:
            if kind != "str":
                return None
            values.append(text[1:-1].replace("''", "'"))
        elif text != ",":
            return None
    if not values or len(items) % 2 == 0:
        return None
    return column, tuple(dict.fromkeys(values))


_JSON_VALID = re.compile(r"^\(*\s*json_valid\s*\(\s*(`(?:[^`]|``)+`|\w+)\s*\)\s*\)*$", re.I)


def parse_json_valid(sqltext: str) -> str | None:
    """The column of a MariaDB-style ``json_valid(col)`` check (how MariaDB marks JSON)."""
    m = _JSON_VALID.match(sqltext.strip())
    if m is None:
        return None
    name = m.group(1)
    return name[1:-1].replace("``", "`") if name.startswith("`") else name
