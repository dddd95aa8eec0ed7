"""``docs/traits.md``, generated from the trait classes: each trait's docstring is its entry.

Regenerate with ``python -m synth.review.catalog > docs/traits.md``; a test keeps the file current.
"""

from __future__ import annotations

import inspect

from synth.traits import all_traits
from synth.traits.base import ColumnTrait

__all__ = ["render_catalog"]

_INTRO = """\
# Trait catalog

A *trait* is a named production shape that breaks code. synth measures each trait in the
source (statistics only, inside the database), stores it in the profile with the share of
rows that carry it (`traits:` under a column's `stats`, or under a table), and injects it
when generating, at that share and in at least `--min-trait-rows` rows (default 1). The
manifest of a fixture set lists, per table and trait, the row keys that carry it.

Column traits are *probes*: one predicate written for SQL and for polars, summed inside the
table's single aggregate query, so they add no query. Table traits run their own bounded
queries, stated in each entry. `synth traits PROFILE` lists what a profile holds;
`synth generate --boost table.column:trait=RATE` amplifies one of them.

This file is generated from the trait classes in `synth/traits/`
(`python -m synth.review.catalog > docs/traits.md`); edit the docstrings, not this file.
"""


def render_catalog() -> str:
    """The catalog as Markdown, families in order, traits by name."""
    parts = [_INTRO]
    family = None
    for name, trait in all_traits().items():
        if trait.family != family:
            family = trait.family
            parts.append(f"\n## {family}\n")
        scope = "column" if isinstance(trait, ColumnTrait) else "table"
        doc = inspect.cleandoc(type(trait).__doc__ or name)
        parts.append(f"\n### `{name}` ({scope} trait)\n\n{doc}\n")
    return "".join(parts)


if __name__ == "__main__":
    print(render_catalog(), end="")
