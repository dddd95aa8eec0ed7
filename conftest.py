"""Root conftest: the plugin tests drive real pytest sessions with ``pytester`` (which pytest
only lets the root conftest enable)."""

pytest_plugins = ["pytester"]
