"""The running pytest sessions: each one's settings and what they resolved to.

A session's :class:`SessionState` is recorded at ``pytest_configure`` and removed at
``pytest_unconfigure`` (a stack, for pytest sessions run inside pytest), so that
:func:`synth.cases` finds it at collection time. Importing this module costs the standard
library only: the cache (and the generator behind it) is imported when a fixture set is
first resolved.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from synth.pytest_plugin.settings import SynthSettings

if TYPE_CHECKING:
    from synth.pytest_plugin.cache import SynthData

__all__ = ["SessionState", "active_session", "pop_session", "push_session"]


class SessionState:
    """One pytest session's settings and what it resolved (the fixture set, the database)."""

    def __init__(self, settings: SynthSettings) -> None:
        self.settings = settings
        self.resolved: dict[SynthSettings, Any] = {}
        """Settings -> the fixture set they resolved to, so that ``cases()`` and
        ``synth_data`` share one generation per session."""
        self.first: Any = None
        """The first fixture set resolved with the session's own settings (the report)."""
        self.notes: list[str] = []
        """Lines for the end-of-session report (skipped orphans when loading synth_db)."""

    def fixtures(self, settings: SynthSettings | None = None) -> SynthData:
        """The fixture set for ``settings`` (default: the session's), resolved once."""
        from synth.pytest_plugin.cache import resolve_fixtures

        settings = settings or self.settings
        found = self.resolved.get(settings)
        if found is None:
            found = self.resolved[settings] = resolve_fixtures(settings)
            if settings == self.settings and self.first is None:
                self.first = found
        return found


_SESSIONS: list[SessionState] = []


def push_session(state: SessionState) -> None:
    _SESSIONS.append(state)


def pop_session(state: SessionState) -> None:
    if state in _SESSIONS:
        _SESSIONS.remove(state)


def active_session() -> SessionState | None:
    """The innermost running pytest session that loaded the plugin, if any."""
    return _SESSIONS[-1] if _SESSIONS else None
