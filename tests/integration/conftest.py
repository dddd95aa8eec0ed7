"""Fixtures for the integration tests (server fixtures are in ``tests/conftest.py``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.integration.traits_support import DIALECTS, Db, make_db


@pytest.fixture(params=DIALECTS)
def db(request: pytest.FixtureRequest) -> Iterator[Db]:
    """A fresh empty database, once per dialect: ids ``sqlite``, ``postgresql``, ``mariadb``."""
    yield from make_db(request, request.param)


@pytest.fixture
def pg(request: pytest.FixtureRequest) -> Iterator[Db]:
    """A fresh empty PostgreSQL database."""
    yield from make_db(request, "postgresql")
