"""Database URLs as synth reads and shows them: default drivers, and secrets masked.

Everything that prints or stores a URL (profiles, error messages, the load summary) goes
through :func:`masked_url`; anything a user typed that may not even parse goes through
:func:`mask_secrets` first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import URL, make_url

from synth.errors import SourceError
from synth.internal.secrets import mask_secrets

__all__ = [
    "EXTRAS",
    "connect_error",
    "create_engine",
    "mask_secrets",
    "masked_url",
    "parse_url",
    "reason",
    "secret_query_keys",
]

DEFAULT_DRIVERS = {
    "postgresql": "postgresql+psycopg",
    "postgres": "postgresql+psycopg",
    "mysql": "mysql+pymysql",
    "mariadb": "mysql+pymysql",
}
EXTRAS = {"postgresql": "postgres", "mysql": "mysql", "mariadb": "mysql"}
_SECRET_KEY = re.compile(r"pass|pwd|secret|token|key|credential", re.IGNORECASE)
"""Query parameters of a URL that carry secrets (``?password=``, ``sslpassword=``...)."""


def secret_query_keys(keys: Iterable[str]) -> list[str]:
    """The URL query parameters among ``keys`` whose values must never be shown."""
    return [k for k in keys if _SECRET_KEY.search(k)]


def parse_url(raw: str) -> URL:
    try:
        url = make_url(raw)
    except (sa.exc.ArgumentError, ValueError):
        raise SourceError(
            f"{mask_secrets(raw)}: not a database URL; expected "
            "dialect[+driver]://user:password@host:port/database (e.g. postgresql://...)"
        ) from None
    return url.set(drivername=DEFAULT_DRIVERS.get(url.drivername, url.drivername))


def masked_url(url: URL) -> str:
    """``url`` as shown and stored: no password, no secret query parameter."""
    hidden = secret_query_keys(url.query)
    if hidden:
        url = url.update_query_dict({key: "***" for key in hidden})
    # an unencoded '@' in a password leaves its tail in the host: mask up to the last '@'
    return mask_secrets(url.render_as_string(hide_password=True)).replace("%2A%2A%2A", "***")


def create_engine(url: URL, masked: str, **options: Any) -> sa.Engine:
    """An engine for ``url`` (nothing is opened yet); a missing dialect or driver is a
    one-line ``SourceError`` naming the extra to install."""
    try:
        return sa.create_engine(url, **options)
    except sa.exc.NoSuchModuleError:
        raise SourceError(
            f"{masked}: SQLAlchemy has no dialect or driver {url.drivername!r}; "
            "check the URL scheme (postgresql://, mysql://, sqlite:///...)"
        ) from None
    except ImportError as exc:
        extra = EXTRAS.get(url.get_backend_name())
        hint = f"pip install 'synth-fixtures[{extra}]'" if extra else "install the driver"
        raise SourceError(
            f"{masked}: the database driver {exc.name or url.get_driver_name()!r} is not "
            f"installed; {hint}"
        ) from None


def reason(exc: BaseException, url: URL) -> str:
    """The first line of a driver's error, with every secret of ``url`` masked."""
    orig = getattr(exc, "orig", None)
    text = str(orig) if orig is not None else str(exc)
    line = next((part.strip() for part in text.splitlines() if part.strip()), type(exc).__name__)
    secrets = [str(url.password)] if url.password else []
    if url.host and "@" in url.host:
        secrets.append(url.host.rsplit("@", 1)[0])
    for key in secret_query_keys(url.query):
        value = url.query[key]
        secrets += [value] if isinstance(value, str) else list(value)
    for secret in secrets:
        if secret:
            line = line.replace(secret, "***")
    return " ".join(line.split()).rstrip(".")


_HINTS: tuple[tuple[str, str], ...] = (
    (
        r"password|access denied|authentication|role .* does not exist",
        "check the user and password",
    ),
    (r"database .* does not exist|unknown database", "check the database name in the URL"),
    (
        r"refused|could not connect|can't connect|timeout|timed out|translate host|"
        r"name or service|no route|unreachable|could not receive",
        "check the host and port, and that the server is running",
    ),
)


def connect_error(exc: sa.exc.DBAPIError, url: URL) -> SourceError:
    why = reason(exc, url)
    hint = next(
        (h for pattern, h in _HINTS if re.search(pattern, why, re.I)),
        "check the URL and that the server accepts connections",
    )
    return SourceError(f"cannot connect to {masked_url(url)}: {why}; {hint}")
