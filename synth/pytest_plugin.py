"""The synth pytest plugin (registered as ``synth`` through the ``pytest11`` entry point)."""
