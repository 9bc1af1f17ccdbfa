"""The cluster stage: a backend finds dense groups, then a purity pass in the original embedding space.

Backends (`ClusterSettings.backend`): `umap_hdbscan`, HDBSCAN on the UMAP coordinates; `evoc`, EVoC on the
embedding vectors themselves (one of the layers of its hierarchy). Either may pull a one-off case into the
nearest dense group, and a one-off error inside a theme misleads its root-cause analysis. So the purity pass
asks of every member whether it has close siblings in its theme in the original space: the mean cosine
similarity to its `member_knn` nearest fellow members (or `member_knn_share` of its theme, when more), on the note
vectors (what went wrong). Criteria
(`purity`): `fixed`, below an absolute bar (`member_similarity`, measured for the packaged MiniLM across the
quality table's sets); `global`, below the median over all members by more than `purity_z` robust spreads
(1.4826 x the median absolute deviation), a bar that follows any model's scale of similarities (a multilingual
model puts unrelated texts at 0.8); `spread`, the same per theme (it trims the low tail of every theme, loose or
not, and measured worse); `off`. The default `auto` is `fixed` for the packaged MiniLM and `global` for any other
model (`resolved_purity`; the pipeline passes the note model, a bare `cluster_cases` call assumes the default).
Themes that are one cause found once per language (each over 80% one language, their centres close once each
language's mean is taken out) are then joined (`language_twins_spreads`, `clustering.language`). Unthemed cases
stay visible; the optional attach step gives one to its nearest theme above a threshold, flagged.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from clustering.embedders import MINILM
from clustering.language import Languages, join_language_twins
from clustering.settings import MIN_SAMPLES_AT_LEAST, MULTILINGUAL_MODEL, SMALLEST_THEME_SHARE, ClusterSettings
from clustering.stats import MAD_TO_SD

UNTHEMED = -1


@dataclass(frozen=True, eq=False)
class Labelling:
    """One labelling of the clustered cases, what the describers take (`clustering.describe.describe_themes`): per
    case, in the order of the cases' vectors, its label and what was decided for it; one centre per label.

    The themes are one labelling (`Clusters`); the parent themes another, the same cases labelled by group of themes
    (`clustering.parents`)."""

    labels: np.ndarray  # int: 0..k-1 (0 = the largest theme), UNTHEMED (-1) for cases in none
    attached: np.ndarray  # bool: an outlier given to its nearest theme by the attach step
    similarity: np.ndarray  # cosine similarity to its theme's centre (to the nearest centre if unthemed)
    centroids: np.ndarray  # unit vectors, one row per label 0..k-1, in the original embedding space

    def __post_init__(self):
        sizes = {len(self.labels), len(self.attached), len(self.similarity)}
        if len(sizes) > 1:
            raise ValueError(f"a labelling needs one label, attached flag and similarity per case; got "
                             f"{len(self.labels)} labels, {len(self.attached)} flags, {len(self.similarity)} "
                             "similarities")


@dataclass(frozen=True, eq=False)
class Clusters(Labelling):
    """The cluster stage's labelling (0 = largest theme, -1 = unthemed) and how it was found."""

    min_cluster_size: int
    hdbscan_members: int  # cases the backend (HDBSCAN or EVoC) put in a theme before the purity pass


