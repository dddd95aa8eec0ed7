"""Progress bars for the long commands: the library's progress events drawn with rich.

The library reports :class:`~synth.internal.progress.ProgressEvent` values to a callback
and prints nothing; :func:`progress_display` is the callback the commands pass, drawing
on stderr one row for each stage (tables done of all) and one for the table at work
(rows done, rows per second and time left; or, while profiling, the queries run and the
statistic running now). Finished tables leave the display, and the whole display is
erased when the command ends, so the summary lines the command prints stay the only
record. It is shown when stdout and stderr are terminals, or with ``--progress``;
``--quiet`` (or a pipe) shows nothing, so output in CI and in files stays what it was.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.progress import Task

    from synth.internal.progress import ProgressCallback, ProgressEvent

__all__ = ["progress_display", "shows_progress"]


def shows_progress(flag: bool | None) -> bool:
    """Whether to draw: ``--progress`` (True) or ``--quiet`` (False) decide; by default,
    when both stdout and stderr are terminals (output piped or redirected stays clean)."""
    if flag is not None:
        return flag
    return sys.stdout.isatty() and sys.stderr.isatty()


def _short(detail: str) -> str:
    """A statistic's label without its parenthesised gloss: ``the aggregate query``."""
    return detail.split(" (", 1)[0]


@contextmanager
def progress_display(flag: bool | None) -> Iterator[ProgressCallback | None]:
    """The progress callback to pass to the library (None when nothing is to be shown);
    the display lives until the block ends."""
    if not shows_progress(flag):
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, ProgressColumn, TextColumn
    from rich.text import Text

    class Count(ProgressColumn):
        """``1,200/40,000 rows``, or ``4 queries`` while the total is unknown."""

        def render(self, task: Task) -> Text:
            unit = task.fields.get("unit", "")
            done = int(task.completed)
            if task.total is None:
                return Text(f"{done:,} {unit}")
            return Text(f"{done:,}/{int(task.total):,} {unit}")

    class Rate(ProgressColumn):
        """Rows per second and the time left, for row counts."""

        def render(self, task: Task) -> Text:
            if task.fields.get("unit") != "rows" or not task.speed or task.finished:
                return Text("")
            left = task.time_remaining
            eta = f", {int(left) // 60}:{int(left) % 60:02d} left" if left is not None else ""
            return Text(f"{task.speed:,.0f} rows/s{eta}", style="progress.data.speed")

    console = Console(stderr=True, force_terminal=True if flag else None)
    bars = Progress(
        TextColumn("{task.description}"),
        BarColumn(bar_width=24),
        Count(),
        Rate(),
        TextColumn("{task.fields[detail]}", style="dim"),
        console=console,
        transient=True,
    )
    ids: dict[tuple[str, str], int] = {}
    shown: dict[tuple[str, str], str] = {}  # the detail each row shows

    def on_event(event: ProgressEvent) -> None:
        key = (event.stage, event.task)
        if key not in ids:
            what = event.stage if not event.task else f"  {event.task}"
            ids[key] = bars.add_task(what, total=event.total, unit=event.unit, detail="")
        task_id = ids[key]
        if event.finished and event.task:  # a table done: make room for the next
            bars.remove_task(task_id)  # type: ignore[arg-type]
            return
        detail = _short(event.detail)
        changed = shown.get(key) != detail
        shown[key] = detail
        bars.update(
            task_id,  # type: ignore[arg-type]
            completed=event.done,
            total=event.total,
            detail=detail,
        )
        if changed and detail:  # a new statistic is drawn as it starts, however quick
            bars.refresh()

    with bars:
        yield on_event
