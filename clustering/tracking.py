"""Stable themes across runs (docs/design.md §6): match this week's themes to last week's by centroid similarity.

Pure functions of centroids and trend words; no I/O. A current theme is matched to at most one previous theme
and the other way round (`scipy.optimize.linear_sum_assignment` on cosine similarity), and only pairs whose
similarity reaches the threshold count: pairs below it are given no weight before the assignment, so they cannot
steer it (the pairing maximises the total similarity of the accepted pairs). Then:

- a current theme with no match is `new`;
- a matched theme takes its own weekly trend word (`growing`, `shrinking`, `steady`; a theme whose trend says
  `new` but that matched last week's run is `growing`, one whose trend says `gone` is `shrinking`);
- a previous theme with no match is `gone`.

The threshold is `same_theme_threshold`: by default relative to how spread the run's themes are (a cosine distance
of `tracking.same_theme_spreads` median within-theme spreads), so that it means the same in any model's space.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linear_sum_assignment

from clustering.settings import TrackingSettings

STATUSES = ("new", "growing", "shrinking", "steady", "gone")


@dataclass(frozen=True)
class Match:
    """A current theme paired with a previous one."""

    current: str
    previous: str
    similarity: float


@dataclass(frozen=True)
class MatchResult:
    """Accepted pairs, current themes left unmatched (new) and previous themes left unmatched (gone).

    `nearest_*` give each theme's most similar theme on the other side, matched or not (to explain a split or
    a merge: a new theme close to an already matched one, a gone theme close to a current one).
    """

    matches: tuple[Match, ...]
    new: tuple[str, ...]
    gone: tuple[str, ...]
    nearest_previous: dict[str, tuple[str, float]] = field(default_factory=dict)  # current id -> (previous, sim)
    nearest_current: dict[str, tuple[str, float]] = field(default_factory=dict)  # previous id -> (current, sim)

    def of_current(self, theme_id: str) -> Match | None:
        """The match of a current theme, or None."""
        return next((m for m in self.matches if m.current == theme_id), None)


def _unit_rows(vectors: Sequence[Sequence[float]]) -> np.ndarray:
    matrix = np.asarray(vectors, dtype=float)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return matrix / norms


def similarity_matrix(current: Sequence[Sequence[float]], previous: Sequence[Sequence[float]]) -> np.ndarray:
    """Cosine similarity of every current centroid (rows) with every previous centroid (columns)."""
    return _unit_rows(current) @ _unit_rows(previous).T


def same_theme_threshold(spreads: Sequence[float], settings: TrackingSettings) -> float:
    """The cosine similarity from which two theme centres are one theme: `match_similarity` when set, else one minus
    `same_theme_spreads` x the median within-theme spread (1 - cohesion) of `spreads` (1.0, nothing but identical
    centres, when there is no theme to measure)."""
    if settings.match_similarity is not None:
        return float(settings.match_similarity)
    known = np.asarray([s for s in spreads if s is not None and np.isfinite(s)], dtype=np.float64)
    if not len(known):
        return 1.0
    return float(1.0 - settings.same_theme_spreads * np.median(np.clip(known, 0.0, 2.0)))


def run_threshold(themes: Sequence, settings: TrackingSettings) -> float:
    """`same_theme_threshold` of a run's themes (anything with a `cohesion`)."""
    return same_theme_threshold([1.0 - t.cohesion for t in themes], settings)


def related_threshold(themes: Sequence, settings: TrackingSettings) -> float:
    """The cosine from which an unmatched theme is related to a continued one (a split, a merge): within
    `related_spreads` median within-theme spreads, looser than the same-theme bar. 1.0 when there is no theme."""
    loose = TrackingSettings(same_theme_spreads=settings.related_spreads)
    return same_theme_threshold([1.0 - t.cohesion for t in themes], loose)


