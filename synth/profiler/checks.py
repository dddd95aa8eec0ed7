"""Reading CHECK constraints: the forms synth models, out of a real SQL parser's tree.

Databases render the same constraint differently: SQLite keeps the text as written,
MariaDB writes ``\\`status\\` in ('a','b')``, PostgreSQL rewrites an IN list to
``(status)::text = ANY ((ARRAY['a'::character varying, ...])::text[])``. The text is
parsed by sqlglot in the source's dialect (see ``docs/architecture.md`` for why sqlglot),
split into its ``AND``-ed conditions, and each condition is matched against the forms
synth generates for (:class:`~synth.model.CheckRule`): a range, a comparison between two
columns, a length, an IN list, a LIKE pattern. ``col IS NULL OR <form on col>`` is the form
itself (a CHECK holds where it is NULL). A condition that is none of them makes the
constraint ``unenforced``: synth keeps its text and checks rows against it where it can.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import sqlglot.expressions as exp

from synth.internal.sql_predicates import (
    DIALECTS,
    VALUE,
    array_items,
    column_name,
    literal_value,
    parse,
    quantifier,
    unwrap,
)
from synth.model import Check, CheckRule, Scalar

__all__ = ["inline_functions", "model_check", "parse_in_list", "parse_json_valid"]

_OPS: dict[type[exp.Expression], str] = {
    exp.EQ: "=",
    exp.NEQ: "<>",
    exp.GT: ">",
    exp.GTE: ">=",
    exp.LT: "<",
    exp.LTE: "<=",
}
_FLIP = {"=": "=", "<>": "<>", ">": "<", ">=": "<=", "<": ">", "<=": ">="}


def _conjuncts(node: exp.Expression) -> list[exp.Expression]:
    node = unwrap(node)
    if isinstance(node, exp.And):
        return _conjuncts(node.this) + _conjuncts(node.expression)
    return [node]


def _in_values(node: exp.Expression) -> tuple[str, tuple[Scalar, ...]] | None:
    """``col IN (lit, ...)`` or PostgreSQL's ``col = ANY (ARRAY[lit, ...])``."""
    node = unwrap(node)
    if isinstance(node, exp.In) and node.args.get("query") is None:
        column = column_name(node.this)
        items = node.expressions
    elif isinstance(node, exp.EQ) and quantifier(node.expression) == "ANY":
        column = column_name(node.this)
        found = array_items(node.expression)
        if found is None:
            return None
        items = found
    else:
        return None
    if column is None or not items:
        return None
    try:
        values = tuple(dict.fromkeys(literal_value(v) for v in items))
    except ValueError:
        return None
    return column, values


def parse_in_list(sqltext: str, dialect: str | None = None) -> tuple[str, tuple[str, ...]] | None:
    """``(column, values)`` if ``sqltext`` says a column is IN a list of string literals
    (a PostgreSQL domain's check names the column ``VALUE``)."""
    tree = parse(sqltext, dialect)
    found = _in_values(tree) if tree is not None else None
    if found is None or not all(isinstance(v, str) for v in found[1]):
        return None
    return found[0], tuple(str(v) for v in found[1])


def parse_json_valid(sqltext: str, dialect: str | None = None) -> str | None:
    """The column of a MariaDB-style ``json_valid(col)`` check (how MariaDB marks JSON)."""
    tree = parse(sqltext, dialect)
    json_valid = isinstance(tree, exp.Anonymous) and tree.name.lower() == "json_valid"
    if json_valid and tree is not None and len(tree.expressions) == 1:
        return column_name(tree.expressions[0])
    return None


def _length_of(node: exp.Expression) -> tuple[str, str] | None:
    """``(column, unit)`` of ``char_length(col)``, ``length(col)``, ``octet_length(col)``."""
    node = unwrap(node)
    if isinstance(node, exp.Length):
        column = column_name(node.this)
        unit = "bytes" if node.args.get("binary") else "characters"
    elif isinstance(node, exp.Anonymous) and node.name.lower() == "octet_length":
        if len(node.expressions) != 1:
            return None
        column, unit = column_name(node.expressions[0]), "bytes"
    else:
        return None
    return (column, unit) if column is not None else None


def _side(node: exp.Expression) -> tuple[str, str | None, Scalar | None] | None:
    """What one side of a comparison is: ("column", name, None), ("length", name+unit...),
    or ("literal", None, value)."""
    name = column_name(node)
    if name is not None:
        return ("column", name, None)
    length = _length_of(node)
    if length is not None:
        return ("length:" + length[1], length[0], None)
    try:
        return ("literal", None, literal_value(node))
    except ValueError:
        return None


def _comparison(node: exp.Expression) -> list[CheckRule] | None:
    op = _OPS.get(type(node))
    if op is None:
        return None
    left, right = _side(node.this), _side(node.expression)
    if left is None or right is None:
        return None
    if left[0] == "literal" and right[0] != "literal":  # 0 <= price: price >= 0
        left, right, op = right, left, _FLIP[op]
    kind, column, _ = left
    if column is None or (right[0] == "literal" and right[2] is None):
        return None
    if kind == "column" and right[0] == "column":
        return [CheckRule(kind="compare", column=column, op=op, other=right[1])]  # type: ignore[arg-type]
    if right[0] != "literal":
        return None
    if kind == "column":
        return [CheckRule(kind="range", column=column, op=op, value=right[2])]  # type: ignore[arg-type]
    if kind.startswith("length:") and isinstance(right[2], int):
        unit = kind.split(":", 1)[1]
        return [
            CheckRule(kind="length", column=column, op=op, value=right[2], unit=unit)  # type: ignore[arg-type]
        ]
    return None


