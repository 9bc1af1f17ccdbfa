"""Benchmark: how well parent themes group themes, on sets with a natural two-level label structure.

    python bench/hierarchy.py [--sets clinc_test,hwu64] [--cache /work/bench-cache] [--factors 0.6,0.8,1,1.2,1.5]
                              [--no-bertopic]

CLINC150 has 10 domains over its 150 intents (bench/clinc_domains.json, from clinc/oos-eval's domains.json);
HWU64 has 18 scenarios over its 64 intents (the part of `scenario_intent` before the first `_`). Each set is
embedded through the cache and clustered by the real cluster stage (UMAP + HDBSCAN + purity pass, the default
backend); the themes' centroids and spreads are grouped by `clustering.hierarchy.group_themes`. A theme's domain
is the majority domain of its labelled cases. Figures per grouping:
- parents, and themes left top-level (loners);
- purity: the share of parented themes' cases whose domain is their parent's majority domain (case-weighted);
- ARI / homogeneity / completeness of the theme -> group assignment (a loner is a group of its own) against the
  themes' domains: purity alone is maximal with no grouping at all, completeness says whether a domain's themes
  share a parent;
- for comparison, BERTopic's `hierarchical_topics` (ward linkage of its c-TF-IDF topic vectors) over the same
  themes, cut to the same number of groups (themes + parents as ours), and the domains' own grouping count.
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import adjusted_rand_score, homogeneity_completeness_v_measure

sys.path.insert(0, str(Path(__file__).resolve().parent))
import quality  # noqa: E402
from machine import machine_line  # noqa: E402
from quality_sets import ATTRIBUTION  # noqa: E402

from clustering.cluster import cluster_cases, resolved_purity  # noqa: E402
from clustering.hierarchy import TOP, centred_geometry, group_themes  # noqa: E402
from clustering.settings import HierarchySettings, ThemeSettings  # noqa: E402
from eval_sets.scorer import NOISE  # noqa: E402

DOMAINS_FILE = Path(__file__).resolve().parent / "clinc_domains.json"
FACTORS = (0.6, 0.8, 1.0, 1.2, 1.5)


def domain_of(set_name: str) -> dict[str, str] | None:
    """intent -> domain for CLINC150; None for HWU64 (the scenario is the label's prefix)."""
    if set_name.startswith("clinc"):
        data = json.loads(DOMAINS_FILE.read_text(encoding="utf-8"))
        return {intent: domain for domain, intents in data.items() if not domain.startswith("_") for intent in intents}
    return None


def case_domains(set_name: str, labels: pd.Series) -> pd.Series:
    mapping = domain_of(set_name)
    labels = labels.astype("string")
    if mapping is None:
        return labels.where(labels == NOISE, labels.str.split("_").str[0])
    return labels.map(lambda x: NOISE if x == NOISE else mapping[x]).astype("string")


def theme_domains(theme_labels: np.ndarray, domains: pd.Series) -> list[str]:
    """The majority domain of each theme's labelled cases."""
    out = []
    for t in range(int(theme_labels.max()) + 1):
        d = domains[(theme_labels == t) & (domains != NOISE).to_numpy()]
        out.append(str(d.value_counts().index[0]) if len(d) else NOISE)
    return out


def score_grouping(groups: np.ndarray, theme_dom: list[str], theme_labels: np.ndarray, domains: pd.Series) -> dict:
    """Figures of a theme -> group assignment (TOP = a loner) against the themes' domains."""
    k = len(groups)
    flat = np.array([g if g >= 0 else 10_000 + i for i, g in enumerate(groups)])
    ari = adjusted_rand_score(theme_dom, flat)
    hom, com, _ = homogeneity_completeness_v_measure(theme_dom, flat)
    right = total = 0
    for g in np.unique(groups[groups >= 0]):
        members = np.isin(theme_labels, np.flatnonzero(groups == g))
        d = domains[members & (domains != NOISE).to_numpy()]
        if len(d):
            right += int(d.value_counts().iloc[0])
            total += len(d)
    parents = int(len(np.unique(groups[groups >= 0])))
    return {"parents": parents, "loners": int(np.sum(groups == TOP)), "themes": k,
            "purity": right / total if total else float("nan"), "ari": ari, "homogeneity": hom, "completeness": com}


def bertopic_groups(texts: list[str], vectors: np.ndarray, theme_labels: np.ndarray, n_groups: int) -> np.ndarray:
    """BERTopic's hierarchical_topics over our themes (fitted with them as given topics), cut to n_groups groups."""
    from bertopic import BERTopic
    from bertopic.cluster import BaseCluster
    from bertopic.dimensionality import BaseDimensionalityReduction
    from scipy.cluster.hierarchy import fcluster, linkage

    model = BERTopic(umap_model=BaseDimensionalityReduction(), hdbscan_model=BaseCluster(), verbose=False)
    model.fit(texts, vectors, y=theme_labels)
    captured = {}

    def ward(x):  # BERTopic's default linkage function, kept so the cut below uses its tree
        captured["Z"] = linkage(x, "ward", optimal_ordering=True)
        return captured["Z"]

    model.hierarchical_topics(texts, linkage_function=ward)
    flat = fcluster(captured["Z"], t=n_groups, criterion="maxclust")
    topics = sorted(t for t in model.get_topic_info()["Topic"] if t != -1)  # rows of its c-TF-IDF, outliers cut
    by_topic = dict(zip(topics, flat))
    raw = np.array([by_topic[t] for t in range(int(theme_labels.max()) + 1)])
    sizes = {g: int(np.sum(raw == g)) for g in np.unique(raw)}
    index = {g: i for i, g in enumerate(sorted(g for g, s in sizes.items() if s >= 2))}
    return np.array([index.get(g, TOP) for g in raw], dtype=np.int64)


def print_table(rows: list[dict]) -> None:
    head = ["set", "grouping", "themes", "parents", "loners", "purity", "ARI", "homog.", "compl."]
    print("  ".join(f"{h:>10}" if i > 1 else f"{h:<28}" if i == 1 else f"{h:<11}" for i, h in enumerate(head)))
    for r in rows:
        cells = [f"{r['set']:<11}", f"{r['grouping']:<28}", f"{r['themes']:>10}", f"{r['parents']:>10}",
                 f"{r['loners']:>10}", f"{r['purity']:>10.3f}", f"{r['ari']:>10.3f}", f"{r['homogeneity']:>10.3f}",
                 f"{r['completeness']:>10.3f}"]
        print("  ".join(cells))


def run_set(name: str, settings: ThemeSettings, cache: Path, factors: tuple[float, ...], with_bertopic: bool) -> list:
    p = quality.prepare(name, settings, cache)
    space, _ = quality.umap_space(p.vectors, settings.reduce)
    ours = resolved_purity(settings.cluster, settings.embed.channel_models.get("note", p.model))  # auto: the set's
    clusters = cluster_cases(space, p.vectors, ours, p.notes)
    labels = clusters.labels
    k = len(clusters.centroids)
    centroids, spreads = centred_geometry(p.vectors, labels, k)  # as clustering.parents groups them
    domains = case_domains(name, p.labels).reset_index(drop=True)
    theme_dom = theme_domains(labels, domains)
    n_domains = len(set(theme_dom) - {NOISE})
    print(f"{k} themes (median spread {np.median(spreads):.3f}) covering {n_domains} domains")
    rows = []
    for factor in factors:
        for levels in (2, 3):
            found = group_themes(centroids, spreads, HierarchySettings(spread_factor=factor, levels=levels))
            if len(found) < levels - 1 or not found:
                continue
            first = found[0].parent_of
            groups = first if levels == 2 else np.array([TOP if p < 0 else found[1].parent_of[p] for p in first])
            tag = f"ours x{factor:g}" + (f" (cut {found[0].threshold:.3f})" if levels == 2 else
                                         f", grandparents (cut {found[1].threshold:.3f})")
            rows.append({"set": name, "grouping": tag, **score_grouping(groups, theme_dom, labels, domains)})
    default = HierarchySettings()
    chosen = group_themes(centroids, spreads, default)
    if with_bertopic and chosen:
        n_groups = chosen[0].n_parents + int(np.sum(chosen[0].parent_of == TOP))
        themed = labels >= 0
        texts = p.data.cases["reviewer_note"].astype(str).iloc[quality.canonical_order(p.data.cases)].tolist()
        bt = bertopic_groups([t for t, m in zip(texts, themed) if m], p.vectors[themed], labels[themed], n_groups)
        rows.append({"set": name, "grouping": f"BERTopic hier., {n_groups} groups",
                     **score_grouping(bt, theme_dom, labels, domains)})
    truth = {d: i for i, d in enumerate(sorted(set(theme_dom)))}
    rows.append({"set": name, "grouping": "the domains themselves",
                 **score_grouping(np.array([truth[d] for d in theme_dom]), theme_dom, labels, domains)})
    if name in ATTRIBUTION:
        print(f"data: {ATTRIBUTION[name]}; CLINC150 domains: clinc/oos-eval domains.json" if name.startswith("clinc")
              else f"data: {ATTRIBUTION[name]}")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default="clinc_test,hwu64")
    parser.add_argument("--cache", type=Path, default=Path("/work/bench-cache"))
    parser.add_argument("--factors", default=",".join(f"{f:g}" for f in FACTORS))
    parser.add_argument("--no-bertopic", action="store_true")
    parser.add_argument("--model", default=None, help="embed.model (default: the settings' default)")
    args = parser.parse_args()
    settings = ThemeSettings()
    if args.model:
        settings.embed.model = args.model
    settings.embed.progress = False
    quality.REDUCTIONS = args.cache / "reductions"
    warnings.filterwarnings("ignore", message=".*n_jobs value.*")
    print(machine_line(*quality.PACKAGES, "scipy", "bertopic"))
    print(f"settings: hierarchy {settings.hierarchy.model_dump_json()}; cluster {settings.cluster.model_dump_json()}")
    rows = []
    for name in [s.strip() for s in args.sets.split(",") if s.strip()]:
        rows += run_set(name, settings, args.cache, tuple(float(f) for f in args.factors.split(",")),
                        not args.no_bertopic)
    print()
    print_table(rows)


if __name__ == "__main__":
    main()
