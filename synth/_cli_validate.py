"""CLI commands registered on :data:`synth.cli.app`."""

from __future__ import annotations

from synth.cli import app  # noqa: F401
