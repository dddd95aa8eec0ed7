"""The commands that show a profile to a person: ``synth show``, ``synth traits``,
``synth audit`` and ``synth schema``. Plain functions, registered by ``synth.cli``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

__all__ = ["audit", "schema", "show", "traits"]

ProfileArg = Annotated[Path, typer.Argument(help="The profile YAML file.")]


def show(profile: ProfileArg) -> None:
    """Summarise a profile: tables, rows, columns, and what is notable."""
    from synth.cli.common import print_rich
    from synth.model.io import read_profile
    from synth.review.show import profile_view

    print_rich(profile_view(read_profile(profile)))


def traits(profile: ProfileArg) -> None:
    """List every production shape in a profile: where, which trait, how often, its shape."""
    from synth.cli.common import print_rich
    from synth.model.io import read_profile
    from synth.review.traits_view import traits_view

    print_rich(traits_view(read_profile(profile)))


def audit(profile: ProfileArg) -> None:
    """List every literal value in a profile and why it may be there; fail on any that may not."""
    from synth.model.io import read_profile
    from synth.review.audit import audit_profile

    report = audit_profile(read_profile(profile))
    typer.echo(report.render(), nl=False)
    report.check(str(profile))


def schema() -> None:
    """Print the JSON Schema of the profile file format."""
    from synth.review.show import profile_json_schema

    typer.echo(profile_json_schema())
