"""From loaded cases to described error themes: compose -> embed -> reduce -> cluster -> describe -> parents.

Only misjudged cases are clustered; all loaded rows feed the rates. The misjudged cases are put in a
canonical order (by a hash of what is embedded, then case id) before UMAP and HDBSCAN, so the same cases
give the same themes whatever the order of the input rows, and the same seed gives identical output.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np
import pandas as pd
from pydantic import ConfigDict

from clustering.cluster import UNTHEMED, Clusters, centroids_of, cluster_cases, resolved_purity
from clustering.compose import CHANNELS, case_languages, compose
from clustering.describe import ClusteredCases, describe_themes
from clustering.embed import EmbedStats, text_hash
from clustering.embed_cache import EmbeddingCaches
from clustering.embedders import release_encoders
from clustering.known import KnownAssignment, KnownTheme, assign_known, known_centres
from clustering.language import Languages, language_dominance, reads_many_languages
from clustering.model_choice import resolved_model
from clustering.parents import describe_parents
from clustering.reduce import neighbourhood, reduce_vectors_cached
from clustering.settings import ThemeSettings
from clustering.theme_model import RunFindings
from clustering.tracking import same_theme_threshold

ASSIGNMENT_COLUMNS = ("theme_id", "unthemed", "attached", "assigned_known", "similarity", "x", "y")


class ThemeResult(RunFindings):
    """What `find_themes` found (`RunFindings`: the themes, parents, counts, timings), and each misjudged case's
    assignment, in input order: its columns of the cases frame (`clustering.schema`) and ASSIGNMENT_COLUMNS: theme_id
    (None when unthemed), unthemed, attached, assigned_known, similarity (to its theme's centre), x, y (the 2-D map)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    assignments: pd.DataFrame


def canonical_order(misjudged: pd.DataFrame) -> np.ndarray:
    """Row positions sorted by a hash of the embedded texts, then case id: independent of input order."""
    parts = [misjudged[col].astype("string").fillna("") for col in CHANNELS.values()]
    content = parts[0].str.cat(parts[1:], sep="\x1f")
    keys = pd.DataFrame({"h": [text_hash(t) for t in content], "id": misjudged["case_id"].astype(str).to_numpy()})
    return np.lexsort((keys["id"].to_numpy(), keys["h"].to_numpy()))


def absorb_bar(clusters: Clusters, settings: ThemeSettings) -> float | None:
    """`known.absorb_similarity` made concrete: `auto` is the same-theme bar of the clusters' own spreads."""
    absorb = settings.known.absorb_similarity
    if absorb != "auto":
        return absorb
    spreads = [1.0 - float(clusters.similarity[clusters.labels == k].mean())
               for k in range(len(clusters.centroids)) if (clusters.labels == k).any()]
    return same_theme_threshold(spreads, settings.tracking)


def with_known(clusters: Clusters, rest: np.ndarray, fit: KnownAssignment, vectors: np.ndarray,
               known_centres: np.ndarray, absorb: float | None) -> tuple[Clusters, list[int], np.ndarray]:
    """The clusters of the `rest` rows joined by the cases assigned to known themes, as one labelling of all rows.

    A new theme whose centre is at least `absorb` similar to a known theme's centre (`known_centres`, unit rows) is
    that known theme (its cases did not reach the bar one by one, but together they are the same theme): it joins
    it. Each known theme that has cases becomes one more label (after the clustered themes), its centre the mean
    of its cases. Returns the clusters, the known theme index of each extra label, and per row whether it is in a
    known theme.
    """
    n, k = len(vectors), len(clusters.centroids)
    known_index = fit.index.copy()
    joins = np.zeros(k, dtype=bool)
    if absorb is not None and k and len(known_centres):
        sims = clusters.centroids @ known_centres.T
        joins = sims.max(axis=1) >= absorb
        for label in np.flatnonzero(joins):
            known_index[rest[clusters.labels == label]] = int(sims[label].argmax())
    kept = np.flatnonzero(~joins)
    renumber = np.full(k + 1, UNTHEMED, dtype=np.int64)  # old label -> new (index k: unthemed stays unthemed)
    renumber[kept] = np.arange(len(kept))
    labels = np.full(n, UNTHEMED, dtype=np.int64)
    labels[rest] = renumber[np.where(clusters.labels >= 0, clusters.labels, k)]
    k = len(kept)
    used = sorted(int(i) for i in np.unique(known_index[known_index >= 0]))
    for j, index in enumerate(used):
        labels[known_index == index] = k + j
    centres = np.vstack([clusters.centroids[kept].reshape(k, vectors.shape[1]),
                         centroids_of(vectors, labels - k, len(used))]).astype(np.float32)
    similarity = np.zeros(n, dtype=np.float32)
    similarity[rest] = clusters.similarity
    own = labels >= k
    similarity[own] = np.einsum("ij,ij->i", vectors[own], centres[labels[own]])
    attached = np.zeros(n, dtype=bool)
    attached[rest] = clusters.attached
    result = Clusters(labels, attached, similarity, centres, clusters.min_cluster_size, clusters.hdbscan_members)
    return result, used, known_index >= 0


def find_themes(cases: pd.DataFrame, settings: ThemeSettings | None = None, cache_root=None,
                has_correct_rows: bool | None = None, known: Sequence[KnownTheme] = ()) -> ThemeResult:
    """Cluster the misjudged rows of `cases` into described themes.

    known: themes analysts know (`clustering.known`): with `settings.known.assign_first`, the cases that fit one go
    to it first (a theme with `known_id`, its cases flagged `assigned_known`) and only the rest are clustered.

    cache_root: folder of the caches: `embeddings/<model key>/` and `reductions/` (None: no caches).
    has_correct_rows: whether `cases` holds correct decisions too (default: looked up in `cases`).
    """
    settings = settings or ThemeSettings()
    settings = resolved_model(settings, cases.loc[cases["misjudged"]])[0]  # `auto`: the model this file gets
    if has_correct_rows is None:
        has_correct_rows = bool((~cases["misjudged"]).any())
    timings: dict[str, float] = {}
    misjudged = cases.loc[cases["misjudged"]].reset_index(drop=True)
    order = canonical_order(misjudged)
    ordered = misjudged.iloc[order].reset_index(drop=True)

    stats = EmbedStats()
    cache = EmbeddingCaches(cache_root / "embeddings") if cache_root is not None else None
    start = time.perf_counter()
    if not len(ordered):
        raise ValueError("no misjudged cases to cluster")
    composed = compose(ordered, settings.compose, settings.embed, cache, stats)
    release_encoders()  # every text is embedded: the encoders' memory goes before UMAP's comes
    vectors = composed.vectors
    timings["embed"] = time.perf_counter() - start

    start = time.perf_counter()
    # the EVoC backend clusters the vectors themselves: UMAP then only draws the 2-D map
    reduced, reused = reduce_vectors_cached(vectors, settings.reduce,
                                            cache_root / "reductions" if cache_root is not None else None,
                                            cluster_space=settings.cluster.backend == "umap_hdbscan")
    timings["reduce"] = time.perf_counter() - start

    start = time.perf_counter()
    cluster = resolved_purity(settings.cluster, settings.embed.for_channel("note").model)
    known = known if settings.known.assign_first else ()
    fit = assign_known(vectors, known, settings.known)
    rest = np.flatnonzero(~fit.assigned)
    space = reduced.cluster_space[rest] if reduced.cluster_space is not None else None
    notes = composed.note_vectors[rest] if composed.note_vectors is not None else None
    languages = Languages(case_languages(ordered).iloc[rest].reset_index(drop=True),
                          settings.compose.language_min_cases)
    found = cluster_cases(space, vectors[rest], cluster, notes, languages=languages)
    clusters, used, in_known = with_known(found, rest, fit, vectors, known_centres(known, vectors.shape[1]),
                                          absorb_bar(found, settings))
    timings["cluster"] = time.perf_counter() - start

    start = time.perf_counter()
    clustered = ClusteredCases(cases, ordered, vectors, has_correct_rows)
    themes, ids = describe_themes(clustered, clusters, settings.describe)
    first_known = len(clusters.centroids) - len(used)
    known_of = {ids[first_known + j]: known[i].key for j, i in enumerate(used)}
    themes = [t.model_copy(update={"known_id": known_of.get(t.theme_id)}) for t in themes]
    timings["describe"] = time.perf_counter() - start

    start = time.perf_counter()
    parents = describe_parents(clustered, clusters, ids, settings.describe, settings.hierarchy) if themes else []
    timings["hierarchy"] = time.perf_counter() - start

    dominance = language_dominance(clusters.labels, case_languages(ordered),
                                   reads_many_languages(settings.embed.for_channel("note").model))
    assigned = ordered.copy()
    assigned["theme_id"] = pd.array([ids.get(int(lab)) if lab != UNTHEMED else None for lab in clusters.labels],
                                    dtype="string")
    assigned["unthemed"] = clusters.labels == UNTHEMED
    assigned["attached"] = clusters.attached
    assigned["assigned_known"] = in_known
    assigned["similarity"] = clusters.similarity
    assigned["x"] = reduced.layout[:, 0] if len(reduced.layout) else []
    assigned["y"] = reduced.layout[:, 1] if len(reduced.layout) else []
    back = np.argsort(order)  # to input order
    return ThemeResult(
        themes=themes,
        assignments=assigned.iloc[back].reset_index(drop=True),
        min_cluster_size=clusters.min_cluster_size,
        unthemed=int((clusters.labels == UNTHEMED).sum()),
        attached=int(clusters.attached.sum()),
        hdbscan_members=clusters.hdbscan_members,
        embed_stats=stats.counts(),
        reduction_cached=reused,
        timings_s={k: round(v, 3) for k, v in timings.items()},
        warnings=[dominance.warning] if dominance.warning else [],
        parents=parents,
        umap_neighbors=neighbourhood(settings.reduce, len(vectors)) if settings.cluster.backend == "umap_hdbscan"
        else None,
    )
