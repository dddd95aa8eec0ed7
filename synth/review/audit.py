"""``synth audit PROFILE``: every literal value a profile holds, and why it may be there.

A reviewer about to commit a profile of production wants to see, in one list, each value
that came from the data (or from the schema) rather than from counting: frequent values,
the points of value distributions, trait values and instants, cohort values, declared
domains. :func:`audit_profile` lists them with the rule that let each one in (see
``docs/privacy.md``); a value no rule allows (a hand edit, a profile written before synth
enforced ``min_count``) is a *problem*, which :meth:`Audit.check` turns into an error.

Lengths are not listed: a length is a count of characters, not a value.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from synth.errors import ProfileError
from synth.model import Column, Profile, Scalar, Table, TraitStat
from synth.profiler.options import DEFAULT_MIN_COUNT
from synth.profiler.privacy import listed_value, shared_rows, vocabulary
from synth.profiler.semantic import is_personal
from synth.profiler.stats import nearest_rank

__all__ = ["Audit", "AuditEntry", "audit_profile"]


@dataclass(frozen=True)
class AuditEntry:
    """One literal value of a profile."""

    place: str
    """Where it is: ``table.column`` or ``table``."""
    what: str
    """Which field holds it: ``frequent``, ``values.min``, ``domain``, ``trait burst``..."""
    value: Scalar
    reason: str
    """Why it may be there, or (``allowed`` false) why it may not."""
    allowed: bool = True


@dataclass
class Audit:
    """The literal values of a profile, in profile order."""

    k: int
    """The ``min_count`` the values are checked against."""
    recorded: bool
    """Whether the profile records its ``min_count`` (profiles before privacy do not)."""
    noisy: bool
    entries: list[AuditEntry] = field(default_factory=list)

    @property
    def problems(self) -> list[AuditEntry]:
        return [e for e in self.entries if not e.allowed]

    def render(self) -> str:
        """The list as aligned text, one value per line, and a summary line."""
        rows = [
            (e.place, e.what, _show(e.value), e.reason if e.allowed else f"NOT ALLOWED: {e.reason}")
            for e in self.entries
        ]
        header = ("WHERE", "FIELD", "VALUE", "WHY")
        widths = [max(len(r[i]) for r in [header, *rows]) for i in range(3)]
        lines = [
            "  ".join(cell.ljust(w) for cell, w in zip(row[:3], widths, strict=True))
            + "  "
            + row[3]
            for row in [header, *rows]
        ]
        origin = "" if self.recorded else " (not recorded in the profile: the default)"
        noise = "; counts are noisy (epsilon)" if self.noisy else ""
        summary = (
            f"{len(self.entries)} literal values, {len(self.problems)} not allowed; "
            f"k = {self.k}{origin}{noise}"
        )
        return "\n".join([*lines, summary]) + "\n"

    def check(self, source: str = "the profile") -> None:
        """Raise :class:`ProfileError` naming the first values no rule allows."""
        bad = self.problems
        if not bad:
            return
        shown = "; ".join(f"{e.place} {e.what} {_show(e.value)} ({e.reason})" for e in bad[:3])
        more = f" and {len(bad) - 3} more" if len(bad) > 3 else ""
        raise ProfileError(
            f"{source}: {len(bad)} literal values may not be in a profile: {shown}{more}; "
            f"re-profile with this synth (min_count={self.k}), or delete them from the file"
        )


def _show(value: Scalar) -> str:
    return repr(value) if isinstance(value, str) else str(value)


class _Auditor:
    def __init__(self, profile: Profile, k: int, noisy: bool) -> None:
        self.profile, self.k, self.noisy = profile, k, noisy
        self.tables = {t.key: t for t in profile.tables}
        self.out: list[AuditEntry] = []

    def add(self, place: str, what: str, value: Scalar, reason: str, allowed: bool = True) -> None:
        self.out.append(AuditEntry(place, what, value, reason, allowed))

    def shared(self, rows: int, within: str = "") -> tuple[str, bool]:
        """The reason for a value ``rows`` rows share, and whether it is allowed."""
        if self.noisy:
            return f"shared by about {rows} rows{within} (noisy; k checked before noise)", True
        if rows >= self.k:
            return f"shared by {rows} >= k={self.k} rows{within}", True
        return f"shared by only {rows} < k={self.k} rows{within}", False

    def column_value(self, table: Table, column: Column, value: Scalar) -> tuple[str, bool]:
        """Why a value of ``column`` may appear: vocabulary, or its frequent count."""
        why = vocabulary(column, value)
        if why is not None:
            return why, True
        if is_personal(column.semantic):
            return f"a value of a personal column ({column.semantic})", False
        share = next((f.fraction for f in column.stats.frequent if f.value == value), None)
        if share is None:
            return "not a listed frequent value of its column", False
        return self.shared(shared_rows(share, table.rows))

    def table(self, table: Table) -> None:
        for column in table.columns:
            self.column(table, column)
        for stat in table.traits:
            self.table_trait(table, stat)

    def column(self, table: Table, column: Column) -> None:
        place = f"{table.key}.{column.name}"
        for value in column.domain or ():
            self.add(place, "domain", value, "declared in the schema")
        for f in column.stats.frequent:
            self.add(place, "frequent", f.value, *self.column_value(table, column, f.value))
        dist = column.stats.values
        if dist is not None:
            self.distribution(table, column, place)
        from synth.traits import get

        for stat in column.stats.traits:
            what = f"trait {stat.trait}"
            if stat.value is not None and getattr(get(stat.trait), "shape_value", False):
                reason = "a shape; its quoted literals were shared by k rows when measured"
                self.add(place, what, stat.value, reason)
            elif stat.value is not None:
                self.add(place, what, stat.value, *self.column_value(table, column, stat.value))
            if stat.trait == "legacy_value" and stat.before is not None:
                self.add(place, f"{what} before", stat.before, "last appearance, to the day")

    def distribution(self, table: Table, column: Column, place: str) -> None:
        dist = column.stats.values
        assert dist is not None
        n = round(table.rows * (1.0 - column.stats.null_fraction))
        if is_personal(column.semantic):
            why, ok = f"values of a personal column ({column.semantic})", False
            for name, value in dist.model_dump().items():
                if value is not None:
                    self.add(place, f"values.{name}", value, why, ok)
            return
        small = n < 2 * self.k and self.k > 1 and not self.noisy
        for name, value in dist.model_dump().items():
            if value is None:
                continue
            if small:
                self.add(place, f"values.{name}", value, f"only {n} < 2k values", False)
            elif name == "min" or (name != "max" and value == dist.min):
                self.add(place, f"values.{name}", value, f"the k-th smallest value (k={self.k})")
            elif name == "max" or value == dist.max:
                self.add(place, f"values.{name}", value, f"the k-th largest value (k={self.k})")
            else:
                rank = nearest_rank(int(name[1:]), n) if n else 0
                self.add(
                    place,
                    f"values.{name}",
                    value,
                    f"the value at rank {rank} of {n}, inside k..n-k+1",
                )

    def table_trait(self, table: Table, stat: TraitStat) -> None:
        what = f"trait {stat.trait}"
        if stat.trait == "cohort":
            self.cohort(table, stat)
            return
        if stat.value is None:
            return
        if stat.trait == "childless_parent":
            self.add(table.key, what, stat.value, "a table and column name, not data")
        elif stat.trait == "stale" and stat.columns:
            column = table.column(stat.columns[0])
            place = f"{table.key}.{column.name}"
            self.add(place, what, stat.value, *self.column_value(table, column, stat.value))
        else:
            place = f"{table.key}.{stat.columns[0]}" if stat.columns else table.key
            self.add(place, what, stat.value, *self.shared(shared_rows(stat.fraction, table.rows)))

    def segment(self, stat: TraitStat, value: Scalar) -> tuple[str, bool]:
        """Why a cohort's segment value may appear: its rows on its segment table."""
        segment = str(stat.detail.get("segment", ""))
        where, _, name = segment.rpartition(".")
        parent = self.tables.get(where)
        if parent is None:
            rows = int(stat.detail.get("rows", 0))  # type: ignore[arg-type]
            return self.shared(rows, " of the cohort")
        try:
            column = parent.column(name)
        except KeyError:
            return f"segment column {segment} is not in the profile", False
        why, ok = self.column_value(parent, column, value)
        return f"{why} ({segment})", ok

    def cohort(self, table: Table, stat: TraitStat) -> None:
        segment = str(stat.detail.get("segment", ""))
        what = f"cohort {segment}"
        if stat.value is not None:
            self.add(table.key, what, stat.value, *self.segment(stat, stat.value))
            what = f"cohort {segment}={stat.value}"
        rows = int(stat.detail.get("rows", 0))  # type: ignore[arg-type]
        for key, value in stat.detail.items():
            kind, _, rest = key.partition(":")
            if key == "segments":
                for carried in json.loads(str(value)):
                    self.add(table.key, f"{what} segments", carried, *self.segment(stat, carried))
            elif kind == "value":
                name, _, text = rest.partition("=")
                self.cohort_value(
                    table, f"{table.key}.{name}", what, name, text, float(value), rows
                )
            elif kind in ("burst", "burst_last"):
                share = float(stat.detail.get(f"burst_share:{rest}", 0.0))
                why, ok = self.shared(shared_rows(share, rows), " of the cohort on that day")
                place = f"{table.key}.{rest}"
                self.add(place, f"{what} {kind}", value, f"busiest day, to the hour: {why}", ok)

    def cohort_value(
        self, table: Table, place: str, what: str, name: str, text: str, share: float, rows: int
    ) -> None:
        """A cohort's ``value:<name>=<text>`` override: k rows within the cohort."""
        col = next((c for c in table.columns if c.name == name), None)
        listed = listed_value(col, text) if col is not None else None
        if col is None or listed is None:
            self.add(place, f"{what} value", text, "not a listed value of its column", False)
            return
        why = vocabulary(col, listed)
        if why is not None:
            self.add(place, f"{what} value", listed, why)
        else:
            within = " within the cohort"
            self.add(place, f"{what} value", listed, *self.shared(shared_rows(share, rows), within))


def audit_profile(profile: Profile) -> Audit:
    """Every literal value of ``profile`` with the reason it is allowed (or not)."""
    recorded = profile.source.min_count is not None
    k = profile.source.min_count if profile.source.min_count is not None else DEFAULT_MIN_COUNT
    noisy = profile.source.epsilon is not None
    auditor = _Auditor(profile, k, noisy)
    for table in profile.tables:
        auditor.table(table)
    return Audit(k=k, recorded=recorded, noisy=noisy, entries=auditor.out)
