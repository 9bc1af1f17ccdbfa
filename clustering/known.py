"""Known themes assign first: cases that fit a theme the analysts already know go to it before clustering.

Pure functions of vectors and of what was measured on each known theme's members. A theme's spread is the
distribution of its members' cosine similarities to its centre; its membership bar is the stricter of a low
quantile of that distribution and its median minus `spread_z` robust spreads, so a tight theme takes only close
cases and a loose one looser ones (never one bare threshold for all themes). A case goes to its nearest known theme
(by centre) when it reaches that theme's bar; the rest are clustered for new themes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from clustering.settings import KnownSettings
from clustering.stats import MAD_TO_SD

QUANTILE_GRID = tuple(round(q * 0.05, 2) for q in range(21))  # the quantiles kept of a spread: 0, 0.05, ..., 1
NOT_KNOWN = -1


@dataclass(frozen=True)
class Spread:
    """Members' similarities to their centre, summarised: count, median, MAD and quantiles on QUANTILE_GRID."""

    n: int
    median: float
    mad: float
    quantiles: tuple[float, ...]

    def quantile(self, q: float) -> float:
        return float(np.interp(q, QUANTILE_GRID, self.quantiles))

    def to_dict(self) -> dict:
        return {"n": self.n, "median": self.median, "mad": self.mad, "quantiles": list(self.quantiles)}

    @classmethod
    def from_dict(cls, data: dict) -> Spread:
        return cls(int(data["n"]), float(data["median"]), float(data["mad"]), tuple(map(float, data["quantiles"])))


def spread_of(similarities: Sequence[float]) -> Spread:
    """The spread of a theme from its members' similarities to its centre."""
    sims = np.asarray(similarities, dtype=float)
    sims = sims[np.isfinite(sims)]
    if not len(sims):
        return Spread(0, 0.0, 0.0, tuple(0.0 for _ in QUANTILE_GRID))
    median = float(np.median(sims))
    return Spread(len(sims), round(median, 5), round(float(np.median(np.abs(sims - median))), 5),
                  tuple(round(float(q), 5) for q in np.quantile(sims, QUANTILE_GRID)))


@dataclass(frozen=True)
class KnownTheme:
    """A theme marked known: its key (the registry id), centre and spread."""

    key: str
    centroid: tuple[float, ...]
    spread: Spread


def membership_bar(spread: Spread, settings: KnownSettings) -> float | None:
    """The similarity a case needs to join this theme; None when too few members were measured."""
    if spread.n < settings.min_members:
        return None
    robust = spread.median - settings.spread_z * MAD_TO_SD * spread.mad
    return max(spread.quantile(settings.low_quantile), robust)


@dataclass(frozen=True)
class KnownAssignment:
    """Per case: the index of the known theme it joins (NOT_KNOWN = none) and its similarity to that centre."""

    index: np.ndarray
    similarity: np.ndarray
    bars: tuple[float | None, ...]  # each known theme's bar

    @property
    def assigned(self) -> np.ndarray:
        return self.index != NOT_KNOWN


def known_centres(known: Sequence[KnownTheme], dims: int) -> np.ndarray:
    """The known themes' centres as unit rows (a row of zeros for a centre of another embedding size)."""
    out = np.zeros((len(known), dims), dtype=np.float64)
    for i, theme in enumerate(known):
        if len(theme.centroid) == dims:
            centre = np.asarray(theme.centroid, dtype=np.float64)
            out[i] = centre / max(float(np.linalg.norm(centre)), 1e-12)
    return out


def assign_known(vectors: np.ndarray, known: Sequence[KnownTheme], settings: KnownSettings) -> KnownAssignment:
    """Give each case (unit vectors, one per row) to its nearest known theme when it reaches that theme's bar."""
    n = len(vectors)
    bars = tuple(membership_bar(k.spread, settings) for k in known)
    usable = [i for i, b in enumerate(bars) if b is not None and len(known[i].centroid) == vectors.shape[1]]
    index = np.full(n, NOT_KNOWN, dtype=np.int64)
    best = np.zeros(n, dtype=np.float32)
    if not n or not usable:
        return KnownAssignment(index, best, bars)
    centres = np.asarray([known[i].centroid for i in usable], dtype=np.float64)
    centres /= np.maximum(np.linalg.norm(centres, axis=1, keepdims=True), 1e-12)
    sims = vectors @ centres.T
    nearest = sims.argmax(axis=1)
    best = sims[np.arange(n), nearest].astype(np.float32)
    reaches = best >= np.asarray([bars[i] for i in usable])[nearest]
    index = np.where(reaches, np.asarray(usable)[nearest], NOT_KNOWN)
    return KnownAssignment(index.astype(np.int64), best, bars)
