"""SQL boolean expressions (CHECK constraints) read with sqlglot, and evaluated by polars.

:func:`parse` reads a constraint's text in its database's dialect; :func:`evaluator`
translates the tree into a polars expression over a frame with the same column names,
for the subset of SQL that CHECK constraints are written in: comparisons, ``AND``/``OR``/
``NOT``, ``BETWEEN``, ``IN``, ``IS [NOT] NULL``, ``LIKE``, regular expressions, lengths in
characters or bytes, arithmetic, ``lower``/``upper``/``trim``/``coalesce``, ``json_valid``
and casts. Anything else (a user's function, a subquery) makes :func:`evaluator` return
None: synth cannot evaluate it.

A CHECK passes when its expression is TRUE *or NULL*; polars' boolean operators follow
the same three-valued logic, so :func:`passes` is the expression with NULL read as TRUE.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import Any

import polars as pl
import sqlglot
import sqlglot.expressions as exp

__all__ = [
    "DIALECTS",
    "array_items",
    "column_name",
    "evaluator",
    "like_regex",
    "literal_value",
    "parse",
    "passes",
    "quantifier",
    "regexes",
]

DIALECTS = {"postgresql": "postgres", "mysql": "mysql", "mariadb": "mysql", "sqlite": "sqlite"}
"""synth's dialect names -> sqlglot's."""

VALUE = "VALUE"
"""How a PostgreSQL domain's CHECK names the value it checks."""


def parse(sql: str, dialect: str | None) -> exp.Expression | None:
    """The tree of ``sql`` in ``dialect`` (synth's name: ``postgresql``, ``mariadb``...),
    without its outer parentheses; None where sqlglot cannot read it."""
    # without a dialect: the ANSI reading, then MySQL's (backquoted names)
    readers = [DIALECTS[dialect]] if dialect in DIALECTS else [None, "mysql"]
    for read in readers:
        try:
            return unwrap(sqlglot.parse_one(sql, read=read))
        except (sqlglot.errors.ParseError, sqlglot.errors.TokenError, ValueError):
            continue
    return None


def unwrap(node: exp.Expression) -> exp.Expression:
    """``node`` without the parentheses and no-op casts around it."""
    while isinstance(node, exp.Paren | exp.Cast) and node.this is not None:
        if isinstance(node, exp.Cast) and not _plain_cast(node):
            break
        node = node.this
    return node


def _plain_cast(node: exp.Cast) -> bool:
    """A cast that does not change what a comparison sees (``::text``, ``::numeric``)."""
    to = node.to
    return bool(to) and (
        to.is_type(*exp.DataType.TEXT_TYPES) or to.is_type(*exp.DataType.NUMERIC_TYPES)
    )


def array_items(node: exp.Expression) -> list[exp.Expression] | None:
    """The items of ``ANY (ARRAY[...])`` / ``ALL (...)``'s argument, through every cast."""
    node = node.this if isinstance(node, exp.Any | exp.All) else node
    if isinstance(node, exp.Anonymous) and node.name.upper() in ("ANY", "ALL"):
        if len(node.expressions) != 1:
            return None
        node = node.expressions[0]
    while isinstance(node, exp.Paren | exp.Cast):
        node = node.this
    return list(node.expressions) if isinstance(node, exp.Array) else None


def quantifier(node: exp.Expression) -> str | None:
    """``ANY`` or ``ALL`` where ``node`` is such an argument, else None."""
    if isinstance(node, exp.Any):
        return "ANY"
    if isinstance(node, exp.All):
        return "ALL"
    if isinstance(node, exp.Anonymous) and node.name.upper() in ("ANY", "ALL"):
        return node.name.upper()
    return None


def column_name(node: exp.Expression) -> str | None:
    """The column a node names (through casts and parentheses), else None."""
    node = unwrap(node)
    return node.name if isinstance(node, exp.Column) else None


def literal_value(node: exp.Expression) -> Any:
    """A literal's Python value (``-90`` through its ``Neg``), or raise ValueError."""
    node = unwrap(node)
    if isinstance(node, exp.Neg):
        value = literal_value(node.this)
        if isinstance(value, int | float):
            return -value
        raise ValueError(node.sql())
    if isinstance(node, exp.Boolean):
        return bool(node.this)
    if isinstance(node, exp.Literal):
        if node.is_string:
            return node.this
        text = str(node.this)
        try:
            return int(text)
        except ValueError:
            return float(text)
    raise ValueError(node.sql())


