"""The privacy transform, the other bucket's generation, epsilon noise and the audit.

The transform is exercised on hand-made tables and measurements (what a profiler hands
it), so every rule is checked on its own; ``tests/integration/profiler/test_privacy.py`` checks
the whole path against real databases.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl
import pytest

import synth
from synth.errors import ProfileError
from synth.model import (
    PROFILE_KIND,
    PROFILE_VERSION,
    Column,
    ColumnStats,
    Distribution,
    LogicalType,
    OtherValues,
    Profile,
    SemanticType,
    Source,
    Table,
    TraitStat,
    ValueFrequency,
)
from synth.profiler.noise import add_noise, releases
from synth.profiler.options import PrivacyOptions
from synth.profiler.privacy import coarsen, letter_case, other_values, protect_table
from synth.profiler.stats import Measured, column_stats
from synth.review.audit import audit_profile

L = LogicalType
ROWS = 1000
K = PrivacyOptions()


def _column(name: str, logical: LogicalType, m: Measured, **fields: object) -> Column:
    sql = {L.STRING: "VARCHAR(40)", L.INTEGER: "INTEGER", L.DATE: "DATE"}.get(logical, "TEXT")
    stats = column_stats(ROWS, logical, m)
    return Column(name=name, type=logical, sql_type=sql, stats=stats, **fields)  # type: ignore[arg-type]


def _status() -> tuple[Column, Measured]:
    m = Measured(nonnull=ROWS, distinct=6)
    m.frequent = [("paid", 600), ("open", 380), ("N/A", 4), ("Legacy Gold", 3),
                  ("x-1", 2), ("", 11)]  # fmt: skip
    return _column("status", L.STRING, m), m


def _numbers(n: int = 100) -> tuple[Column, Measured]:
    m = Measured(nonnull=n, distinct=n, value_min=1, value_max=n, value_low=10, value_high=n - 9)
    m.value_quantiles = {name: round(n * q) or 1 for name, q in
                         (("p01", 0.01), ("p05", 0.05), ("p10", 0.1), ("p25", 0.25), ("p50", 0.5),
                          ("p75", 0.75), ("p90", 0.9), ("p95", 0.95), ("p99", 0.99))}  # fmt: skip
    return _column("amount", L.INTEGER, m), m


def _protect(*columns: tuple[Column, Measured], traits: tuple[TraitStat, ...] = (),
             options: PrivacyOptions = K, tables: dict[str, Table] | None = None,
             name: str = "t") -> Table:  # fmt: skip
    table = Table(name=name, rows=ROWS, columns=tuple(c for c, _ in columns), traits=traits)
    return protect_table(table, {c.name: m for c, m in columns}, options, tables)


# ------------------------------------------------------------------------------ values


def test_rare_values_go_to_the_other_bucket_and_vocabulary_stays() -> None:
    table = _protect(_status())
    stats = table.column("status").stats
    assert [f.value for f in stats.frequent] == ["paid", "open", "", "N/A"]  # '' and N/A: words
    assert stats.other == OtherValues(
        fraction=0.005, distinct=2, length_min=3, length_max=11,
        chars=("lower", "upper", "digit", "space", "punct"), case="title",
    )  # fmt: skip
    assert stats.null_fraction + sum(f.fraction for f in stats.frequent) + stats.other.fraction == (
        pytest.approx(1.0)
    )
    assert stats.other.fraction == pytest.approx(stats.other_fraction, abs=1e-9)


def test_domain_and_boolean_values_are_vocabulary() -> None:
    m = Measured(nonnull=ROWS, distinct=3)
    m.frequent = [("a", 990), ("b", 8), ("zz", 2)]
    domain = _column("kind", L.STRING, m, domain=("a", "b"))
    flags = Measured(nonnull=ROWS, distinct=2)
    flags.frequent = [(False, 997), (True, 3)]
    flag = _column("flag", L.BOOLEAN, flags)
    table = _protect((domain, m), (flag, flags))
    kind = table.column("kind").stats
    assert [f.value for f in kind.frequent] == ["a", "b"] and kind.other is not None
    assert [f.value for f in table.column("flag").stats.frequent] == [False, True]


def test_shapes_of_withheld_values() -> None:
    shape = other_values([("ABC-1", 3), ("ÄBC", 1)], 0.004, 2)
    assert shape.chars == ("upper", "digit", "punct", "non_ascii") and shape.case == "upper"
    assert (letter_case("New York"), letter_case("pAid"), letter_case("42")) == (
        "title", "mixed", None)  # fmt: skip
    assert other_values([(7, 3)], 0.003, 1) == OtherValues(fraction=0.003, distinct=1)


def test_extremes_are_the_kth_values_and_outer_percentiles_are_clamped() -> None:
    dist = _protect(_numbers()).column("amount").stats.values
    assert dist == Distribution(min=10, p01=10, p05=10, p10=10, p25=25, p50=50, p75=75,
                                p90=90, p95=91, p99=91, max=91)  # fmt: skip
    assert _protect(_numbers(19)).column("amount").stats.values is None  # fewer than 2k values
    raw = _protect(_numbers(), options=PrivacyOptions(min_count=1)).column("amount").stats.values
    assert raw is not None and raw.p10 == 10 and raw.p99 == 99  # k = 1: only min/max replaced


def test_personal_columns_keep_no_values() -> None:
    column, m = _numbers()
    private = column.model_copy(update={"semantic": SemanticType.PRIVATE})
    stats = _protect((private, m)).column("amount").stats
    assert stats.values is None and stats.frequent == () and stats.other is None
    assert stats.distinct == 100


# ------------------------------------------------------------------------------ traits


def test_trait_values_under_k_rows_keep_a_placeholder() -> None:
    """A legacy or stale value under k rows keeps its trait under a token (issue 17)."""
    column, m = _status()
    legacy = TraitStat(trait="legacy_value", fraction=0.38, value="open",
                       before="2023-05-04T13:14:15", columns=("created_at",))  # fmt: skip
    rare = TraitStat(trait="legacy_value", fraction=0.003, value="Legacy Gold")
    sentinel = TraitStat(trait="sentinel", fraction=0.004, value="N/A")
    column = column.model_copy(
        update={"stats": column.stats.model_copy(update={"traits": (legacy, rare, sentinel)})}
    )
    burst = TraitStat(trait="burst", fraction=0.02, value="2024-03-01T02:00:00", columns=("c",))
    small = TraitStat(trait="burst", fraction=0.009, value="2024-03-02T02:00:00", columns=("c",))
    stale = TraitStat(trait="stale", fraction=0.001, value="x-1", columns=("status", "c"))
    childless = TraitStat(trait="childless_parent", fraction=0.1, value="orders.customer_id")
    table = _protect((column, m), traits=(burst, small, stale, childless))
    kept = table.column("status").stats.traits
    assert [(s.value, s.before) for s in kept] == [
        ("open", "2023-05-04T00:00:00"),
        ("withheld:1", None),  # 'Legacy Gold', 3 rows
        ("N/A", None),
    ]
    assert [s.value for s in table.traits] == [burst.value, "withheld:2", childless.value]
    frequent = {f.value: f.fraction for f in table.column("status").stats.frequent}
    assert frequent["withheld:1"] == 0.003 and frequent["withheld:2"] == 0.002
    assert "Legacy Gold" not in str(table) and "x-1" not in frequent


def _cohort(value: str, rows: int, **detail: object) -> TraitStat:
    base = {"segment": "t.source", "segments": json.dumps(["web", "import", "rare"]), "rows": rows}
    return TraitStat(trait="cohort", fraction=rows / ROWS, value=value, columns=("source",),
                     detail={**base, **detail})  # type: ignore[arg-type]  # fmt: skip


def test_cohorts_keep_only_what_k_rows_back() -> None:
    source = Measured(nonnull=ROWS, distinct=3)
    source.frequent = [("web", 700), ("import", 297), ("rare", 3)]
    status, m = _status()
    web = {"value:status=paid": 0.99, "value:status=open": 0.01, "null:status": 0.0}
    imported = {
        "value:status=paid": 0.2,
        "value:status=Legacy Gold": 0.01,
        "burst:c": "2024-03-16T02:07:00",
        "burst_last:c": "2024-03-16T05:59:00",
        "burst_share:c": 0.9,
    }
    traits = (
        _cohort("web", 700, **web),
        _cohort("import", 297, **imported),
        _cohort("rare", 3, **{"null:status": 1.0}),
    )
    table = _protect((_column("source", L.STRING, source), source), (status, m), traits=traits)
    cohorts = {s.value: s.detail for s in table.traits}
    assert set(cohorts) == {"web", "import", "withheld:1"}  # 'rare' is on 3 segment rows
    assert json.loads(str(cohorts["web"]["segments"])) == ["web", "import", "withheld:1"]
    assert cohorts["withheld:1"]["null:status"] == 1.0
    frequent = {f.value for f in table.column("source").stats.frequent}
    assert frequent == {"web", "import", "withheld:1"}
    kept = cohorts["web"]
    assert "value:status=open" not in kept and kept["value:status=paid"] == 0.99  # 7 rows < k
    imp = cohorts["import"]
    assert "value:status=Legacy Gold" not in imp and imp["value:status=paid"] == 0.2
    assert (imp["burst:c"], imp["burst_last:c"]) == ("2024-03-16T02:00:00", "2024-03-16T06:00:00")


def test_child_cohorts_check_the_segment_table() -> None:
    parent_m = Measured(nonnull=ROWS, distinct=2)
    parent_m.frequent = [("web", 995), ("rare", 5)]
    parent = _protect((_column("source", L.STRING, parent_m), parent_m), name="tenants")
    status, m = _status()
    child = {"segment": "tenants.source", "key": "id"}
    traits = (
        _cohort("web", 900, **child, **{"value:status=paid": 0.5}),
        _cohort("rare", 100, **child, **{"value:status=paid": 0.5}),
    )
    table = _protect((status, m), traits=traits, tables={"tenants": parent})
    assert [s.value for s in table.traits] == ["web"]


# ------------------------------------------------------------------------------ epsilon


def _noisy_table(epsilon: float) -> tuple[Table, Table]:
    column, m = _status()
    legacy = TraitStat(trait="legacy_value", fraction=0.38, value="open")
    column = column.model_copy(
        update={"stats": column.stats.model_copy(update={"traits": (legacy,)})}
    )
    burst = TraitStat(trait="burst", fraction=0.05, value="2024-03-01T02:00:00", columns=("c",))
    plain = _protect((column, m), traits=(burst,))
    noisy = _protect((column, m), traits=(burst,), options=PrivacyOptions(epsilon=epsilon))
    return plain, noisy


def test_epsilon_adds_bounded_deterministic_noise(monkeypatch: pytest.MonkeyPatch) -> None:
    # A fixed key: with this process's random key the row count's noise rounds to 0 now and
    # then, and the test would fail by chance.
    monkeypatch.setenv("SYNTH_NOISE_KEY", "k5")  # moves the row count by 6
    plain, noisy = _noisy_table(1.0)
    assert noisy == _noisy_table(1.0)[1]  # same data, same budget: same numbers
    assert noisy != _noisy_table(2.0)[1]
    before, after = plain.column("status").stats, noisy.column("status").stats
    assert [f.fraction for f in before.frequent] != [f.fraction for f in after.frequent]
    scale = releases(plain) / 1.0  # rows of noise per count
    by_value = {f.value: f.fraction for f in after.frequent}
    for f in before.frequent:
        assert abs(by_value[f.value] - f.fraction) * ROWS < 15 * scale
    assert 0 <= after.null_fraction <= 1 and after.other is not None
    total = after.null_fraction + sum(by_value.values()) + after.other.fraction
    assert total == pytest.approx(1.0, abs=1e-5)
    (legacy,) = after.traits
    assert legacy.fraction == by_value["open"]  # the same count, released once
    assert noisy.rows != plain.rows and abs(noisy.rows - plain.rows) < 15 * scale
    assert 0 <= noisy.traits[0].fraction <= 1


def test_large_epsilon_means_little_noise() -> None:
    plain, noisy = _noisy_table(1e6)
    assert abs(noisy.rows - plain.rows) <= 1
    after = {f.value: f.fraction for f in noisy.column("status").stats.frequent}
    assert all(after[f.value] == pytest.approx(f.fraction, abs=1e-4)
               for f in plain.column("status").stats.frequent)  # fmt: skip
    table = add_noise(plain, 1e6)
    assert table.column("status").stats.frequent[0].value == "paid"


# ------------------------------------------------------------------------------ generation


def _other_profile() -> Profile:
    stats = ColumnStats(
        distinct=12,
        lengths=Distribution(min=4, max=6),
        frequent=(ValueFrequency(value="paid", fraction=0.5),
                  ValueFrequency(value="open", fraction=0.4)),
        other=OtherValues(fraction=0.1, distinct=10, length_min=5, length_max=9,
                          chars=("upper", "digit", "punct"), case="upper"),
    )  # fmt: skip
    column = Column(name="status", type=L.STRING, sql_type="VARCHAR(8)", nullable=False,
                    length=8, stats=stats)  # fmt: skip
    table = Table(name="t", rows=1000, columns=(column,))
    source = Source(kind="files", url="t.parquet", as_of=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    return Profile(kind=PROFILE_KIND, version=PROFILE_VERSION, synth_version="0",
                   source=source, tables=(table,))  # fmt: skip


def test_the_other_bucket_is_generated_out_of_vocabulary() -> None:
    profile = _other_profile()
    out = synth.generate(profile, rows=20_000, seed=4)["t"]["status"]
    other = out.filter(~out.is_in(["paid", "open"]))
    assert other.len() / out.len() == pytest.approx(0.1, abs=0.01)
    assert 1 < other.n_unique() <= 10
    lengths = other.str.len_chars()
    assert lengths.min() >= 5 and lengths.max() <= 8  # the declared length caps 9
    assert other.str.contains(r"^[A-Z0-9\-_.#/&]+$").all()
    again = synth.generate(profile, rows=20_000, seed=4)["t"]["status"]
    assert out.equals(again)
    assert not synth.generate(profile, rows=20_000, seed=5)["t"]["status"].equals(out)


def test_other_values_never_equal_a_listed_value() -> None:
    profile = _other_profile()
    table = profile.tables[0]
    column = table.columns[0]
    tight = column.stats.model_copy(
        update={"other": OtherValues(fraction=0.1, distinct=5, length_min=4, length_max=4,
                                     chars=("lower",), case="lower")}
    )  # fmt: skip
    narrow = column.model_copy(update={"stats": tight})
    profile = profile.model_copy(
        update={"tables": (table.model_copy(update={"columns": (narrow,)}),)}
    )
    out = synth.generate(profile, rows=5000, seed=1)["t"]["status"]
    other = out.filter(~out.is_in(["paid", "open"]))
    assert other.len() > 0 and other.str.len_chars().unique().to_list() == [4]


def test_a_profile_whose_other_does_not_add_up_is_rejected() -> None:
    with pytest.raises(ValueError, match=r"other\.fraction"):
        ColumnStats(
            frequent=(ValueFrequency(value="a", fraction=0.5),),
            other=OtherValues(fraction=0.2, distinct=1),
        )


# ------------------------------------------------------------------------------ audit


def test_audit_lists_values_with_reasons_and_flags_hand_edits() -> None:
    status, m = _status()
    table = _protect(_numbers(), (status, m))
    source = Source(kind="files", url="t", as_of=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
                    min_count=10)  # fmt: skip
    profile = Profile(kind=PROFILE_KIND, version=PROFILE_VERSION, synth_version="0",
                      source=source, tables=(table,))  # fmt: skip
    report = audit_profile(profile)
    reasons = {(e.place, e.what, e.value): e.reason for e in report.entries}
    assert reasons[("t.status", "frequent", "paid")] == "shared by 600 >= k=10 rows"
    assert reasons[("t.status", "frequent", "N/A")] == "sentinel vocabulary"
    assert reasons[("t.amount", "values.min", 10)].startswith("the k-th smallest")
    assert reasons[("t.amount", "values.max", 91)].startswith("the k-th largest")
    assert not report.problems and "0 not allowed; k = 10" in report.render()
    report.check()

    edited = status.stats.model_copy(
        update={"frequent": (*table.column("status").stats.frequent,
                             ValueFrequency(value="Legacy Gold", fraction=0.003))}
    )  # fmt: skip
    bad = table.model_copy(
        update={"columns": (table.columns[0], status.model_copy(update={"stats": edited}))}
    )
    report = audit_profile(profile.model_copy(update={"tables": (bad,)}))
    assert [(e.value, e.reason) for e in report.problems] == [
        ("Legacy Gold", "shared by only 3 < k=10 rows")
    ]
    with pytest.raises(ProfileError, match=r"p\.yaml: 1 literal values.*'Legacy Gold'"):
        report.check("p.yaml")


def test_coarsened_instants_keep_their_form() -> None:
    assert coarsen("2024-03-16T02:07:00+00:00", "hour") == "2024-03-16T02:00:00+00:00"
    assert coarsen("2024-03-16T23:07:00", "hour", up=True) == "2024-03-17T00:00:00"
    assert coarsen("2024-03-16T02:07:00", "day") == "2024-03-16T00:00:00"
    assert coarsen("2024-03-16", "day") == "2024-03-16"


def test_polars_sees_the_same_other_bucket(tmp_path: Path) -> None:
    path = tmp_path / "t.parquet"
    pl.DataFrame({"status": ["paid"] * 60 + ["open"] * 37 + ["Legacy Gold"] * 3}).write_parquet(
        path
    )
    stats = synth.profile(path).tables[0].column("status").stats
    assert [f.value for f in stats.frequent] == ["paid", "open"]
    assert stats.other == OtherValues(fraction=0.03, distinct=1, length_min=11, length_max=11,
                                      chars=("lower", "upper", "space"), case="title")  # fmt: skip


def test_numbers_named_like_personal_data_store_no_values(tmp_path: Path) -> None:
    """``card_number BIGINT``, ``pin INTEGER``: personal by name although numeric, so no
    extremes, percentiles or frequent values, and generated values are made up."""
    cards = [4000_0000_0000_0000 + 7919 * i for i in range(300)]
    frame = pl.DataFrame({"card_number": cards, "pin": [i % 97 for i in range(300)]})
    frame = frame.with_columns(amount=pl.Series([i % 50 for i in range(300)]))
    frame.write_parquet(tmp_path / "payments.parquet")
    profile = synth.profile([tmp_path / "payments.parquet"])
    table = profile.table("payments")
    for name, semantic in (("card_number", "card_number"), ("pin", "secret")):
        column = table.column(name)
        assert column.semantic == semantic, name
        assert column.stats.values is None and not column.stats.frequent, name
    assert table.column("amount").stats.frequent  # an ordinary number keeps its values
    generated = synth.generate(profile, rows=300, seed=1)["payments"]
    assert not set(generated["card_number"].drop_nulls().to_list()) & set(cards)


def test_show_tells_the_reviewer_about_withheld_values(tmp_path: Path) -> None:
    from synth.review.show import render_profile

    status = ["active"] * 60 + ["invited"] * 37 + ["frozen-by-legal"] * 3
    pl.DataFrame({"status": status}).write_parquet(tmp_path / "users.parquet")
    profile = synth.profile([tmp_path / "users.parquet"])
    text = render_profile(profile)
    assert "1 rare values withheld (under k rows each, 3.0% of rows)" in text
    assert "frozen-by-legal" not in text and "frozen-by-legal" not in synth.dump_profile(profile)


def test_noise_is_keyed_by_a_secret_that_never_enters_the_profile(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Anyone holding a profile knows its table, column and epsilon; without the key they
    cannot recompute the noise. The same key reproduces it, another key does not."""
    monkeypatch.setenv("SYNTH_NOISE_KEY", "team-secret")
    first = _noisy_table(1.0)[1]
    assert _noisy_table(1.0)[1] == first
    assert "team-secret" not in synth.dump_profile(_profile_of(first))
    monkeypatch.setenv("SYNTH_NOISE_KEY", "another")
    assert _noisy_table(1.0)[1] != first


