"""Relations the schema never declared: candidates by name, confirmed by values in SQL.

Production schemas often lack foreign keys (dropped for speed, never added, a MyISAM past),
yet the application joins on them. A column is a *candidate* reference to a profiled
table's key when its name says so (:func:`candidates`), and the relation is *inferred*
when the database confirms it: nearly every distinct value of the column is among the
parent's keys (:func:`confirm`, one query per candidate). Inferred relations are recorded
as ``ForeignKey(inferred=True, containment=...)`` on the child table, and from there on
they are relations like declared ones: the relation traits measure them and the generator
draws their values from the parent's keys. Independent of table order; see
``docs/relations.md``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import sqlalchemy as sa

from synth.errors import UsageError
from synth.model import ForeignKey, LogicalType
from synth.profiler.options import RelationOptions
from synth.profiler.reflect import ReflectedTable
from synth.profiler.session import execute

__all__ = [
    "MIN_CONTAINMENT",
    "Candidate",
    "Containment",
    "candidates",
    "confirm",
    "infer_relations",
    "tokens",
]

MIN_CONTAINMENT = 0.9
"""A candidate is a relation when at least this share of its distinct values are parent
keys (planted or decayed orphans leave a few out; an unrelated id column shares almost
none)..."""
MAX_ORPHAN_ROWS, MIN_CONTAINMENT_WITH_FEW_ORPHANS = 0.05, 0.5
"""... or when at most 5% of its rows are orphans and half its distinct values are keys
(orphans spread over many values, each in few rows: deleted customers' orders)."""
_KEY_TYPES = frozenset({LogicalType.INTEGER, LogicalType.STRING, LogicalType.UUID})
_ID = frozenset({"id", "key", "code", "uuid", "ref", "no", "num", "nr", "fk", "pk"})
"""Name tokens that mark a column as an identifier (``customer_id``, ``id_branch``...)."""
_GENERIC = frozenset({"id", "key", "code", "uuid", "pk", "name"})
"""Key names too common to relate two tables by sameness alone."""
_ROLES = frozenset(
    {
        "rep", "agent", "assignee", "assigned", "owner", "manager", "supervisor",
        "reports", "author", "creator", "created", "updated", "modified", "approver",
        "approved", "reviewer", "reviewed", "recipient", "sender", "requester",
        "reporter", "handler", "lead", "head", "boss", "mentor", "sponsor", "closed",
    }
)  # fmt: skip
"""Words naming a person's role: ``support_rep_id``, ``assignee_id``, ``created_by``."""
_PEOPLE = frozenset(
    {"employee", "staff", "user", "agent", "person", "people", "member", "admin", "operator",
     "worker", "account_manager", "rep"}
)  # fmt: skip
"""Tables of people a role word may point at (singular)."""
_HIERARCHY = frozenset(
    {"parent", "reports", "manager", "supervisor", "boss", "mentor", "lead", "head", "superior"}
)
"""Words of a table pointing at its own rows (``parent_id``, ``reports_to``)."""


def tokens(name: str) -> list[str]:
    """Lower-case words of a name: ``SupportRepId`` -> support, rep, id; ``id_branch`` ->
    id, branch; ``ISBN`` -> isbn."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name)
    return [t for t in re.split(r"[^0-9a-zA-Z]+", spaced.lower()) if t]


def _singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ses", "xes", "ches", "shes", "zes")):
        return word[:-2]
    if word == "people":
        return "person"
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


def _forms(table: str) -> set[str]:
    """How a column may name ``table``: ``order_lines`` -> order_lines, order_line, lines, line."""
    words = tokens(table)
    if not words:
        return set()
    last = words[-1]
    out = {last, _singular(last)}
    if len(words) > 1:
        out |= {"_".join(words), "_".join([*words[:-1], _singular(last)])}
    return out


def _stem(words: list[str]) -> list[str]:
    """The words of a column name without identifier words at either end."""
    start, end = 0, len(words)
    while start < end and words[start] in _ID:
        start += 1
    while end > start and words[end - 1] in _ID:
        end -= 1
    return words[start:end]


@dataclass(frozen=True)
class Candidate:
    """``child.column`` may reference ``parent.key``; ``score`` is the name evidence (3: the
    name says it, 2: a role or hierarchy word does)."""

    child: str
    column: str
    parent: str
    key: str
    score: int
    unique_key: bool = True
    """Whether the parent key is declared unique (else the query checks it)."""


def _parent_keys(table: ReflectedTable) -> list[tuple[str, bool]]:
    """(column, declared unique) of ``table`` that a reference may point at: its one-column
    primary key and unique keys, and members of a composite primary key named after the
    table (``invoices.invoice_id`` in ``(invoice_id, period_start)`` of a partitioned table)."""
    types = {c.name: c.info.logical for c in table.columns}
    out: list[tuple[str, bool]] = []
    singles = [k for k in (table.primary_key, *table.unique) if len(k) == 1]
    for (name,) in singles:
        if types.get(name) in _KEY_TYPES and (name, True) not in out:
            out.append((name, True))
    if len(table.primary_key) > 1:
        words = tokens(table.name)  # the whole name: book_authors.author_id is no parent key
        forms = {"_".join(words), "_".join([*words[:-1], _singular(words[-1])])} if words else set()
        for name in table.primary_key:
            stem = _stem(tokens(name))
            if types.get(name) in _KEY_TYPES and "_".join(stem) in forms:
                out.append((name, False))
    return out


def _score(child: ReflectedTable, column: str, parent: ReflectedTable, key: str) -> int:
    """How strongly the names say ``child.column`` references ``parent.key`` (0: not)."""
    words, key_words = tokens(column), tokens(key)
    stem = _stem(words)
    generic = set(key_words) <= _GENERIC
    if not generic and words[-len(key_words) :] == key_words:
        return 3  # isbn, ArtistId, home_branch_id -> branches.branch_id
    has_id = words[0] in _ID or words[-1] in _ID
    forms = _forms(parent.name)
    if has_id and stem and ("_".join(stem) in forms or stem[-1] in forms):
        return 3  # customer_id, members_id, id_publisher, TrackId
    role_word = has_id or words[-1] in ("to", "by")
    if role_word and parent.key == child.key and set(stem) & _HIERARCHY:
        return 2  # parent_id, reports_to: the table's own rows
    if role_word and set(stem) & _ROLES and forms & _PEOPLE:
        return 2  # support_rep_id -> employees, assignee_id -> agents
    return 0


def candidates(tables: Sequence[ReflectedTable]) -> list[Candidate]:
    """Every name-based candidate among ``tables``: a column of a key type, in no declared
    foreign key, whose name points at another table's key of the same type (or at its own
    table's, for a hierarchy)."""
    keys = {t.key: _parent_keys(t) for t in tables}
    out = []
    for child in tables:
        declared = {c for fk in child.foreign_keys for c in fk.columns}
        own_pk = child.primary_key[0] if len(child.primary_key) == 1 else None
        for col in child.columns:
            if col.name in declared or col.info.logical not in _KEY_TYPES:
                continue
            for parent in tables:
                for key, unique in keys[parent.key]:
                    if parent.key == child.key and col.name in (key, own_pk):
                        continue
                    if parent.column_type(key) is not col.info.logical:
                        continue
                    score = _score(child, col.name, parent, key)
                    if score:
                        out.append(Candidate(child.key, col.name, parent.key, key, score, unique))
    return out


@dataclass(frozen=True)
class Containment:
    """What the confirming query measured for one candidate."""

    distinct: int
    """Distinct non-NULL values of the child column."""
    found: int
    """How many of them are parent keys."""
    rows: int
    """Non-NULL child rows."""
    orphan_rows: int
    """Non-NULL child rows whose value is no parent key."""
    parent_rows: int = 0
    """Rows of the parent table."""
    duplicate_keys: int = 0
    """Parent rows whose key value repeats (0 for a usable key)."""

    @property
    def share(self) -> float:
        return self.found / self.distinct if self.distinct else 0.0


def confirm(
    conn: sa.Connection, child: ReflectedTable, parent: ReflectedTable, cand: Candidate
) -> Containment:
    """One query: ``SELECT COUNT(DISTINCT c.col), COUNT(DISTINCT p.key), COUNT(c.col),
    COUNT(p.key) FROM child c LEFT JOIN (SELECT DISTINCT key FROM parent) p ON c.col = p.key
    WHERE c.col IS NOT NULL`` (and, for a key not declared unique, how often it repeats)."""
    c = sa.table(child.name, sa.column(cand.column), schema=child.query_schema).alias("c")
    base = sa.table(parent.name, sa.column(cand.key), schema=parent.query_schema)
    keys = sa.select(base.c[cand.key]).where(base.c[cand.key].is_not(None)).distinct()
    p = keys.subquery("p")
    col, key = c.c[cand.column], p.c[cand.key]
    items = [
        sa.func.count(sa.distinct(col)),
        sa.func.count(sa.distinct(key)),
        sa.func.count(col),
        sa.func.count(key),
        sa.select(sa.func.count()).select_from(base).scalar_subquery(),
    ]
    if not cand.unique_key:
        everything = sa.select(sa.func.count(base.c[cand.key])).scalar_subquery()
        distinct = sa.select(sa.func.count(sa.distinct(base.c[cand.key]))).scalar_subquery()
        items.append(everything - distinct)
    query = sa.select(*items).select_from(c.outerjoin(p, col == key)).where(col.is_not(None))
    label = f"the relation query of {child.key}.{cand.column} -> {parent.key}.{cand.key}"
    row = execute(conn, query.prefix_with("/* synth:profile */"), label).one()
    distinct, found, rows, matched, parent_rows = (int(v or 0) for v in row[:5])
    duplicates = int(row[5] or 0) if len(row) > 5 else 0
    return Containment(distinct, found, rows, rows - matched, parent_rows, duplicates)


def _affinity(child: str, parent: str) -> int:
    """Words the two table names share (``perishable_products`` and ``physical_products``
    share one; ``physical_products`` and ``stock`` none)."""
    return len(set(tokens(child.rpartition(".")[2])) & set(tokens(parent.rpartition(".")[2])))


def _best(found: Iterable[tuple[Candidate, Containment]]) -> tuple[Candidate, Containment]:
    """The candidate the evidence favours: the stronger name, then the parent whose name is
    nearer the child's (a subtype table's own supertype, not a sibling sharing the key),
    then the higher containment, then the smaller parent (the nearest link of a chain of
    shared keys)."""

    def rank(f: tuple[Candidate, Containment]) -> tuple[int, int, float, int, str, str]:
        c, m = f
        return (-c.score, -_affinity(c.child, c.parent), -m.share, m.parent_rows, c.parent, c.key)

    return min(found, key=rank)


def infer_relations(
    conn: sa.Connection, tables: Sequence[ReflectedTable], options: RelationOptions
) -> None:
    """Add every confirmed relation to its child table's ``foreign_keys`` as ``inferred``
    (and the ones ``options`` adds, measured the same way)."""
    by_key = {t.key: t for t in tables}
    for child, column, parent, key in options.add:
        _check_added(by_key, child, column, parent, key)
    chosen = [c for c in candidates(tables) if not options.rejects(c.child, c.column)]
    forced = {(a[0], a[1]) for a in options.add}
    chosen = [c for c in chosen if (c.child, c.column) not in forced]
    chosen += [Candidate(a[0], a[1], a[2], a[3], 9) for a in options.add]

    # the reverse of a declared key is no candidate (stock.product_id -> products, so not
    # products.product_id -> stock)
    declared = {
        (fk.ref_table, fk.ref_columns[0], t.key, fk.columns[0])
        for t in tables
        for fk in t.foreign_keys
        if len(fk.columns) == 1
    }
    chosen = [c for c in chosen if (c.child, c.column, c.parent, c.key) not in declared]

    rows = {t.key: t for t in tables}
    per_column: dict[tuple[str, str], list[tuple[Candidate, Containment]]] = {}
    for cand in chosen:
        measured = confirm(conn, rows[cand.child], rows[cand.parent], cand)
        if cand.score < 9 and not _holds(cand, measured, rows):
            continue
        per_column.setdefault((cand.child, cand.column), []).append((cand, measured))
    picked = {col: _best(found) for col, found in per_column.items()}
    for (child_key, column), (cand, measured) in sorted(_one_direction(picked, rows).items()):
        child = rows[child_key]
        fk = ForeignKey(
            columns=(column,),
            ref_table=cand.parent,
            ref_columns=(cand.key,),
            inferred=True,
            containment=round(measured.share, 4),
        )
        child.foreign_keys = (*child.foreign_keys, fk)


def _holds(cand: Candidate, m: Containment, tables: dict[str, ReflectedTable]) -> bool:
    if m.distinct == 0 or m.duplicate_keys:
        return False
    child = tables[cand.child]
    if child.primary_key == (cand.column,):
        # a shared primary key: every row must have its parent, a one-to-one cannot decay
        return m.orphan_rows == 0
    few_orphans = m.orphan_rows <= MAX_ORPHAN_ROWS * m.rows
    return m.share >= MIN_CONTAINMENT or (
        few_orphans and m.share >= MIN_CONTAINMENT_WITH_FEW_ORPHANS
    )


def _one_direction(
    picked: dict[tuple[str, str], tuple[Candidate, Containment]],
    tables: dict[str, ReflectedTable],
) -> dict[tuple[str, str], tuple[Candidate, Containment]]:
    """Drop the reverse of a shared-key pair: when ``a.id -> b.id`` and ``b.id -> a.id`` both
    hold, the table with fewer keys is the child (``user_profiles`` of ``users``)."""
    out = dict(picked)
    for (child, column), (cand, m) in picked.items():
        back = picked.get((cand.parent, cand.key))
        if back is None or back[0].parent != child or back[0].key != column:
            continue
        mine, theirs = m.distinct, back[1].distinct
        if (mine, child) > (theirs, cand.parent):
            out.pop((child, column), None)
    return out


def _check_added(
    tables: dict[str, ReflectedTable], child: str, column: str, parent: str, key: str
) -> None:
    for table, col in ((child, column), (parent, key)):
        found = tables.get(table)
        if found is None:
            known = ", ".join(sorted(tables)) or "(none)"
            raise UsageError(
                f"--relation {child}.{column}={parent}.{key}: table {table!r} is not profiled; "
                f"profiled tables: {known}"
            )
        if found.column_type(col) is None:
            names = ", ".join(c.name for c in found.columns)
            raise UsageError(
                f"--relation {child}.{column}={parent}.{key}: {table} has no column {col!r}; "
                f"its columns: {names}"
            )