def like_regex(pattern: str, escape: str | None = "\\") -> str:
    """A LIKE pattern as an anchored regular expression."""
    out, i = [], 0
    while i < len(pattern):
        ch = pattern[i]
        if escape and ch == escape and i + 1 < len(pattern):
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        out.append(".*" if ch == "%" else "." if ch == "_" else re.escape(ch))
        i += 1
    return "(?s)^" + "".join(out) + "$"


def _json_valid(text: str | None) -> bool | None:
    if text is None:
        return None
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


class _Untranslatable(Exception):
    pass


_COMPARE: dict[type[exp.Expression], Callable[[pl.Expr, pl.Expr], pl.Expr]] = {
    exp.EQ: lambda a, b: a == b,
    exp.NEQ: lambda a, b: a != b,
    exp.GT: lambda a, b: a > b,
    exp.GTE: lambda a, b: a >= b,
    exp.LT: lambda a, b: a < b,
    exp.LTE: lambda a, b: a <= b,
}
_ARITHMETIC: dict[type[exp.Expression], Callable[[pl.Expr, pl.Expr], pl.Expr]] = {
    exp.Add: lambda a, b: a + b,
    exp.Sub: lambda a, b: a - b,
    exp.Mul: lambda a, b: a * b,
    exp.Div: lambda a, b: a / b,
    exp.Mod: lambda a, b: a % b,
}


class _Translator:
    def __init__(self, schema: Mapping[str, pl.DataType], value: str | None) -> None:
        self.schema = {k.casefold(): (k, v) for k, v in schema.items()}
        self.value = value

    def column(self, name: str) -> tuple[pl.Expr, pl.DataType]:
        if name.upper() == VALUE and self.value is not None:
            name = self.value
        found = self.schema.get(name.casefold())
        if found is None:
            raise _Untranslatable(name)
        return pl.col(found[0]), found[1]

    def dtype(self, node: exp.Expression) -> pl.DataType | None:
        name = column_name(node)
        if name is None:
            return None
        return self.column(name)[1]

    def operand(self, node: exp.Expression, like: pl.DataType | None) -> pl.Expr:
        """A value; a string literal compared with a temporal column becomes its type."""
        node = unwrap(node)
        if isinstance(node, exp.Literal | exp.Neg | exp.Boolean):
            value = literal_value(node)
            if like is not None and isinstance(value, str) and like.is_temporal():
                return pl.lit(value).str.strptime(like, strict=False)  # type: ignore[arg-type]
            if like is not None and like.is_numeric() and isinstance(value, str):
                return pl.lit(value).cast(pl.Float64, strict=False)
            return pl.lit(value)
        return self.expr(node)

    def expr(self, node: exp.Expression) -> pl.Expr:
        node = unwrap(node)
        t = type(node)
        if isinstance(node, exp.Cast):  # a cast that changes the type: to text or a number
            inner = self.expr(node.this)
            if node.to.is_type(*exp.DataType.TEXT_TYPES):
                return inner.cast(pl.String)
            return inner
        if isinstance(node, exp.Column):
            return self.column(node.name)[0]
        if isinstance(node, exp.Null):
            return pl.lit(None)
        if isinstance(node, exp.Literal | exp.Neg | exp.Boolean):
            return pl.lit(literal_value(node))
        if t in _COMPARE:
            like = self.dtype(node.this) or self.dtype(node.expression)
            right = node.expression
            if quantifier(right) is not None:
                return self.quantified(node, right)
            left = self.operand(node.this, like)
            return _COMPARE[t](left, self.operand(right, like))
        if t in _ARITHMETIC:
            return _ARITHMETIC[t](self.expr(node.this), self.expr(node.expression))
        if isinstance(node, exp.And):
            return self.expr(node.this) & self.expr(node.expression)
        if isinstance(node, exp.Or):
            return self.expr(node.this) | self.expr(node.expression)
        if isinstance(node, exp.Not):
            return ~self.expr(node.this)
        if isinstance(node, exp.Is):
            inner = self.expr(node.this)
            if isinstance(unwrap(node.expression), exp.Null):
                return inner.is_not_null() if node.args.get("negate") else inner.is_null()
            raise _Untranslatable(node.sql())
        if isinstance(node, exp.Between):
            like = self.dtype(node.this)
            value = self.expr(node.this)
            low, high = self.operand(node.args["low"], like), self.operand(node.args["high"], like)
            return (value >= low) & (value <= high)
        if isinstance(node, exp.In):
            if node.args.get("query") is not None:
                raise _Untranslatable(node.sql())
            like = self.dtype(node.this)
            values = [literal_value(v) for v in node.expressions]
            inner = self.expr(node.this)
            out = inner.is_in(pl.Series(values).implode()) if values else pl.lit(False)
            return pl.when(inner.is_null()).then(None).otherwise(out)
        if isinstance(node, exp.Like | exp.ILike):
            pattern = literal_value(node.expression)
            regex = like_regex(pattern)
            if isinstance(node, exp.ILike):
                regex = "(?i)" + regex
            out = self.expr(node.this).cast(pl.String).str.contains(regex)
            return ~out if node.args.get("negate") else out
        if isinstance(node, exp.Glob):
            pattern = literal_value(node.expression)
            regex = "(?s)^" + re.escape(pattern).replace(r"\*", ".*").replace(r"\?", ".") + "$"
            return self.expr(node.this).cast(pl.String).str.contains(regex)
        if isinstance(node, exp.RegexpLike | exp.RegexpILike):
            pattern = literal_value(node.expression)
            if isinstance(node, exp.RegexpILike):
                pattern = "(?i)" + pattern
            try:
                re.compile(pattern)
            except re.error as exc:
                raise _Untranslatable(pattern) from exc
            return self.expr(node.this).cast(pl.String).str.contains(pattern)
        if isinstance(node, exp.Length):
            inner = self.expr(node.this).cast(pl.String)
            return inner.str.len_bytes() if node.args.get("binary") else inner.str.len_chars()
        if isinstance(node, exp.Lower):
            return self.expr(node.this).str.to_lowercase()
        if isinstance(node, exp.Upper):
            return self.expr(node.this).str.to_uppercase()
        if isinstance(node, exp.Trim):
            return self.expr(node.this).str.strip_chars(" ")
        if isinstance(node, exp.Coalesce):
            return pl.coalesce([self.expr(node.this), *(self.expr(e) for e in node.expressions)])
        if isinstance(node, exp.Anonymous):
            name = node.name.lower()
            args = node.expressions
            if name == "octet_length" and len(args) == 1:
                return self.expr(args[0]).cast(pl.String).str.len_bytes()
            if name == "json_valid" and len(args) == 1:
                inner = self.expr(args[0]).cast(pl.String)
                return inner.map_elements(_json_valid, return_dtype=pl.Boolean)
        raise _Untranslatable(node.sql())

    def quantified(self, node: exp.Expression, right: exp.Expression) -> pl.Expr:
        """PostgreSQL's ``x = ANY (ARRAY[...])`` and ``x <> ALL (ARRAY[...])``."""
        items = array_items(right)
        if items is None:
            raise _Untranslatable(node.sql())
        values = [literal_value(v) for v in items]
        inner = self.expr(node.this)
        hit = inner.is_in(pl.Series(values).implode())
        if isinstance(node, exp.EQ) and quantifier(right) == "ANY":
            out = hit
        elif isinstance(node, exp.NEQ) and quantifier(right) == "ALL":
            out = ~hit
        else:
            raise _Untranslatable(node.sql())
        return pl.when(inner.is_null()).then(None).otherwise(out)


