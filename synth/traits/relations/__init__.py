"""Relations: how child rows hang off their parents (orphans, childless and busy parents,
children of soft-deleted parents).

A relation is a one-column reference from a child table to a parent's key, declared
(a foreign key, enforced or not) or inferred (a ``customer_id`` column named after a
profiled ``customers`` table, see :mod:`synth.traits.relations.measure`). Measured in
databases only (a file source's measure sees one file).

Modules: :mod:`~synth.traits.relations.parents` (``children_per_parent``,
``childless_parent``), :mod:`~synth.traits.relations.orphans` (``orphan``,
``soft_deleted_parent``), :mod:`~synth.traits.relations.measure` (the queries),
:mod:`~synth.traits.relations.inject` (re-pointing keys, the parent's view) and
:mod:`~synth.traits.relations.children` (child counts per parent). This face imports
nothing: the cohort traits use the parent view, and importing it must not load the
relation traits (which use the cohorts).
"""
