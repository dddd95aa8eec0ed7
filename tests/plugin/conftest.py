"""Plugin tests run real pytest sessions with ``pytester``, on the demo profile."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

# imported before pytester snapshots sys.modules: a test that writes fixtures in-process
# would otherwise leave numpy to be imported twice (which numpy refuses)
import synth.generator.parallel
import synth.loader.files
import synth.writers  # noqa: F401

REPO = Path(__file__).resolve().parents[2]
SHOP = REPO / "profiles" / "shop.yaml"


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    """A project with ``profiles/shop.yaml`` and an ini using it (seed 7, 60 rows)."""
    (pytester.path / "profiles").mkdir()
    shutil.copy(SHOP, pytester.path / "profiles" / "shop.yaml")
    pytester.makeini(
        """
        [pytest]
        synth_profile = profiles/shop.yaml
        synth_seed = 7
        synth_rows = 60
        """
    )
    return pytester


@pytest.fixture(scope="session")
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fixture cache shared by the tests that are not about caching (generate once)."""
    return tmp_path_factory.mktemp("synth-cache")