def auto_min_cluster_size(n_cases: int) -> int:
    """The default smallest theme: `SMALLEST_THEME_SHARE` of the cases, but at least 14 (a tenth of the cases, 5 at
    least, for very small files).

    14 for 716 cases (the demo), 20 for 5,500 (CLINC150 test), 85 for 23,700 (CLINC150 full), 360 for 100,000;
    measured on the demo set and CLINC150, see docs/quality.md.
    """
    small = max(5, min(14, n_cases // 10))
    return max(small, round(SMALLEST_THEME_SHARE * n_cases))


def auto_min_samples(min_cluster_size: int) -> int:
    """The default HDBSCAN min_samples: a quarter of the smallest theme, at least `MIN_SAMPLES_AT_LEAST` (5) and at
    most the smallest theme (5 for the demo's 716 cases, 21 for CLINC150 full's 23,700; see docs/quality.md's seeded
    quality table)."""
    return min(min_cluster_size, max(MIN_SAMPLES_AT_LEAST, min_cluster_size // 4))


def knn_similarity_within(vectors: np.ndarray, labels: np.ndarray, k: int, block: int = 2048,
                          share: float | None = None) -> np.ndarray:
    """For each labelled row, the mean cosine similarity to its k nearest rows of the same label (NaN if unlabelled);
    with `share`, k grows with the label's size: at least `share` of its rows (so that a theme twice as dense, from
    a file twice as large, is not held to a tighter bar)."""
    out = np.full(len(vectors), np.nan, dtype=np.float32)
    for label in np.unique(labels[labels >= 0]):
        idx = np.flatnonzero(labels == label)
        members = vectors[idx]
        kk = min(max(k, round(share * len(idx))) if share else k, len(idx) - 1)
        if kk < 1:
            continue
        for start in range(0, len(idx), block):
            sims = members[start:start + block] @ members.T
            rows = np.arange(sims.shape[0])
            sims[rows, rows + start] = -np.inf  # not its own neighbour
            top = np.partition(sims, -kk, axis=1)[:, -kk:]
            out[idx[start:start + block]] = top.mean(axis=1)
    return out


def centroids_of(vectors: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    """Unit-length mean vector of each label 0..k-1."""
    out = np.zeros((k, vectors.shape[1]), dtype=np.float32)
    for label in range(k):
        members = vectors[labels == label]
        if len(members):
            mean = members.mean(axis=0)
            out[label] = mean / max(np.linalg.norm(mean), 1e-12)
    return out


def _relabel_by_size(labels: np.ndarray) -> np.ndarray:
    """Labels renumbered 0..k-1 by size (largest first), ties by first position; -1 stays."""
    ids = [lab for lab in np.unique(labels) if lab != UNTHEMED]
    first = {lab: int(np.flatnonzero(labels == lab)[0]) for lab in ids}
    order = sorted(ids, key=lambda lab: (-int(np.sum(labels == lab)), first[lab]))
    mapping = {old: new for new, old in enumerate(order)}
    return np.array([mapping.get(lab, UNTHEMED) for lab in labels], dtype=np.int64)


def robust_low_bar(sims: np.ndarray, z: float) -> float:
    """median - z x robust spread of `sims` (1.4826 x MAD; the standard deviation when the MAD is 0)."""
    median = float(np.median(sims))
    spread = MAD_TO_SD * float(np.median(np.abs(sims - median)))
    if spread == 0:
        spread = float(np.std(sims))
    return median - z * spread


def impure_members(sims: np.ndarray, labels: np.ndarray, settings: ClusterSettings) -> np.ndarray:
    """Bool per row: a member the purity criterion leaves out, given its within-theme kNN similarity `sims`."""
    settings = resolved_purity(settings)
    out = np.zeros(len(labels), dtype=bool)
    if settings.purity == "off":
        return out
    if settings.purity == "fixed":
        return (labels >= 0) & (sims < settings.member_similarity)
    if settings.purity == "global":
        members = labels >= 0
        return members & (sims < robust_low_bar(sims[members], settings.purity_z)) if members.any() else out
    for label in np.unique(labels[labels >= 0]):
        idx = np.flatnonzero(labels == label)
        out[idx] = sims[idx] < robust_low_bar(sims[idx], settings.purity_z)
    return out


def resolved_purity(settings: ClusterSettings, note_model: str | None = MULTILINGUAL_MODEL) -> ClusterSettings:
    """`purity: auto` made concrete for the model that embedded the notes (`embed.model`'s value: None is the
    packaged MiniLM): the fixed bar for MiniLM, where it was measured across the quality table's sets, the bar
    relative to the members' spread for any other model, whose cosines sit elsewhere (unrelated texts at 0.7-0.9
    for multilingual-e5); both chosen leave-one-set-out (bench/purity_loso.py)."""
    if settings.purity != "auto":
        return settings
    minilm = (note_model or MINILM).strip().lower() == MINILM
    return settings.model_copy(update={"purity": "fixed" if minilm else "global"})


def smallest_kept(min_size: int) -> int:
    """A theme the purity pass shrank below this many members is dissolved (its members left unthemed)."""
    return max(3, min_size // 2)


def purify(purity_vectors: np.ndarray, labels: np.ndarray, settings: ClusterSettings, min_size: int) -> np.ndarray:
    """Labels after the purity pass: impure members and themes shrunk below `smallest_kept` become unthemed."""
    labels = labels.copy()
    relative = resolved_purity(settings).purity != "fixed"  # the fixed bar was measured against 2 neighbours
    sims = knn_similarity_within(purity_vectors, labels, settings.member_knn,
                                 share=settings.member_knn_share if relative else None)
    labels[impure_members(sims, labels, settings)] = UNTHEMED
    for label in np.unique(labels[labels >= 0]):
        if np.sum(labels == label) < smallest_kept(min_size):
            labels[labels == label] = UNTHEMED
    return labels


def hdbscan_labels(space: np.ndarray, min_size: int, min_samples: int, selection: str) -> np.ndarray:
    """HDBSCAN clusters of the reduced coordinates (-1 = noise)."""
    import hdbscan

    model = hdbscan.HDBSCAN(min_cluster_size=min_size, min_samples=min_samples,
                            cluster_selection_method=selection, core_dist_n_jobs=1)
    return model.fit_predict(space).astype(np.int64)


def evoc_layers(vectors: np.ndarray, settings: ClusterSettings) -> tuple[list[np.ndarray], int]:
    """EVoC's layers of clusters of the vectors (finest first) and the index of its most persistent layer."""
    import evoc

    model = evoc.EVoC(base_min_cluster_size=settings.evoc_min_cluster_size, random_state=settings.seed)
    model.fit(np.ascontiguousarray(vectors, dtype=np.float32))
    layers = [np.asarray(layer, dtype=np.int64) for layer in model.cluster_layers_]
    return layers, int(np.argmax(model.persistence_scores_)) if len(layers) > 1 else 0


def evoc_labels(vectors: np.ndarray, settings: ClusterSettings) -> np.ndarray:
    """The clusters of EVoC's layer `evoc_layer` (or its most persistent layer), -1 = noise."""
    layers, persistent = evoc_layers(vectors, settings)
    layer = persistent if settings.evoc_layer is None else min(settings.evoc_layer, len(layers) - 1)
    return layers[layer]


def backend_labels(space: np.ndarray | None, vectors: np.ndarray, settings: ClusterSettings,
                   min_size: int) -> np.ndarray:
    """The backend's clusters before the purity pass (-1 = noise)."""
    n = len(vectors)
    if n < max(min_size, 2):
        return np.full(n, UNTHEMED, dtype=np.int64)
    if settings.backend == "evoc":
        return evoc_labels(vectors, settings)
    if space is None:
        raise ValueError("the umap_hdbscan backend needs the reduced coordinates")
    return hdbscan_labels(space, min_size, settings.min_samples or auto_min_samples(min_size), settings.selection)


def cluster_cases(space: np.ndarray | None, vectors: np.ndarray, settings: ClusterSettings,
                  purity_vectors: np.ndarray | None = None, raw_labels: np.ndarray | None = None,
                  languages: Languages | None = None) -> Clusters:
    """Themes for cases given their unit vectors `vectors` and (for umap_hdbscan) reduced coordinates `space`.

    purity_vectors: what the purity pass compares (default `vectors`); the theme pipeline passes the note vectors.
    raw_labels: the backend's clusters when already computed (benchmarks reuse one backend run for many passes).
    languages: the cases' languages, for joining the themes that are one cause in two languages
    (`settings.language_twins_spreads`).
    """
    n = len(vectors)
    min_size = settings.min_cluster_size or auto_min_cluster_size(n)
    labels = backend_labels(space, vectors, settings, min_size) if raw_labels is None else raw_labels.copy()
    hdbscan_members = int(np.sum(labels >= 0))
    if settings.purity != "off" and hdbscan_members:
        labels = purify(vectors if purity_vectors is None else purity_vectors, labels, settings, min_size)
    if languages is not None and settings.language_twins_spreads is not None:
        labels = join_language_twins(labels, vectors, languages.of_cases, settings.language_twins_spreads,
                                     languages.min_cases)
    labels = _relabel_by_size(labels)
    k = int(labels.max()) + 1 if (labels >= 0).any() else 0
    centres = centroids_of(vectors, labels, k)
    attached = np.zeros(n, dtype=bool)
    if k:
        all_sims = vectors @ centres.T
        nearest = all_sims.argmax(axis=1)
        best = all_sims[np.arange(n), nearest]
        if settings.attach_outliers is not None:
            attached = (labels == UNTHEMED) & (best >= settings.attach_outliers)
            labels = np.where(attached, nearest, labels)
        own = np.where(labels >= 0, all_sims[np.arange(n), np.maximum(labels, 0)], best)
    else:
        own = np.zeros(n, dtype=np.float32)
    return Clusters(labels, attached, own.astype(np.float32), centres, min_size, hdbscan_members)
