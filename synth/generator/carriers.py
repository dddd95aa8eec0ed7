"""Collecting, chunk by chunk, the rows of a generated table that carry each trait."""

from __future__ import annotations

import polars as pl

from synth.generator.inject import row_keys
from synth.generator.table import TableGenerator
from synth.model.manifest import KEYS_LIMIT, TraitRows

__all__ = ["CarrierTracker"]


class CarrierTracker:
    """Watches a table's chunks go by and records which rows carry which trait."""

    def __init__(self, gen: TableGenerator) -> None:
        self.gen = gen
        self.start = 0
        self.counts: dict[str, int] = {e.label: 0 for e in gen.injector.entries}
        self.keys: dict[str, list] = {label: [] for label in self.counts}

    def observe(self, frame: pl.DataFrame) -> pl.DataFrame:
        """Record ``frame`` (the next chunk) and hand it back unchanged."""
        for label, mask in self.gen.injector.carriers(frame).items():
            self.counts[label] += int(mask.sum())
            room = KEYS_LIMIT - len(self.keys[label])
            if room > 0 and mask.any():
                keys = row_keys(self.gen.tp.table, frame, self.start, mask, limit=room)
                self.keys[label].extend(keys)
        self.start += frame.height
        return frame

    def result(self) -> dict[str, TraitRows]:
        return {
            label: TraitRows(rows=self.counts[label], keys=tuple(self.keys[label]))
            for label in self.counts
        }
