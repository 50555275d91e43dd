"""Fitting linear mixed models by REML without printing warnings: the best of a few optimisers.

statsmodels' ``MixedLM`` sometimes stops on the boundary (a random-effect variance of 0) or
fails to converge with one optimiser while another reaches the true REML optimum; it reports
this through warnings. ``fit_reml`` tries several optimisers, keeps the converged fit with the
highest REML log-likelihood and returns the problems as plain sentences instead of warnings.
Used by ``analysis.groups`` and ``analysis.trend``.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field

import numpy as np

#: Optimisers tried in order; the converged fit with the highest REML log-likelihood wins.
#: L-BFGS is what statsmodels' own lme4 comparison uses (examples/notebooks/
#: mixed_lm_example.ipynb) and is fast; BFGS is statsmodels' default; Powell needs no gradient.
OPTIMISERS: tuple[tuple[str, ...], ...] = (("lbfgs",), ("bfgs",), ("powell", "lbfgs"))


@dataclass
class MixedFit:
    """The chosen fit (``None`` if no optimiser produced one) and what went wrong on the way."""

    result: object | None
    converged: bool
    problems: list[str] = field(default_factory=list)


def fit_reml(model, optimisers: tuple[tuple[str, ...], ...] = OPTIMISERS) -> MixedFit:
    """Fit a statsmodels ``MixedLM`` by REML with several optimisers and keep the best.

    Parameters
    ----------
    model
        An unfitted ``statsmodels.regression.mixed_linear_model.MixedLM``.
    optimisers
        Optimiser lists passed to ``MixedLM.fit(method=...)``, tried in order.

    Returns
    -------
    MixedFit
        ``result`` is the converged fit with the highest REML log-likelihood, or the best
        non-converged fit (``converged`` False) when none converged, or ``None`` when every
        attempt raised. ``problems`` lists the distinct warning and error messages of the
        attempts, for the caller to report in words.

    Notes
    -----
    REML maximises the restricted log-likelihood (Patterson & Thompson, 1971), as
    ``lme4::lmer`` does by default. The optimum is unique but the surface can be flat, so
    different optimisers stop at slightly different points; the one with the higher
    criterion is the better answer. A fit whose optimiser stopped early on the boundary
    (variance 0) has a lower criterion than the interior optimum and loses.

    References
    ----------
    Lindstrom, M. J., & Bates, D. M. (1988). Newton-Raphson and EM algorithms for linear
    mixed-effects models for repeated-measures data. *JASA*, 83, 1014–1022.

    Patterson, H. D., & Thompson, R. (1971). Recovery of inter-block information when block
    sizes are unequal. *Biometrika*, 58, 545–554.
    """
    best = None
    best_converged = False
    problems: list[str] = []
    for methods in optimisers:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                fit = model.fit(reml=True, method=list(methods))
            except (np.linalg.LinAlgError, ValueError, ZeroDivisionError) as error:
                problems.append(f"{'/'.join(methods)}: {error}")
                continue
        for w in caught:
            text = str(w.message).strip()
            if text not in problems:
                problems.append(text)
        converged = bool(getattr(fit, "converged", False))
        llf = float(getattr(fit, "llf", math.nan))
        if not math.isfinite(llf):
            continue
        better = (
            best is None
            or (converged and not best_converged)
            or (converged == best_converged and llf > float(best.llf) + 1e-9)
        )
        if better:
            best, best_converged = fit, converged
        if best_converged and not caught and methods == optimisers[0]:
            break  # a clean fit with the first optimiser needs no second opinion
    return MixedFit(result=best, converged=best_converged, problems=problems)
