"""The one exception family synth raises for things a user can cause.

Every subclass also inherits the matching built-in, so ``except ValueError`` in
calling code keeps working. Messages name the place (``table.column``, a file
path and line) and the bad value (``name=value!r``) and end with what to do.
"""

from __future__ import annotations

__all__ = [
    "OutputError",
    "ProfileError",
    "SourceError",
    "SynthError",
    "SynthWarning",
    "UsageError",
]


class SynthError(Exception):
    """Root of every error synth raises on purpose."""


class ProfileError(SynthError, ValueError):
    """A profile file is missing, malformed, or of an unknown kind or version."""


class SourceError(SynthError, ConnectionError):
    """A data source cannot be reached or read: bad URL, refused connection, bad credentials,
    unreadable file."""


class UsageError(SynthError, ValueError):
    """An option or argument does not fit the profile or source (unknown table, bad rows...)."""


class OutputError(SynthError, OSError):
    """Fixtures cannot be written where asked."""


class SynthWarning(UserWarning):
    """Something synth worked around and the user should know (e.g. an opaque column type)."""