def evaluator(
    tree: exp.Expression, schema: Mapping[str, pl.DataType], *, value: str | None = None
) -> pl.Expr | None:
    """A polars expression computing ``tree`` over a frame of ``schema`` (column name ->
    dtype; names match case-insensitively); ``value``: the column a domain's ``VALUE``
    stands for. None where ``tree`` holds something synth cannot evaluate."""
    try:
        return _Translator(schema, value).expr(tree)
    except (_Untranslatable, ValueError, TypeError, AttributeError):
        return None


def regexes(sql: str, dialect: str | None) -> list[str]:
    """The patterns a constraint's ``AND``-ed conditions match a column to (``~``,
    ``REGEXP``, ``SIMILAR TO`` is not one)."""
    tree = parse(sql, dialect)
    out: list[str] = []
    stack = [tree] if tree is not None else []
    while stack:
        node = unwrap(stack.pop())
        if isinstance(node, exp.And):
            stack += [node.this, node.expression]
        elif isinstance(node, exp.RegexpLike) and column_name(node.this) is not None:
            try:
                pattern = literal_value(node.expression)
            except ValueError:
                continue
            if isinstance(pattern, str):
                out.append(pattern)
    return out


def passes(expr: pl.Expr) -> pl.Expr:
    """Where a CHECK of expression ``expr`` holds: TRUE or NULL."""
    return expr.fill_null(True)
