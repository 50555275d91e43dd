"""Exact REML for linear growth models, from per-member sums: fast at any number of members.

statsmodels' ``MixedLM`` evaluates its likelihood group by group in Python, which takes
minutes for 20,000 members. The growth models Mutuality fits have a special shape, though:
every member's random effects are an intercept and a slope on ``time``, members are nested
in groups, and the fixed part is ``1 + time`` (or ``1 + time`` per group). Then the REML
criterion depends on the data only through six sums per member (n, Σt, Σt², Σy, Σty, Σy²),
and each evaluation is a handful of vectorised 2×2 operations (Woodbury identity) instead
of an ``n × n`` inverse. The optimum is the same REML optimum lme4 and statsmodels find.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import optimize, sparse

#: Relative parameters are on the residual SD scale; a relative SD below this is a boundary.
_LOG_2PI = math.log(2 * math.pi)


@dataclass
class GrowthFit:
    """A fitted growth model (all variances on the scale of the data).

    Attributes
    ----------
    fixed : pandas.Series
        Fixed effects: ``Intercept`` and ``time``, or ``<group>:Intercept`` and
        ``<group>:time`` per group.
    fixed_se : pandas.Series
        Their standard errors, ``sqrt(diag(sigma^2 (X' V^-1 X)^-1))`` (as lme4's ``vcov``).
    member_cov : numpy.ndarray
        2×2 covariance of the member intercept and slope (zeros where not in the model).
    group_var : float
        Variance of the group random intercept (0 when not in the model).
    residual_var : float
        Residual variance sigma^2.
    reml_criterion : float
        -2 × the REML log-likelihood at the optimum (lme4's ``REMLcrit``).
    converged : bool
        Whether the optimiser reported success.
    problems : list of str
        The optimiser's message when it did not converge.
    """

    fixed: pd.Series
    fixed_se: pd.Series
    member_cov: np.ndarray
    group_var: float
    residual_var: float
    reml_criterion: float
    converged: bool
    problems: list[str] = field(default_factory=list)
    _state: dict = field(default_factory=dict, repr=False)

    def member_effects(self) -> pd.DataFrame:
        """Each member's empirical Bayes intercept and slope and their conditional variances.

        Columns ``intercept``, ``slope``, ``var_intercept``, ``var_slope`` (index: member).
        For member i with design ``Z_i = [1, t]``: ``u_i = Γ Z_i' V_i^-1 (y_i - X_i β)`` and
        ``Var(u_i | y) = σ² L (I + L' Z_i'Z_i L)^-1 L'`` with Γ = σ² L L', given β (as
        ``lme4::ranef(condVar = TRUE)`` and statsmodels' ``random_effects_cov``). Only for
        models without a group random intercept.
        """
        s = self._state
        if s["has_group"]:
            raise ValueError("member effects are only available without a group intercept")
        ell, binv, stats, beta = s["L"], s["Binv"], s["stats"], s["beta_members"]
        zz = stats[:, :2, :2]
        zy = stats[:, :2, 2]
        residual = zy - np.einsum("nij,nj->ni", zz, beta)
        middle = np.einsum("ij,njk,lk->nil", ell, binv, ell)  # L B^-1 L'
        effects = np.einsum("nij,nj->ni", middle, residual)
        sigma2 = self.residual_var
        return pd.DataFrame(
            {
                "intercept": effects[:, 0],
                "slope": effects[:, 1],
                "var_intercept": sigma2 * middle[:, 0, 0],
                "var_slope": sigma2 * middle[:, 1, 1],
            },
            index=pd.Index(s["members"], name="member"),
        )


def _member_sums(
    member: np.ndarray, time: np.ndarray, y: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per member: the 3×3 cross-product matrix of (1, t, y); member labels; first row."""
    codes, labels = pd.factorize(member, sort=False)
    columns = np.column_stack([np.ones_like(time), time, y])
    m = len(labels)
    stats = np.empty((m, 3, 3))
    for a in range(3):
        for b in range(a, 3):
            sums = np.bincount(codes, weights=columns[:, a] * columns[:, b], minlength=m)
            stats[:, a, b] = sums
            stats[:, b, a] = sums
    first = np.full(m, -1)
    first[codes[::-1]] = np.arange(len(codes))[::-1]
    return stats, np.asarray(labels), first


def _lower(theta: np.ndarray, member_slope: bool, correlated: bool) -> np.ndarray:
    ell = np.zeros((2, 2))
    ell[0, 0] = theta[0]
    if member_slope:
        ell[1, 1] = theta[1]
        if correlated:
            ell[1, 0] = theta[2]
    return ell


def fit_growth(
    member: pd.Series | np.ndarray,
    time: pd.Series | np.ndarray,
    y: pd.Series | np.ndarray,
    group: pd.Series | np.ndarray | None = None,
    *,
    member_slope: bool = True,
    correlated: bool = True,
    group_intercept: bool = False,
    fixed_per_group: bool = False,
) -> GrowthFit:
    r"""Fit ``y ~ time`` with member random effects (and a group intercept) by exact REML.

    Parameters
    ----------
    member, time, y
        One value per observation (no missing values).
    group
        The member's group, needed for `group_intercept` and `fixed_per_group`.
    member_slope
        Random slope on `time` per member (else a random intercept only).
    correlated
        Estimate the correlation of member intercepts and slopes (lme4 ``(time | member)``);
        False gives independent ones (``(1 | member) + (0 + time | member)``).
    group_intercept
        Add a random intercept per group, members nested in groups.
    fixed_per_group
        Fixed intercept and slope for each group (``y ~ 0 + group + group:time``).

    Returns
    -------
    GrowthFit

    Notes
    -----
    Model: :math:`y_{ij} = x_{ij}'\beta + v_{g} + u_{0i} + u_{1i} t_{ij} + e_{ij}` with
    :math:`u_i \sim N(0, \sigma^2 L L')`, :math:`v_g \sim N(0, \sigma^2 \gamma)`,
    :math:`e \sim N(0, \sigma^2)`. With :math:`Z_i = [1, t_i]`,
    :math:`B_i = I + L' Z_i'Z_i L`, the Woodbury identity gives for any columns a, b of a
    member's data :math:`a' R_i^{-1} b = a'b - (L'Z_i'a)' B_i^{-1} (L'Z_i'b)` and
    :math:`\log|R_i| = \log|B_i|`, where :math:`R_i = V_i / \sigma^2`. A group intercept
    is a rank-one update: :math:`Q_g = \sum_{i \in g} Q_i`,
    :math:`\tilde Q_g = Q_g - \gamma Q_g[:,1] Q_g[1,:] / (1 + \gamma Q_g[1,1])`. With
    :math:`P = X'R^{-1}X`, :math:`r^2 = y'R^{-1}y - q'P^{-1}q`, the profiled REML deviance is
    :math:`(N-p)(1 + \log(2\pi r^2/(N-p))) + \sum\log|B_i| + \sum\log(1 + \gamma Q_g[1,1])
    + \log|P|`, minimised over L and γ (L-BFGS-B from two starts; the lower deviance wins).

    References
    ----------
    Bates, D., Mächler, M., Bolker, B., & Walker, S. (2015). Fitting linear mixed-effects
    models using lme4. *Journal of Statistical Software*, 67(1), section 3.
    Harville, D. A. (1977). Maximum likelihood approaches to variance component estimation.
    *JASA*, 72, 320–338.
    """
    member = np.asarray(member)
    time = np.asarray(time, dtype=float)
    y = np.asarray(y, dtype=float)
    n = len(y)
    if (group_intercept or fixed_per_group) and group is None:
        raise ValueError("a group intercept or per-group fixed effects need the group column")
    stats, members, first = _member_sums(member, time, y)
    if group is not None:
        group_codes, group_labels = pd.factorize(np.asarray(group)[first], sort=False)
    else:
        group_codes, group_labels = np.zeros(len(members), dtype=int), np.array(["all"])
    n_groups = len(group_labels)
    p = 2 * n_groups if fixed_per_group else 2
    if n <= p:
        raise ValueError("too few observations for the fixed effects")
    n_theta = 1 + (2 if member_slope and correlated else 1 if member_slope else 0)
    zz = stats[:, :2, :2]
    zc = stats[:, :2, :]  # Z_i' [1 t y]

    # Sums over the members of each group, as one sparse product (groups x members).
    indicator = sparse.csr_matrix(
        (np.ones(len(members)), (group_codes, np.arange(len(members)))),
        shape=(n_groups, len(members)),
    )
    count, sum_t, sum_tt = zz[:, 0, 0], zz[:, 0, 1], zz[:, 1, 1]
    row0, row1 = zc[:, 0, :], zc[:, 1, :]

    def pieces(theta: np.ndarray):
        ell = _lower(theta, member_slope, correlated)
        a, c, b = ell[0, 0], ell[1, 0], ell[1, 1]
        # B_i = I + L' Z_i'Z_i L, written out for L = [[a, 0], [c, b]] (2x2 per member).
        b00 = 1 + a * (count * a + sum_t * c) + c * (sum_t * a + sum_tt * c)
        b01 = b * (a * sum_t + c * sum_tt)
        b11 = 1 + b * b * sum_tt
        det = b00 * b11 - b01 * b01
        i00, i01, i11 = b11 / det, -b01 / det, b00 / det
        w0 = a * row0 + c * row1  # rows of L' Z_i' [1 t y]
        w1 = b * row1
        v0 = i00[:, None] * w0 + i01[:, None] * w1
        v1 = i01[:, None] * w0 + i11[:, None] * w1
        q = stats - w0[:, :, None] * v0[:, None, :] - w1[:, :, None] * v1[:, None, :]
        per_group = np.asarray(indicator @ q.reshape(len(q), 9)).reshape(n_groups, 3, 3)
        binv = np.stack([np.stack([i00, i01], -1), np.stack([i01, i11], -1)], -2)
        logdet = float(np.log(det).sum())
        if group_intercept:
            gamma = theta[n_theta] ** 2
            d = 1 + gamma * per_group[:, 0, 0]
            per_group = per_group - (gamma / d)[:, None, None] * (
                per_group[:, :, 0][:, :, None] * per_group[:, 0, :][:, None, :]
            )
            logdet += float(np.log(d).sum())
        return ell, binv, per_group, logdet

    def solve(per_group: np.ndarray):
        if fixed_per_group:
            pmat = per_group[:, :2, :2]
            rhs = per_group[:, :2, 2]
            beta = np.linalg.solve(pmat, rhs[..., None])[..., 0]
            r2 = float((per_group[:, 2, 2] - np.einsum("ni,ni->n", rhs, beta)).sum())
            logdet_p = float(np.linalg.slogdet(pmat)[1].sum())
            return beta, pmat, r2, logdet_p
        total = per_group.sum(axis=0)
        pmat, rhs = total[:2, :2], total[:2, 2]
        beta = np.linalg.solve(pmat, rhs)
        r2 = float(total[2, 2] - rhs @ beta)
        return beta, pmat, r2, float(np.linalg.slogdet(pmat)[1])

    def deviance(theta: np.ndarray) -> float:
        _, _, per_group, logdet = pieces(theta)
        _, _, r2, logdet_p = solve(per_group)
        if not r2 > 0:
            return math.inf
        dof = n - p
        return dof * (1 + _LOG_2PI + math.log(r2 / dof)) + logdet + logdet_p

    n_params = n_theta + (1 if group_intercept else 0)
    bounds = [(0, None)] * n_params
    if member_slope and correlated:
        bounds[2] = (None, None)
    starts = [np.full(n_params, 1.0), np.full(n_params, 0.3)]
    if member_slope and correlated:
        for start in starts:
            start[2] = 0.0
    best = None
    for start in starts:
        found = optimize.minimize(deviance, start, method="L-BFGS-B", bounds=bounds)
        if best is None or found.fun < best.fun - 1e-9:
            best = found
    theta = best.x
    ell, binv, per_group, _ = pieces(theta)
    beta, pmat, r2, _ = solve(per_group)
    sigma2 = r2 / (n - p)
    if fixed_per_group:
        covs = sigma2 * np.linalg.inv(pmat)
        names = [f"{g}:{part}" for g in group_labels for part in ("Intercept", "time")]
        fixed = pd.Series(beta.ravel(), index=names)
        se = pd.Series(np.sqrt(np.concatenate([np.diag(c) for c in covs])), index=names)
        beta_members = beta[group_codes]
    else:
        cov = sigma2 * np.linalg.inv(pmat)
        fixed = pd.Series(beta, index=["Intercept", "time"])
        se = pd.Series(np.sqrt(np.diag(cov)), index=["Intercept", "time"])
        beta_members = np.broadcast_to(beta, (len(members), 2))
    converged = bool(best.success)
    return GrowthFit(
        fixed=fixed,
        fixed_se=se,
        member_cov=sigma2 * ell @ ell.T,
        group_var=sigma2 * theta[n_theta] ** 2 if group_intercept else 0.0,
        residual_var=sigma2,
        reml_criterion=float(best.fun),
        converged=converged,
        problems=[] if converged else [str(best.message)],
        _state={
            "L": ell,
            "Binv": binv,
            "stats": stats,
            "members": members,
            "beta_members": beta_members,
            "has_group": group_intercept,
        },
    )
