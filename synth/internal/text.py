"""Tables for a terminal, through rich: one house style, and the same tables as plain text.

Library functions build rich tables with :func:`grid` and return them (``profile_view``...)
or their :func:`plain_text` (``render_profile``...); the commands print them
(``synth.cli.common.print_rich``): styled at the terminal's width, or as plain unwrapped
text in a pipe or a file, so ``grep`` and ``diff`` still work line by line.
"""

from __future__ import annotations

import io

from rich.console import Console, RenderableType
from rich.table import Table

__all__ = ["grid", "plain_text"]

_UNWRAPPED = 100_000
"""Columns of the console plain text is rendered on: wide enough that no cell wraps."""


def grid(*headers: str, right: tuple[str, ...] = ()) -> Table:
    """A table with these column headers in the house style: no box, a bold header row,
    two spaces between columns; ``right`` columns are right-aligned (numbers)."""
    table = Table(box=None, pad_edge=False, padding=(0, 1), header_style="bold")
    for header in headers:
        table.add_column(header, justify="right" if header in right else "left")
    return table


def plain_text(*renderables: RenderableType) -> str:
    """The renderables as plain text: no colour, no escape codes, no cell wrapped, no
    trailing spaces."""
    out = io.StringIO()
    console = Console(file=out, width=_UNWRAPPED, color_system=None, highlight=False)
    for renderable in renderables:
        console.print(renderable)
    return "".join(line.rstrip() + "\n" for line in out.getvalue().splitlines())
