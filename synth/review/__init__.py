"""What a person reads in a profile: :mod:`~synth.review.show` (``synth show``, ``synth
schema``), :mod:`~synth.review.traits_view` (``synth traits``), :mod:`~synth.review.audit`
(``synth audit``) and :mod:`~synth.review.catalog` (``docs/traits.md``)."""
