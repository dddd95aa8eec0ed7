"""The pytest plugin and the fixture sets it hands out.

:mod:`~synth.pytest_plugin.hooks` is the plugin itself (the ``pytest11`` entry point
``synth``: hooks, ini options, the ``synth_data`` and ``synth_db`` fixtures);
:mod:`~synth.pytest_plugin.settings` and :mod:`~synth.pytest_plugin.session` hold what a
session was told and resolved, :mod:`~synth.pytest_plugin.cache` the cached fixture sets,
:mod:`~synth.pytest_plugin.db` the loaded database, :mod:`~synth.pytest_plugin.cases`
:func:`synth.cases`. This face imports nothing, so that ``synth.cases`` and the cache work
without pytest imported (or installed).
"""