def _between(node: exp.Between) -> list[CheckRule] | None:
    low, high = node.args.get("low"), node.args.get("high")
    if low is None or high is None:
        return None
    rules: list[CheckRule] = []
    for op, bound in ((">=", low), ("<=", high)):
        made = _comparison(_OPS_NODE[op](this=node.this.copy(), expression=bound.copy()))
        if made is None:
            return None
        rules += made
    return rules


_OPS_NODE: dict[str, type[exp.Expression]] = {v: k for k, v in _OPS.items()}


def _rules(node: exp.Expression) -> list[CheckRule] | None:
    """The rules of one condition, or None when it is no form synth models."""
    node = unwrap(node)
    if isinstance(node, exp.Or):  # col IS NULL OR <rules on col>: the rules alone
        for nulled, rest in ((node.this, node.expression), (node.expression, node.this)):
            nulled = unwrap(nulled)
            if (
                isinstance(nulled, exp.Is)
                and not nulled.args.get("negate")
                and isinstance(unwrap(nulled.expression), exp.Null)
            ):
                column = column_name(nulled.this)
                made = _rules(rest)
                if column is not None and made and all(r.column == column for r in made):
                    return made
        return None
    if isinstance(node, exp.Between) and not node.args.get("symmetric"):
        return _between(node)
    if isinstance(node, exp.Like) and not node.args.get("negate"):
        column = column_name(node.this)
        try:
            pattern = literal_value(node.expression)
        except ValueError:
            return None
        if column is None or not isinstance(pattern, str) or node.args.get("escape"):
            return None
        return [CheckRule(kind="like", column=column, value=pattern)]
    found = _in_values(node)
    if found is not None:
        return [CheckRule(kind="in", column=found[0], values=found[1])]
    return _comparison(node)


def _named(rule: CheckRule, names: dict[str, str], value: str | None) -> CheckRule | None:
    """``rule`` with its columns named as the table names them (``VALUE``: the domain's
    column), or None when it reads a column the table does not have."""

    def resolve(name: str | None) -> str | None:
        if name is None:
            return None
        if value is not None and name.upper() == VALUE:
            return value
        return names.get(name.casefold())

    column = resolve(rule.column)
    other = resolve(rule.other)
    if column is None or (rule.other is not None and other is None):
        return None
    return rule.model_copy(update={"column": column, "other": other})


def inline_functions(
    sqltext: str, dialect: str | None, functions: Mapping[str, tuple[tuple[str, ...], str]]
) -> str | None:
    """``sqltext`` with each call of a function in ``functions`` (name -> (parameter
    names, the expression its body selects)) replaced by that expression, its parameters
    (by name or ``$n``) replaced by the call's arguments; None where nothing was inlined."""
    tree = parse(sqltext, dialect)
    if tree is None:
        return None
    done = False

    def replace(node: exp.Expression) -> exp.Expression:
        nonlocal done
        if not isinstance(node, exp.Anonymous):
            return node
        found = functions.get(node.name.lower())
        if found is None or len(found[0]) != len(node.expressions):
            return node
        body = parse(found[1], dialect)
        if body is None:
            return node
        args = {p.lower(): a for p, a in zip(found[0], node.expressions, strict=True)}
        args |= {f"${i + 1}": a for i, a in enumerate(node.expressions)}

        def bind(inner: exp.Expression) -> exp.Expression:
            if isinstance(inner, exp.Column) and inner.name.lower() in args:
                return args[inner.name.lower()].copy()
            if isinstance(inner, exp.Parameter) and f"${inner.name}" in args:
                return args[f"${inner.name}"].copy()
            return inner

        done = True
        return exp.Paren(this=body.transform(bind))

    out = tree.transform(replace)
    return out.sql(dialect=DIALECTS.get(dialect or "", None)) if done else None


def model_check(
    sqltext: str,
    dialect: str | None,
    columns: Sequence[str],
    *,
    name: str | None = None,
    value: str | None = None,
    inlined: str | None = None,
) -> Check:
    """The profile's record of one CHECK of a table with ``columns``; ``value``: the
    column a domain's check is about (its ``VALUE``); ``inlined``: the text with the
    functions it calls inlined (see :func:`inline_functions`), modelled instead."""
    names = {c.casefold(): c for c in columns}
    tree = parse(inlined or sqltext, dialect)
    if tree is None:
        return Check(sql=sqltext, name=name, unenforced=True)
    read: list[str] = []
    for node in tree.find_all(exp.Column):
        found = (
            value
            if value is not None and node.name.upper() == VALUE
            else names.get(node.name.casefold())
        )
        if found is not None and found not in read:
            read.append(found)
    rules: list[CheckRule] = []
    unenforced = False
    for condition in _conjuncts(tree):
        made = _rules(condition)
        named = [_named(r, names, value) for r in made] if made else None
        if not named or any(r is None for r in named):
            unenforced = True
            continue
        rules += [r for r in named if r is not None]
    return Check(
        sql=sqltext,
        name=name,
        inlined=inlined,
        columns=tuple(read),
        rules=tuple(rules),
        unenforced=unenforced,
    )
