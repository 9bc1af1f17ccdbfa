"""Composing a case's vector from its channels: one model for all, a model per channel, centring by language."""

from __future__ import annotations

import numpy as np
import pandas as pd

from clustering.compose import compose
from clustering.embed import embed_texts, model_key
from clustering.embed_cache import EmbeddingCache
from clustering.settings import ComposeSettings, EmbedSettings

NOTES = ["alcohol-free beer rejected as alcohol", "replica bags approved by mistake", None]
ADS = ["Cerveza sin alcohol, 0,0%", "Sacs de luxe à prix d'usine", "Bier ohne Alkohol, jetzt probieren"]


def cases(locales=("es-ES", "fr-FR", "de-DE")) -> pd.DataFrame:
    return pd.DataFrame({"reviewer_note": pd.array(NOTES, dtype="string"), "ad_text": pd.array(ADS, dtype="string"),
                         "landing_page_text": pd.array([None] * 3, dtype="string"),
                         "locale": pd.array(list(locales), dtype="string")})


def test_a_model_per_channel_gives_weighted_channel_cosines(tmp_path):
    settings = ComposeSettings(note_weight=0.6, ad_weight=0.4, landing_weight=0.0)
    embed = EmbedSettings(channel_models={"ad": "muse"}, progress=False)
    composed = compose(cases(), settings, embed, EmbeddingCache(tmp_path / model_key(embed)))
    assert composed.vectors.shape == (3, 384 + 512) and composed.note_vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(composed.vectors, axis=1), 1.0, atol=1e-5)
    note = embed_texts(NOTES[:2], EmbedSettings(progress=False))
    ad = embed_texts(ADS, EmbedSettings(model="muse", progress=False))
    expected = 0.6 * (note[0] @ note[1]) + 0.4 * (ad[0] @ ad[1])  # both cases have both channels
    assert np.isclose(composed.vectors[0] @ composed.vectors[1], expected, atol=1e-4)
    # the case without a note: its ad text in the note model's space stands in for the purity pass
    assert np.allclose(composed.note_vectors[2], embed_texts(ADS[2:], EmbedSettings(progress=False))[0], atol=1e-5)
    assert {p.name for p in tmp_path.iterdir()} == {model_key(embed), model_key(EmbedSettings(model="muse"))}


def test_one_model_keeps_the_weighted_sum():
    settings = ComposeSettings(note_weight=0.6, ad_weight=0.4, landing_weight=0.0)
    composed = compose(cases(), settings, EmbedSettings(progress=False))
    note = embed_texts(NOTES[:1], EmbedSettings(progress=False))[0]
    ad = embed_texts(ADS[:1], EmbedSettings(progress=False))[0]
    total = 0.6 * note + 0.4 * ad
    assert np.allclose(composed.vectors[0], total / np.linalg.norm(total), atol=1e-5)


def test_centring_by_language_uses_the_locale():
    settings = ComposeSettings(note_weight=0.0, ad_weight=1.0, landing_weight=0.0, center_by_language=True,
                               language_min_cases=2)
    embed = EmbedSettings(progress=False)
    rows = cases(("es-ES", "es-MX", "de-DE"))
    rows = pd.concat([rows, rows.assign(locale=pd.array(["fr-FR", "fr-CA", "it-IT"], dtype="string"))],
                     ignore_index=True)
    ads = embed_texts(rows["ad_text"].tolist(), embed)
    # es (2 cases) and fr (2 cases) are centred on their own mean; de and it (1 each) on the mean of all
    composed = compose(rows, settings, embed)
    for own in ([0, 1], [3, 4]):
        centred = ads[own] - ads[own].mean(axis=0)
        assert np.allclose(composed.vectors[own], centred / np.linalg.norm(centred, axis=1, keepdims=True), atol=1e-5)
    for row in (2, 5):
        centred = ads[row] - ads.mean(axis=0)
        assert np.allclose(composed.vectors[row], centred / np.linalg.norm(centred), atol=1e-5)