def match_centroids(current: Mapping[str, Sequence[float]], previous: Mapping[str, Sequence[float]],
                    threshold: float) -> MatchResult:
    """Match themes one-to-one by centroid cosine similarity; pairs below `threshold` are not matches.

    `current` and `previous` map theme ids to centroids (any length-normalisable vectors of one dimension).
    The result lists pairs in the order of `current`, and new/gone ids in their input order.
    """
    cur_ids, prev_ids = list(current), list(previous)
    if not cur_ids or not prev_ids or len(current[cur_ids[0]]) != len(previous[prev_ids[0]]):
        # runs embedded by different models share no space: nothing can be matched
        return MatchResult((), tuple(cur_ids), tuple(prev_ids))
    sims = similarity_matrix([current[i] for i in cur_ids], [previous[i] for i in prev_ids])
    weights = np.where(sims >= threshold, sims, 0.0)
    rows, cols = linear_sum_assignment(weights, maximize=True)
    paired = {int(r): (int(c), float(sims[r, c])) for r, c in zip(rows, cols) if sims[r, c] >= threshold}
    matches = tuple(Match(cur_ids[r], prev_ids[c], round(s, 4)) for r, (c, s) in sorted(paired.items()))
    matched_cur, matched_prev = {m.current for m in matches}, {m.previous for m in matches}
    nearest_prev = {cur_ids[r]: (prev_ids[int(np.argmax(sims[r]))], round(float(np.max(sims[r])), 4))
                    for r in range(len(cur_ids))}
    nearest_cur = {prev_ids[c]: (cur_ids[int(np.argmax(sims[:, c]))], round(float(np.max(sims[:, c])), 4))
                   for c in range(len(prev_ids))}
    return MatchResult(matches=matches, new=tuple(i for i in cur_ids if i not in matched_cur),
                       gone=tuple(i for i in prev_ids if i not in matched_prev),
                       nearest_previous=nearest_prev, nearest_current=nearest_cur)


def theme_status(trend: str, matched: bool, has_previous: bool) -> str:
    """The digest's word for a current theme.

    With a previous week's run: unmatched is `new`; matched takes its trend word (`new` becomes `growing`,
    `gone` becomes `shrinking`). Without one, the theme's own weekly trend decides (a run of a single week
    makes every theme `new`).
    """
    if has_previous and not matched:
        return "new"
    if trend in ("growing", "shrinking", "steady"):
        return trend
    if trend == "new":
        return "growing" if matched else "new"
    if trend == "gone":
        return "shrinking"
    return "steady" if matched else "new"  # "single week" / "no weeks"


LINEAGE_KINDS = ("continues", "split from", "merged from", "new", "gone")


@dataclass(frozen=True)
class Lineage:
    """Where a current theme comes from in a list of kept themes (a registry).

    kind: `continues` (matched one-to-one), `merged from` (matched, and also close to kept themes that nothing
    else matched: it absorbed them), `split from` (unmatched but close to a kept theme that another current theme
    continues: a part of it), `new` (close to nothing). `sources`: the kept themes it comes from.
    """

    current: str
    kind: str
    kept: str | None  # the kept theme it continues (continues / merged from); None otherwise
    sources: tuple[str, ...]
    similarity: float  # to its nearest kept theme


@dataclass(frozen=True)
class LineageResult:
    themes: tuple[Lineage, ...]
    gone: tuple[str, ...]  # kept themes no current theme continues or absorbed

    def of_current(self, theme_id: str) -> Lineage:
        return next(t for t in self.themes if t.current == theme_id)


def lineage(current: Mapping[str, Sequence[float]], kept: Mapping[str, Sequence[float]],
            threshold: float, related: float | None = None) -> LineageResult:
    """Each current theme's lineage against kept themes: the one-to-one match of `match_centroids`, then splits
    (a second current theme close, at `threshold`, to a matched kept theme; or, given `related`, at that looser bar
    to a kept theme another current theme continues) and merges (a matched current theme also close, at
    `threshold`, to kept themes left unmatched). Kept themes neither matched nor absorbed are `gone`."""
    result = match_centroids(current, kept, threshold)
    cur_ids, kept_ids = list(current), list(kept)
    if not cur_ids or not kept_ids or len(current[cur_ids[0]]) != len(kept[kept_ids[0]]):
        return LineageResult(tuple(Lineage(c, "new", None, (), 0.0) for c in cur_ids), tuple(kept_ids))
    sims = similarity_matrix([current[i] for i in cur_ids], [kept[i] for i in kept_ids])
    matched_kept = {m.previous for m in result.matches}
    absorbed: set[str] = set()
    out = []
    for r, cur in enumerate(cur_ids):
        ranked = np.argsort(-sims[r], kind="stable")
        close = [kept_ids[c] for c in ranked if sims[r, c] >= threshold]
        if related is not None and not close:  # a part of a kept theme that another current theme continues
            close = [kept_ids[c] for c in ranked if sims[r, c] >= related and kept_ids[c] in matched_kept][:1]
        nearest = round(float(sims[r].max()), 4)
        match = result.of_current(cur)
        if match is not None:
            extra = tuple(k for k in close if k not in matched_kept and k != match.previous)
            absorbed.update(extra)
            kind = "merged from" if extra else "continues"
            out.append(Lineage(cur, kind, match.previous, (match.previous, *extra), match.similarity))
        elif close:
            out.append(Lineage(cur, "split from", None, (close[0],), nearest))
        else:
            out.append(Lineage(cur, "new", None, (), nearest))
    gone = tuple(k for k in kept_ids if k not in matched_kept and k not in absorbed)
    return LineageResult(tuple(out), gone)
