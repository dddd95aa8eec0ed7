"""IEEE special floats (NaN, +Infinity, -Infinity) in SQL, spelled per database.

PostgreSQL stores all three (``'NaN'::float8``, and NaN compares equal to itself and above
every number); SQLite stores the infinities (``9e999`` overflows to one) and turns NaN into
NULL; MySQL and MariaDB store none. :class:`special` is one of them as a SQL value (NULL
where the database cannot hold it, so a comparison with it never matches) and
:class:`finite` a float expression with the three turned into NULL, so that MIN, MAX and
percentiles describe the finite values only.
"""

from __future__ import annotations

import math
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

__all__ = ["SPECIALS", "finite", "special"]

SPECIALS = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}
"""The three special values by the name PostgreSQL (and a profile) spells them."""

_SQLITE = {"Infinity": "9e999", "-Infinity": "-9e999"}


class special(FunctionElement[float]):
    """``special("NaN" | "Infinity" | "-Infinity")``: that value in SQL, or NULL."""

    name = "synth_special_float"
    type = sa.Float()
    inherit_cache = True

    def __init__(self, which: str) -> None:
        if which not in SPECIALS:
            raise ValueError(f"which={which!r}: one of {', '.join(SPECIALS)}")
        self.which = which
        super().__init__()


@compiles(special)
def _special_default(element: special, compiler: Any, **kw: Any) -> str:
    return "NULL"


@compiles(special, "postgresql")
def _special_postgresql(element: special, compiler: Any, **kw: Any) -> str:
    return f"'{element.which}'::float8"


@compiles(special, "sqlite")
def _special_sqlite(element: special, compiler: Any, **kw: Any) -> str:
    return _SQLITE.get(element.which, "NULL")


class finite(FunctionElement[Any]):
    """``finite(expr)``: ``expr``, NULL where it is NaN or infinite."""

    name = "synth_finite"
    inherit_cache = True

    def __init__(self, expr: Any) -> None:
        super().__init__(expr)
        self.type = expr.type


@compiles(finite)
def _finite_default(element: finite, compiler: Any, **kw: Any) -> str:
    (expr,) = element.clauses
    return str(compiler.process(expr, **kw))


def _finite_case(element: finite, compiler: Any, specials: list[str], **kw: Any) -> str:
    (expr,) = element.clauses
    inner = compiler.process(expr, **kw)
    return f"CASE WHEN {inner} IN ({', '.join(specials)}) THEN NULL ELSE {inner} END"


@compiles(finite, "postgresql")
def _finite_postgresql(element: finite, compiler: Any, **kw: Any) -> str:
    return _finite_case(element, compiler, [f"'{w}'::float8" for w in SPECIALS], **kw)


@compiles(finite, "sqlite")
def _finite_sqlite(element: finite, compiler: Any, **kw: Any) -> str:
    return _finite_case(element, compiler, list(_SQLITE.values()), **kw)
