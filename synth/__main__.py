"""``python -m synth``: the ``synth`` command."""

from synth.cli import main

main()
