"""The version of synth, in a module of its own: the library's modules import it from
here, never from the face (``synth/__init__.py``), so nothing inside synth depends on
the face. ``pyproject.toml`` reads it from here too."""

__version__ = "0.1.0"
