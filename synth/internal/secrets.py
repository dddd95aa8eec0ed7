"""Secrets in text a user typed: masked before anything shows it. No SQLAlchemy here, so
that the CLI can mask its own command line the moment it starts."""

from __future__ import annotations

import re

__all__ = ["mask_secrets"]


def mask_secrets(text: str) -> str:
    """``text`` (a URL, or something a user meant as one) with the password of any
    ``user:password@`` part, up to the last ``@`` before the path, and the values of secret
    query parameters replaced by ``***``; also without ``://`` (a mistyped scheme)."""
    text = re.sub(r"([^\s:/@]+:)[^\s/]*@", r"\1***@", text)
    return re.sub(
        r"([?&][^=&\s]*(?:pass|pwd|secret|token|key|credential)[^=&\s]*=)[^&\s]*",
        r"\1***",
        text,
        flags=re.IGNORECASE,
    )
