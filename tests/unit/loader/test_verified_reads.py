"""Every file synth reads back is verified: the manifest's sha256 of each file and its row
counts, and a file that is not Parquet any more is one line naming it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import synth
from synth.errors import SourceError
from synth.internal.files import file_sha256
from synth.loader.files import load_fixtures

ROOT = Path(__file__).resolve().parents[3]
PROFILE = ROOT / "profiles" / "shop.yaml"


@pytest.fixture
def fixtures(tmp_path: Path) -> Path:
    out = tmp_path / "fx"
    synth.write(PROFILE, out, rows=60, seed=2)
    return out


def test_the_manifest_records_a_digest_of_every_file(fixtures: Path) -> None:
    manifest = json.loads((fixtures / "manifest.json").read_text())
    files = sorted(p.name for p in fixtures.iterdir() if p.name != "manifest.json")
    assert sorted(manifest["digests"]) == files
    for name, digest in manifest["digests"].items():
        assert digest == file_sha256(fixtures / name)
    assert set(load_fixtures(fixtures)) == set(manifest["tables"])


def test_a_truncated_file_is_one_line_naming_it(fixtures: Path) -> None:
    users = fixtures / "users.parquet"
    users.write_bytes(users.read_bytes()[:100])
    with pytest.raises(
        SourceError, match=r"users\.parquet' \(table 'users'\) does not match the sha256"
    ) as exc:
        synth.load(fixtures)
    assert "\n" not in str(exc.value)


def test_without_digests_a_corrupt_file_is_still_one_line(fixtures: Path) -> None:
    manifest = json.loads((fixtures / "manifest.json").read_text())
    manifest["digests"] = {}  # as an older synth wrote it
    (fixtures / "manifest.json").write_text(json.dumps(manifest))
    users = fixtures / "users.parquet"
    users.write_bytes(users.read_bytes()[:100])
    with pytest.raises(SourceError, match=r"cannot read .*users\.parquet' \(table 'users'\)"):
        synth.load(fixtures)


def test_row_counts_are_checked_against_the_manifest(fixtures: Path) -> None:
    manifest = json.loads((fixtures / "manifest.json").read_text())
    manifest["tables"]["users"]["rows"] = 5
    (fixtures / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(SourceError, match=r"holds \d+ rows where manifest.json says 5"):
        synth.load(fixtures)
