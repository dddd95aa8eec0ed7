"""Fixtures back into code and databases: :mod:`~synth.loader.files` reads a fixture
directory as polars frames, :mod:`~synth.loader.database` loads one into a live database
in one transaction (with the driver row forms of :mod:`~synth.loader.rows`).

Kept empty so that reading fixtures never imports SQLAlchemy."""
