"""What the command modules share: option types, name lists, warnings shown as lines,
and :func:`run`, the one place a :class:`~synth.errors.SynthError` (or a bad flag) becomes
one line on stderr and an exit status."""

from __future__ import annotations

import signal
import sys
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated

import typer

from synth.errors import SynthError

__all__ = [
    "EXIT_ERROR",
    "DeferOpt",
    "ProgressOpt",
    "TablesOpt",
    "ToOpt",
    "TruncateOpt",
    "err",
    "names",
    "print_rich",
    "run",
    "shown_warnings",
]

EXIT_ERROR = 2
"""Exit status of every error a user can cause (a bad flag, file, URL or profile)."""
EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143
"""128 + SIGTERM, what a shell reports for a process SIGTERM ended."""


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where Ctrl-C raises ``KeyboardInterrupt``: every path that cancels a
    running query on Ctrl-C (psycopg's cancel, MariaDB's KILL QUERY, SQLite's interrupt)
    cancels it on SIGTERM too."""


_received: list[int] = []


def _on_sigterm(signum: int, frame: object) -> None:
    _received.append(signum)
    raise Terminated


def _install_signal_handlers() -> None:
    """SIGTERM stops a run as Ctrl-C does; a SIGINT inherited as ignored (a background job
    of a script) is restored, so Ctrl-C and ``kill -INT`` stop synth."""
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _on_sigterm)


def _stopped() -> None:
    """One line for a run stopped by a signal, and the shell's exit status for it."""
    if _received:
        err("synth: terminated (SIGTERM); running queries were cancelled, nothing was written")
        sys.exit(EXIT_TERMINATED)
    err("synth: interrupted; nothing was written")
    sys.exit(EXIT_INTERRUPTED)


def names(values: list[str] | None) -> list[str] | None:
    """Options that take names accept repeats and comma-separated lists."""
    if not values:
        return None
    return [name.strip() for value in values for name in value.split(",") if name.strip()]


def err(message: str) -> None:
    typer.echo(message, err=True)


def print_rich(*renderables: object) -> None:
    """Print rich renderables (tables) to stdout: styled at the terminal's width, or as
    plain unwrapped text when stdout is not a terminal (a pipe, a file)."""
    if not sys.stdout.isatty():
        from synth.internal.text import plain_text

        sys.stdout.write(plain_text(*renderables))  # type: ignore[arg-type]
        return
    from rich.console import Console

    console = Console(highlight=False)
    for renderable in renderables:
        console.print(renderable)


@contextmanager
def shown_warnings(*, only_synth: bool = False) -> Iterator[None]:
    """Show the warnings raised inside as ``warning: ...`` lines on stderr, each once.
    ``only_synth``: leave out other packages' warnings (a dependency's DeprecationWarning
    is not synth's to show)."""
    from synth.errors import SynthWarning

    with warnings.catch_warnings(record=True) as caught:
        if only_synth:
            warnings.simplefilter("ignore")
            warnings.simplefilter("always", SynthWarning)
        else:
            warnings.simplefilter("always")
        yield
    for warning in caught:
        err(f"warning: {warning.message}")


TablesOpt = Annotated[
    list[str] | None,
    typer.Option("--tables", "-t", help="Only these tables (comma-separated or repeated)."),
]
ToOpt = Annotated[
    str | None,
    typer.Option(
        "--to", metavar="URL", help="Load the rows into this database (tables must exist)."
    ),
]
TruncateOpt = Annotated[
    bool,
    typer.Option("--truncate", help="Empty the target tables first (in the same transaction)."),
]
DeferOpt = Annotated[
    bool,
    typer.Option(
        "--defer-constraints",
        help="Load rows without a parent row as they are (foreign key checks off; not PostgreSQL).",
    ),
]

ProgressOpt = Annotated[
    bool | None,
    typer.Option(
        "--progress/--quiet",
        help="Draw progress bars on stderr, or never (default: when stdout is a terminal).",
        show_default=False,
    ),
]

_ParseError: type[Exception] = typer.BadParameter.__mro__[1]
"""Click's ``UsageError`` (typer exports only its subclass): every unknown flag, missing
argument or value of the wrong type."""


def mask_argv() -> bool:
    """Replace a password given on the command line (in a URL) by ``***`` in what ``ps`` and
    ``/proc/PID/cmdline`` show for the rest of the run; whether there was one. Until this
    runs (the interpreter's start) the password is visible: docs/safety.md says how to keep
    it out of the command line altogether."""
    from synth.internal.secrets import mask_secrets  # no SQLAlchemy: this runs first

    argv = getattr(sys, "orig_argv", sys.argv)
    masked = [mask_secrets(a) if "://" in a else a for a in argv]
    if masked == list(argv):
        return False
    import setproctitle

    setproctitle.setproctitle(" ".join(masked))
    return True


def run(app: Callable[..., object]) -> None:
    """Run the Typer ``app``; every error a user can cause is one line, never a traceback."""
    try:
        _install_signal_handlers()
        mask_argv()
        code = app(standalone_mode=False)
    except _ParseError as exc:  # a bad flag or value: one line, like our own errors
        ctx = getattr(exc, "ctx", None)
        where = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
        err(f"synth: error: {exc.format_message()}{where}")  # type: ignore[attr-defined]
        sys.exit(EXIT_ERROR)
    except (typer.Abort, KeyboardInterrupt):
        _stopped()
    except SynthError as exc:
        err(f"synth: error: {exc}")
        sys.exit(EXIT_ERROR)
    if code == EXIT_INTERRUPTED:  # Ctrl-C, turned into an exit code by typer
        _stopped()
    if isinstance(code, int) and code:
        sys.exit(code)
