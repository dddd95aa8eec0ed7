"""The tables a load writes into, as the target database reports them: a leaf that the
loader's orchestration and its dialects share."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Adjusted", "TargetKey", "TargetTable"]

Adjusted = dict[str, dict[str, int]]
"""Column -> reason (``nul_stripped``, ``nan_replaced``, ``infinity_clamped``) -> rows
whose value the target could not store and was changed."""


@dataclass
class TargetKey:
    """A foreign key the target enforces between two loaded tables."""

    columns: tuple[str, ...]
    parent: str
    """Key of the loaded table it references."""
    parent_columns: tuple[str, ...]
    nullable: bool = True
    """Whether every column of the key may be NULL in the target."""


@dataclass
class TargetTable:
    """One loaded table in the target: its names and what the target enforces on it."""

    key: str
    schema: str | None
    name: str
    sql_name: str
    """Quoted, possibly schema-qualified."""
    not_null: set[str] = field(default_factory=set)
    primary_key: tuple[str, ...] = ()
    foreign_keys: list[TargetKey] = field(default_factory=list)
    spatial: set[str] = field(default_factory=set)
    """Its spatial columns: bound as WKT through the database's constructor."""
    triggers: dict[str, list[str]] = field(default_factory=dict)
    """Its INSERT triggers that insert into other loaded tables: name -> those tables' keys."""
