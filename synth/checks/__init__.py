"""Checks that read profiles and fixtures from the side of the pipeline:
:mod:`~synth.checks.fidelity` (``synth validate``: fixtures against their profile),
:mod:`~synth.checks.drift` (``synth diff``: a profile against a newer one or the database)
and :mod:`~synth.checks.gx` (Great Expectations suites from a profile)."""
