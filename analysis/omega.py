"""McDonald's omega as ``psych::omega`` computes it: minres factoring, oblimin, Schmid-Leiman.

The factor-analytic half of `analysis.reliability` (which documents how the result compares
with psych): minimum-residual factoring of an item correlation matrix, oblimin rotation to
correlated group factors, a one-factor minres analysis of their correlations, and the
Schmid-Leiman orthogonalisation that gives omega total and omega hierarchical.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize

#: Bounds psych::fa puts on each uniqueness during minres fitting.
_UNIQUENESS_BOUNDS = (0.005, 1.0)


def squared_multiple_correlations(corr: np.ndarray) -> np.ndarray:
    """Squared multiple correlation of each item with all the others (psych ``smc``).

    Parameters
    ----------
    corr : numpy.ndarray
        k x k correlation matrix.

    Returns
    -------
    numpy.ndarray
        smc_i = 1 - 1 / (R^-1)_ii, clipped to [0, 1]; the pseudo-inverse is used when R is
        singular.

    References
    ----------
    Guttman, L. (1945). A basis for analyzing test-retest reliability. Psychometrika, 10,
    255-282.
    """
    try:
        inverse = np.linalg.inv(corr)
    except np.linalg.LinAlgError:
        inverse = np.linalg.pinv(corr)
    with np.errstate(divide="ignore"):
        values = 1 - 1 / np.diag(inverse)
    return np.clip(np.nan_to_num(values, nan=1.0), 0.0, 1.0)


@dataclass
class OmegaResult:
    """McDonald's omegas from a factor model of a correlation matrix.

    Attributes
    ----------
    omega_total : float
        (sum(R) - sum(u2)) / sum(R).
    omega_hierarchical : float
        (sum of general-factor loadings)^2 / sum(R).
    general_loadings, uniquenesses : numpy.ndarray
        Schmid-Leiman general-factor loadings (the factor loadings for one factor) and
        u2 = 1 - h2.
    group_loadings : numpy.ndarray
        k x nfactors Schmid-Leiman group-factor loadings (empty for one factor).
    converged : bool
        Whether the factoring and rotation converged.
    """

    omega_total: float
    omega_hierarchical: float
    general_loadings: np.ndarray
    uniquenesses: np.ndarray
    group_loadings: np.ndarray
    converged: bool


def minres_loadings(corr: np.ndarray, nfactors: int) -> tuple[np.ndarray, bool]:
    """Unrotated minimum-residual (unweighted least squares) factor loadings, as ``psych::fa``.

    Parameters
    ----------
    corr : numpy.ndarray
        k x k correlation matrix.
    nfactors : int
        Number of factors.

    Returns
    -------
    loadings : numpy.ndarray
        k x nfactors loadings L = V_m sqrt(D_m) from the m largest eigenpairs of R with the
        communalities 1 - psi on its diagonal.
    converged : bool
        Whether the optimiser reported convergence.

    Notes
    -----
    The uniquenesses psi minimise F(psi) = 1/2 sum_{j > m} e_j(R - diag(psi))^2 (the ULS
    discrepancy after the best rank-m fit), whose gradient diag(LL' + diag(psi) - R) is the
    one psych uses (``FAgr.minres``); at the minimum the diagonal residuals vanish, so it is
    also the minimum of psych's off-diagonal residual criterion. As in psych, the start is
    psi = 1 - smc and each psi is kept in [0.005, 1] (L-BFGS-B).

    References
    ----------
    Harman, H. H., & Jones, W. H. (1966). Factor analysis by minimizing residuals (minres).
    Psychometrika, 31, 351-368. Revelle, W. psych: fa (fm = "minres").
    """
    k = corr.shape[0]

    def reduced(psi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        values, vectors = np.linalg.eigh(corr - np.diag(psi))
        return values[::-1], vectors[:, ::-1]

    def discrepancy(psi: np.ndarray) -> tuple[float, np.ndarray]:
        values, vectors = reduced(psi)
        top = np.maximum(values[:nfactors], 0)
        loadings = vectors[:, :nfactors] * np.sqrt(top)
        residual = corr - np.diag(psi) - loadings @ loadings.T
        value = 0.5 * float((residual**2).sum())
        return value, -np.diag(residual).copy()

    start = np.clip(1 - squared_multiple_correlations(corr), *_UNIQUENESS_BOUNDS)
    result = optimize.minimize(
        discrepancy,
        start,
        jac=True,
        method="L-BFGS-B",
        bounds=[_UNIQUENESS_BOUNDS] * k,
        options={"ftol": 1e-14, "gtol": 1e-10, "maxiter": 5000},
    )
    values, vectors = reduced(result.x)
    loadings = vectors[:, :nfactors] * np.sqrt(np.maximum(values[:nfactors], 0))
    return loadings, bool(result.success)


def oblimin_rotation(
    loadings: np.ndarray, gamma: float = 0.0, tolerance: float = 1e-5, max_iterations: int = 1000
) -> tuple[np.ndarray, np.ndarray, bool]:
    """Oblique oblimin rotation by gradient projection, as ``GPArotation::oblimin``.

    Parameters
    ----------
    loadings : numpy.ndarray
        k x m unrotated loadings A.
    gamma : float
        Oblimin parameter (0 = quartimin, GPArotation's default).
    tolerance, max_iterations : float, int
        Stop when the projected gradient's norm is below `tolerance` (GPArotation: 1e-5).

    Returns
    -------
    pattern : numpy.ndarray
        Rotated pattern matrix L = A (T')^-1.
    phi : numpy.ndarray
        Factor correlations T'T.
    converged : bool

    Notes
    -----
    Criterion Q(L) = 1/4 sum(L^2 * (L^2 N)), N = (1 - I) adjusted by gamma; the algorithm is
    GPFoblq with step doubling and halving.

    References
    ----------
    Jennrich, R. I. (2002). A simple general method for oblique rotation. Psychometrika, 67,
    7-19. Bernaards, C. A., & Jennrich, R. I. (2005). Gradient projection algorithms and
    software for arbitrary rotation criteria. Educational and Psychological Measurement, 65,
    676-696.
    """
    p, m = loadings.shape
    off_diagonal = np.ones((m, m)) - np.eye(m)

    def criterion(pattern: np.ndarray) -> tuple[float, np.ndarray]:
        x = (pattern**2) @ off_diagonal
        if gamma:
            x = (np.eye(p) - np.full((p, p), gamma / p)) @ x
        return float((pattern**2 * x).sum() / 4), pattern * x

    rotation = np.eye(m)
    pattern = loadings @ np.linalg.inv(rotation).T
    value, gq = criterion(pattern)
    gradient = -(pattern.T @ gq @ np.linalg.inv(rotation)).T
    step = 1.0
    converged = False
    for _ in range(max_iterations + 1):
        projected = gradient - rotation * (np.ones(m) @ (rotation * gradient))
        size = float(np.sqrt((projected**2).sum()))
        if size < tolerance:
            converged = True
            break
        step *= 2
        for _ in range(11):
            trial = rotation - step * projected
            trial = trial / np.sqrt((trial**2).sum(axis=0))
            trial_pattern = loadings @ np.linalg.inv(trial).T
            trial_value, trial_gq = criterion(trial_pattern)
            if value - trial_value > 0.5 * size**2 * step:
                break
            step /= 2
        rotation, pattern, value = trial, trial_pattern, trial_value
        gradient = -(pattern.T @ trial_gq @ np.linalg.inv(rotation)).T
    return pattern, rotation.T @ rotation, converged


def omega_coefficients(corr: np.ndarray, nfactors: int = 1) -> OmegaResult:
    """McDonald's omega total and omega hierarchical, as ``psych::omega(R, nfactors)``.

    Parameters
    ----------
    corr : numpy.ndarray
        k x k item correlation matrix (items already reverse-keyed).
    nfactors : int
        Group factors: 1 for a one-factor model; 3 or more for a Schmid-Leiman bifactor
        solution (Mutuality passes the number of subscales the scale contains).

    Returns
    -------
    OmegaResult

    Notes
    -----
    Steps, each as psych 2.x does them:

    1. Minres factoring of R with `nfactors` factors (:func:`minres_loadings`);
       communalities h2 = row sums of squared loadings, u2 = 1 - h2.
    2. nfactors = 1: the general loadings are the factor loadings. nfactors >= 3: oblimin
       rotation (:func:`oblimin_rotation`) to a pattern P with factor correlations Phi; a
       one-factor minres analysis of Phi gives each factor's loading g_f on the general
       factor; Schmid-Leiman: general loadings P g, group loadings
       sign(P) sqrt(P^2 (1 - g^2)).
    3. Items with a negative general loading are flipped (psych's ``flip = TRUE``).
    4. V = sum(R) after flipping; omega_total = (V - sum(u2)) / V and
       omega_hierarchical = (sum of general loadings)^2 / V.

    For one factor, omega_hierarchical equals (sum lambda)^2 / sum(R); psych calls it not
    meaningful and Mutuality reports only omega_total then. Note that psych's omega_total
    divides by the observed sum(R), not by the model-implied (sum lambda)^2 + sum(u2) of
    McDonald's textbook formula; the two agree when the one-factor model fits exactly.

    References
    ----------
    McDonald, R. P. (1999). Test theory: A unified treatment. Erlbaum.
    Schmid, J., & Leiman, J. M. (1957). The development of hierarchical factor solutions.
    Psychometrika, 22, 53-61.
    Revelle, W., & Zinbarg, R. E. (2009). Coefficients alpha, beta, omega, and the glb.
    Psychometrika, 74, 145-154.
    """
    k = corr.shape[0]
    orthogonal, converged = minres_loadings(corr, nfactors)
    uniquenesses = 1 - (orthogonal**2).sum(axis=1)
    if nfactors == 1:
        general = orthogonal[:, 0]
        group = np.empty((k, 0))
    else:
        if nfactors < 3:
            raise ValueError("a Schmid-Leiman solution needs three or more group factors")
        pattern, phi, rotated = oblimin_rotation(orthogonal)
        higher, higher_converged = minres_loadings(phi, 1)
        factor_g = higher[:, 0]
        if factor_g.sum() < 0:
            factor_g = -factor_g
        general = pattern @ factor_g
        group = np.sign(pattern) * np.sqrt(np.clip(pattern**2 * (1 - factor_g**2), 0, None))
        converged = converged and rotated and higher_converged
    key = np.where(general < 0, -1.0, 1.0)
    flipped = corr * np.outer(key, key)
    general = general * key
    total_variance = float(flipped.sum())
    return OmegaResult(
        omega_total=float((total_variance - uniquenesses.sum()) / total_variance),
        omega_hierarchical=float(general.sum() ** 2 / total_variance),
        general_loadings=general,
        uniquenesses=uniquenesses,
        group_loadings=group,
        converged=converged,
    )
