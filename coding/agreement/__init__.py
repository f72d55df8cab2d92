"""Inter-coder agreement for Concord: pure Python + numpy, no Django.

Why hand-written rather than a dependency:

* ``krippendorff`` (fast-krippendorff) is GPL-3.0 and its memory grows with categories² ×
  units (about 4.8 GB at 100 categories × 20,000 units); here it is categories² + O(units).
* scikit-learn and statsmodels are heavy for two formulas, and statsmodels' ``fleiss_kappa``
  is only right on complete data (its ``aggregate_raters`` makes NaN a category).
* nltk's ``AnnotationTask`` names mislead (``pi`` is Fleiss' κ, ``kappa`` mean pairwise
  Cohen, ``S`` uses the observed label count) and it has no ordinal α.
* irrCAC (R) has the right numbers but no Python port we could ship; no maintained Python
  library implements the unitized α family at all.

Those libraries are used only in the tests, as independent cross-checks.

Modules: ``coefficients`` (percent agreement, κ family, AC1, Holsti), ``alpha``
(Krippendorff's α, coincidence matrices, pooling, bootstrap), ``unitized`` (uα, |uα, cuα),
``units`` (codings → reliability data for documents, segments and characters),
``natural_units`` (paragraph and sentence splitter). An agreement run's arithmetic:
``patterns`` (units compressed to value patterns), ``codings`` (one document's excerpts by coder
and code), ``partials`` (what one document contributes), ``disagreements`` (found, kept
compact, pooled per code), ``pooling`` (the documents pooled into a run's results).
Rules: ``agreement/NOTES.md`` in the study's shared material.
"""

from .alpha import (
    Coincidences,
    alpha_from_coincidences,
    bootstrap_alpha_ci,
    coincidence_matrix,
    krippendorff_alpha,
    sum_coincidences,
)
from .coefficients import (
    brennan_prediger,
    cohen_kappa,
    fleiss_kappa,
    gwet_ac1,
    holsti,
    light_kappa,
    pairwise_cohen_matrix,
    percent_agreement,
    scott_pi,
)
from .unitized import UnitizedAlpha, unitized_alpha, unitized_alpha_details

__all__ = [
    "Coincidences",
    "UnitizedAlpha",
    "alpha_from_coincidences",
    "bootstrap_alpha_ci",
    "brennan_prediger",
    "coincidence_matrix",
    "cohen_kappa",
    "fleiss_kappa",
    "gwet_ac1",
    "holsti",
    "krippendorff_alpha",
    "light_kappa",
    "pairwise_cohen_matrix",
    "percent_agreement",
    "scott_pi",
    "sum_coincidences",
    "unitized_alpha",
    "unitized_alpha_details",
]
