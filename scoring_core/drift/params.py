"""Parameters of drift detection and the per-column status rule."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from .errors import DriftError

__all__ = ["DriftParams", "STATUSES", "STABLE", "WATCH", "DRIFT", "psi_status"]

STABLE = "stable"
WATCH = "watch"
DRIFT = "drift"
#: Column statuses, from the least to the most severe.
STATUSES: tuple[str, ...] = (STABLE, WATCH, DRIFT)


@dataclass(frozen=True)
class DriftParams:
    """Every knob of drift detection, recorded in the report.

    Parameters
    ----------
    bins : int, default=10
        Quantile bins of a numeric column, cut on the reference (edges deduplicated, so a
        column with few distinct values gets fewer bins); missing values get their own bin.
    psi_watch, psi_drift : float, default=0.1, 0.25
        Credit-risk convention: PSI below ``psi_watch`` is stable, up to ``psi_drift``
        "watch", above ``psi_drift`` drift.
    alpha : float, default=0.01
        A column is only flagged (watch or drift) when its PSI also exceeds what sampling
        noise alone gives at this level (see :func:`scoring_core.drift.psi_noise_bound`);
        this matters for small samples only.
    noise_draws : int, default=1000
        Simulated sample pairs behind that noise bound.
    eps : float, default=1e-4
        Floor of a bin's share in the PSI (an empty bin would give an infinite PSI).
    max_levels : int, default=50
        Most frequent reference levels of a categorical column kept as their own bucket;
        rarer levels and levels unseen in the reference share an "other/unseen" bucket.
    drift_share : float, default=0.25
        Dataset drift when more than this share of the compared columns (raw and engineered,
        the score excluded) drift.
    top_important : int, default=10
        Dataset drift when one of the model's ``top_important`` most important features
        (global importance in the model metadata) drifts.
    """

    bins: int = 10
    psi_watch: float = 0.1
    psi_drift: float = 0.25
    alpha: float = 0.01
    noise_draws: int = 1000
    eps: float = 1e-4
    max_levels: int = 50
    drift_share: float = 0.25
    top_important: int = 10

    def __post_init__(self):
        if self.bins < 2:
            raise DriftError(f"drift parameter bins must be at least 2, got {self.bins}")
        if not 0 < self.psi_watch <= self.psi_drift:
            raise DriftError(
                f"drift parameters: need 0 < psi_watch <= psi_drift, got {self.psi_watch} and {self.psi_drift}"
            )
        if not 0 < self.alpha < 1:
            raise DriftError(f"drift parameter alpha must be in (0, 1), got {self.alpha}")
        if self.noise_draws < 100:
            raise DriftError(f"drift parameter noise_draws must be at least 100, got {self.noise_draws}")
        if not 0 < self.eps < 0.01:
            raise DriftError(f"drift parameter eps must be in (0, 0.01), got {self.eps}")
        if self.max_levels < 1:
            raise DriftError(f"drift parameter max_levels must be at least 1, got {self.max_levels}")
        if not 0 <= self.drift_share < 1:
            raise DriftError(f"drift parameter drift_share must be in [0, 1), got {self.drift_share}")
        if self.top_important < 0:
            raise DriftError(f"drift parameter top_important must be >= 0, got {self.top_important}")

    def to_dict(self) -> dict:
        return asdict(self)


def psi_status(psi: float, noise_bound: float | None, params: DriftParams) -> str:
    """``"stable"``, ``"watch"`` or ``"drift"`` for a column's PSI.

    The PSI band decides (``< psi_watch`` stable, ``<= psi_drift`` watch, above drift),
    except that a PSI within sampling noise (``psi <= noise_bound``) is always stable
    (``noise_bound=None``: not computed, no noise allowance).

    Examples
    --------
    >>> psi_status(0.3, 0.01, DriftParams())
    'drift'
    >>> psi_status(0.3, 0.5, DriftParams())  # tiny samples: within noise
    'stable'
    """
    if psi < params.psi_watch or (noise_bound is not None and psi <= noise_bound):
        return STABLE
    return WATCH if psi <= params.psi_drift else DRIFT
