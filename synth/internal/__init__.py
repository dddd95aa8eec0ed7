"""Helpers several stages share, knowing nothing of synth but its errors: atomic files
(:mod:`~synth.internal.files`), as-of times (:mod:`~synth.internal.asof`), database URLs
(:mod:`~synth.internal.urls`), random streams (:mod:`~synth.internal.streams`) and
vectorised building blocks (:mod:`~synth.internal.vectors`). Nothing here imports the
model or a stage, so every floor above may use it."""
