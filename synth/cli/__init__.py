"""The ``synth`` command: the Typer app, and every command registered on it.

Commands are plain functions in :mod:`~synth.cli.pipeline` (profile, generate, load),
:mod:`~synth.cli.review` (show, traits, audit, schema) and :mod:`~synth.cli.checks`
(validate, expectations, diff); each parses its options, calls one library function and
renders the result. Only this module knows the app, so the command modules import
nothing of each other. Errors a user can cause arrive as :class:`SynthError` and are
printed as one line on stderr with exit status 2, never as a traceback
(:func:`synth.cli.common.run`).
"""

from __future__ import annotations

from typing import Annotated

import typer

from synth.cli import checks, pipeline, review
from synth.cli.common import run

__all__ = ["app", "main"]

app = typer.Typer(
    name="synth",
    help="Production-shaped test fixtures: profile a database, generate dirty datasets, load them.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        from synth._version import __version__

        typer.echo(f"synth {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
) -> None:
    """Production-shaped test fixtures: profile a database, generate dirty datasets, load them."""


for command in (
    pipeline.profile,
    pipeline.generate,
    pipeline.load,
    review.show,
    review.traits,
    review.audit,
    review.schema,
    checks.validate,
    checks.expectations,
    checks.diff,
):
    app.command()(command)


def main() -> None:
    """Console entry point (``synth``, ``python -m synth``)."""
    run(app)