def _profile_of(table: Table) -> Profile:
    source = Source(kind="files", url="x", as_of=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    return Profile(
        kind=PROFILE_KIND, version=PROFILE_VERSION, synth_version="0", source=source,
        tables=(table,),
    )  # fmt: skip


def test_personal_columns_keep_no_domain_and_no_valued_traits(tmp_path: Path) -> None:
    """A file's enum categories are its data: a personal column keeps none, another
    column only those k rows share; a burst instant of a personal column is one of its
    values and stays out."""
    names = ["Alice Martin", "Bob Stone", "Chloé Dupont", "Dan Wu"] * 10
    promo = ["std"] * 39 + ["X9-PRIVATE-77"]
    born = [dt.datetime(1984, 7, 3, 14, 25)] * 20 + [dt.datetime(1950 + i, 1, 1) for i in range(20)]
    pl.DataFrame(
        {
            "full_name": pl.Series(names, dtype=pl.Enum(sorted(set(names)))),
            "promo": pl.Series(promo, dtype=pl.Enum(["std", "X9-PRIVATE-77"])),
            "birth_time": born,
        }
    ).write_parquet(tmp_path / "cust.parquet")
    profile = synth.profile([tmp_path / "cust.parquet"], pii=["cust.birth_time"])
    text = synth.dump_profile(profile)
    for secret in ("Alice Martin", "X9-PRIVATE-77", "1984-07-03"):
        assert secret not in text, secret
    table = profile.table("cust")
    assert table.column("full_name").domain is None
    assert table.column("promo").domain == ("std",)
    generated = synth.generate(profile, rows=40, seed=1)["cust"]
    assert not set(generated["full_name"].cast(pl.String).to_list()) & set(names)
