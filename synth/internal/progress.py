"""Progress of long work, as the library reports it: events handed to a callback.

The library never prints. A long stage (profiling, generating, loading, validating) is
given a :data:`ProgressCallback` by its caller, inside the stage's options value
(``ProfileOptions.progress``, ``GenerateOptions.progress``) or as the ``progress``
keyword of :func:`synth.load_into` and :func:`synth.validate`, and calls it with a
:class:`ProgressEvent` as work gets done. Whoever passed the callback decides what to do
with the events: the ``synth`` command draws rich progress bars on a terminal, a test
collects them in a list, a service may log them. Without a callback nothing happens.

A stage reports *tasks*: the stage as a whole (``task == ""``, counted in tables) and
one task per table (counted in rows, or in queries while profiling). Each event carries
the task's absolute count (``done``), so a consumer that misses events, or starts late,
still shows the right number.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType

__all__ = ["ProgressCallback", "ProgressEvent", "Reporter", "Task"]


@dataclass(frozen=True, slots=True)
class ProgressEvent:
    """What one stage has done of one task, so far."""

    stage: str
    """``profile``, ``generate``, ``load`` or ``validate``."""
    task: str
    """What is worked on: a table key, or ``""`` for the stage as a whole."""
    done: int
    """Units of the task done so far."""
    total: int | None
    """Units of the task in all; None while unknown (a table's profiling queries)."""
    unit: str
    """What is counted: ``rows``, ``tables`` or ``queries``."""
    detail: str = ""
    """What runs now, when that says more than the count (the statistic being computed)."""
    finished: bool = False
    """The task's last event."""


ProgressCallback = Callable[[ProgressEvent], None]
"""Called with each :class:`ProgressEvent`; it must return quickly and raise nothing."""


class Task:
    """One task of a stage, counting up; sends an event on every change. A context
    manager: leaving it finishes the task (also when the work failed)."""

    __slots__ = ("_callback", "_detail", "_done", "_finished", "_stage", "_task", "_total", "_unit")

    def __init__(
        self, callback: ProgressCallback | None, stage: str, task: str, total: int | None, unit: str
    ) -> None:
        self._callback, self._stage, self._task = callback, stage, task
        self._total, self._unit = total, unit
        self._done, self._detail, self._finished = 0, "", False
        self._send()

    def _send(self) -> None:
        if self._callback is not None:
            event = ProgressEvent(
                self._stage,
                self._task,
                self._done,
                self._total,
                self._unit,
                self._detail,
                self._finished,
            )
            self._callback(event)

    def at(self, detail: str) -> None:
        """Say what runs now (a table, a statistic) without counting anything done."""
        self.advance(0, detail)

    def advance(self, amount: int = 1, detail: str | None = None) -> None:
        """``amount`` more units done; ``detail``, when given, says what runs now."""
        self._done += amount
        if detail is not None:
            self._detail = detail
        self._send()

    def finish(self) -> None:
        """The task is over (its last event); further calls do nothing."""
        if not self._finished:
            self._finished = True
            self._send()

    def __enter__(self) -> Task:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.finish()


@dataclass(frozen=True, slots=True)
class Reporter:
    """A stage's handle on a :data:`ProgressCallback` (or on none: then every task is
    silent and costs a few attribute look-ups)."""

    callback: ProgressCallback | None
    stage: str

    def task(self, task: str, total: int | None = None, unit: str = "rows") -> Task:
        """Start a task (``""``: the stage as a whole) of ``total`` ``unit``."""
        return Task(self.callback, self.stage, task, total, unit)
