"""The profile file format: round trips, stable output, and errors that point at the line."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from synth import ProfileError
from synth.model import (
    Column,
    ColumnStats,
    Distribution,
    ForeignKey,
    LogicalType,
    Profile,
    SemanticType,
    Source,
    Table,
    ValueFrequency,
)
from synth.model.io import dump_profile, load_profile, profile_digest, read_profile


def _profile() -> Profile:
    users = Table(
        name="users",
        rows=120,
        primary_key=("id",),
        unique=(("email",),),
        foreign_keys=(
            ForeignKey(columns=("tenant_id",), ref_table="billing.tenants", ref_columns=("id",)),
        ),
        columns=(
            Column(
                name="id",
                type=LogicalType.INTEGER,
                sql_type="BIGINT",
                nullable=False,
                size=8,
                stats=ColumnStats(distinct=120, values=Distribution(min=1, p50=60, max=120)),
            ),
            Column(name="tenant_id", type=LogicalType.INTEGER, sql_type="INTEGER", size=4),
            Column(
                name="email",
                type=LogicalType.STRING,
                sql_type="VARCHAR(200)",
                length=200,
                semantic=SemanticType.EMAIL,
                stats=ColumnStats(distinct=120, lengths=Distribution(min=9, p50=21, max=40)),
            ),
            Column(
                name="plan",
                type=LogicalType.STRING,
                sql_type="TEXT",
                stats=ColumnStats(
                    null_fraction=0.1,
                    frequent=(
                        ValueFrequency(value="pro", fraction=0.6),
                        ValueFrequency(value="2026-01-01", fraction=0.3),
                    ),
                ),
            ),
            Column(
                name="last_login_at",
                type=LogicalType.DATETIME,
                sql_type="TIMESTAMP WITH TIME ZONE",
                timezone=True,
                stats=ColumnStats(
                    null_fraction=0.25,
                    values=Distribution(
                        min="2019-01-01T00:00:00+00:00", max="2026-11-01T00:00:00+00:00"
                    ),
                ),
            ),
        ),
    )
    tenants = Table(
        name="tenants",
        schema="billing",
        rows=3,
        primary_key=("id",),
        columns=(Column(name="id", type=LogicalType.INTEGER, sql_type="INTEGER", nullable=False),),
    )
    return Profile(
        kind="synth-profile",
        version=1,
        synth_version="0.1.0",
        source=Source(
            kind="database",
            url="postgresql://ro:***@replica/app",
            dialect="postgresql",
            as_of=dt.datetime(2026, 11, 1, tzinfo=dt.UTC),
        ),
        tables=(tenants, users),
    )


def test_round_trip_is_lossless_and_stable() -> None:
    profile = _profile()
    text = dump_profile(profile)
    again = load_profile(text)
    assert again == profile
    assert dump_profile(again) == text
    assert profile_digest(again) == profile_digest(profile)


def test_file_names_its_kind_and_version_first_and_omits_defaults() -> None:
    text = dump_profile(_profile())
    assert text.splitlines()[:2] == ["kind: synth-profile", "version: 1"]
    assert "null_fraction: 0.0" not in text  # defaults are left out
    assert "schema: billing" in text  # the alias, not the python name
    # A string that looks like a date stays a string.
    assert load_profile(text).table("users").column("plan").stats.frequent[1].value == "2026-01-01"


def test_other_fraction_completes_null_and_frequent() -> None:
    stats = _profile().table("users").column("plan").stats
    assert stats.other_fraction == pytest.approx(0.0)


def _break(text: str, old: str, new: str) -> str:
    assert old in text
    return text.replace(old, new, 1)


BROKEN = [
    pytest.param(
        lambda t: _break(t, "null_fraction: 0.1", "null_fraction: 1.5"),
        "tables[1].columns[3].stats.null_fraction",
        id="fraction-above-one",
    ),
    pytest.param(
        lambda t: _break(t, "type: datetime", "type: timestamp"),
        "tables[1].columns[4].type",
        id="unknown-type",
    ),
    pytest.param(
        lambda t: _break(t, "rows: 120", "rows: many"), "tables[1].rows", id="rows-not-a-number"
    ),
    pytest.param(
        lambda t: _break(t, "primary_key: [id]\n  unique", "primary_key: [nope]\n  unique"),
        "tables[1]",
        id="pk-names-unknown-column",
    ),
    pytest.param(
        lambda t: _break(t, "  rows: 120", "  rows: 120\n  colour: red"),
        "tables[1].colour",
        id="unknown-key",
    ),
]


@pytest.mark.parametrize(("mutate", "where"), BROKEN)
def test_malformed_profile_names_file_line_and_field(mutate, where) -> None:
    text = mutate(dump_profile(_profile()))
    with pytest.raises(ProfileError) as info:
        load_profile(text, source="profiles/app.yaml")
    message = str(info.value)
    assert message.startswith("profiles/app.yaml:")
    line = int(message.split(":")[1])
    assert 1 <= line <= len(text.splitlines())
    assert where in message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("kind: synth-profile\nversion: 9\n", "version=9", id="future-version"),
        pytest.param("kind: other\nversion: 1\n", "kind='other'", id="wrong-kind"),
        pytest.param("- a\n- b\n", "expected a mapping", id="not-a-mapping"),
        pytest.param("kind: [unclosed\n", "profiles/x.yaml:", id="bad-yaml"),
    ],
)
def test_wrong_kind_version_or_yaml(text: str, expected: str) -> None:
    with pytest.raises(ProfileError, match=r"profiles/x\.yaml") as info:
        load_profile(text, source="profiles/x.yaml")
    assert expected in str(info.value)


def test_missing_file_says_how_to_make_one(tmp_path) -> None:
    with pytest.raises(ProfileError, match="synth profile"):
        read_profile(tmp_path / "absent.yaml")


def test_profile_is_frozen() -> None:
    profile = _profile()
    with pytest.raises(ValueError):
        profile.tables[0].rows = 5  # type: ignore[misc]


def test_foreign_key_to_unknown_parent_column_is_rejected() -> None:
    text = _break(dump_profile(_profile()), "ref_columns: [id]", "ref_columns: [uid]")
    with pytest.raises(ProfileError, match="unknown columns"):
        load_profile(text)


def test_json_schema_describes_the_format() -> None:
    from synth.review.show import profile_json_schema

    schema = json.loads(profile_json_schema())
    assert set(schema["required"]) >= {"kind", "version", "source", "tables"}
    assert "Column" in schema["$defs"]
