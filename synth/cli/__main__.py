"""``python -m synth.cli``: the ``synth`` command."""

from synth.cli import main

main()
