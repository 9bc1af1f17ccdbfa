"""What is embedded for a case: its reviewer note, ad text and (optionally) a slice of the landing page,
each embedded alone and combined into one unit vector.

A theme is a cause of error, so the note carries most of the weight; the ad text says what kind of ad it was.
A case missing a channel uses the weights of the channels it has. When every channel is embedded by the same
model, the combined vector is the weighted sum of the channels' unit vectors, renormalised. When channels have
different models (`embed.channel_models`, e.g. English notes and multilingual ad texts), their vectors live in
different spaces: they are concatenated, each scaled by the square root of its weight, so the cosine of two
combined vectors is the weighted mean of the channels' cosines.
With `center_by_language`, each channel's vectors are centred on their language's mean first.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from clustering.embed import EmbedStats, embed_texts, model_key
from clustering.embed_cache import EmbeddingCache, EmbeddingCaches
from clustering.language import center_by_language, language_of
from clustering.settings import ComposeSettings, EmbedSettings

CHANNELS = {"note": "reviewer_note", "ad": "ad_text", "landing": "landing_page_text"}
LOCALE = "locale"


def channel_weights(settings: ComposeSettings) -> dict[str, float]:
    """The weight of each channel that takes part (weight > 0)."""
    weights = {"note": settings.note_weight, "ad": settings.ad_weight, "landing": settings.landing_weight}
    return {name: w for name, w in weights.items() if w > 0}


def channel_texts(cases: pd.DataFrame, channel: str, settings: ComposeSettings) -> pd.Series:
    """The text of one channel per case (missing stays missing)."""
    text = cases[CHANNELS[channel]].astype("string")
    if channel == "landing":
        text = text.str.slice(0, settings.landing_chars)
    return text


def case_languages(cases: pd.DataFrame) -> pd.Series:
    """The language of each case from its locale (all missing when there is no locale column)."""
    if LOCALE not in cases.columns:
        return pd.Series(pd.NA, index=cases.index, dtype="string")
    return language_of(cases[LOCALE])


@dataclass
class Composed:
    """Per case: the combined unit vector, and the note's own vector.

    Where a case has no note, its note vector is the combined one (or, with mixed models, its ad text in the
    note model's space).
    """

    vectors: np.ndarray
    note_vectors: np.ndarray


@dataclass
class ChannelVectors:
    """One channel's vectors for the cases that have it (`present`), and the model key that made them."""

    present: np.ndarray
    vectors: np.ndarray
    model: str


def _as_caches(cache: EmbeddingCaches | EmbeddingCache | None) -> EmbeddingCaches | None:
    return EmbeddingCaches.around(cache) if isinstance(cache, EmbeddingCache) else cache


def embed_channel(cases: pd.DataFrame, channel: str, settings: ComposeSettings, embed: EmbedSettings,
                  caches: EmbeddingCaches | None, stats: EmbedStats | None,
                  languages: pd.Series | None) -> ChannelVectors | None:
    """One channel's vectors with its own model (None when no case has it), centred by language if asked."""
    text = channel_texts(cases, channel, settings)
    present = text.notna().to_numpy()
    if not present.any():
        return None
    own = embed.for_channel(channel)
    key = model_key(own)
    vectors = embed_texts(text[present].tolist(), own, caches.for_key(key) if caches else None, stats)
    if languages is not None:
        vectors = center_by_language(vectors, languages[present], settings.language_min_cases)
    return ChannelVectors(present, vectors, key)


def combine(channels: dict[str, ChannelVectors], weights: dict[str, float], n: int) -> np.ndarray:
    """One unit vector per case from the weighted channels (see the module's note on mixed models)."""
    parts = {c: channels[c] for c in weights if c in channels}
    if not parts:
        raise ValueError("no case has text in any weighted channel")
    if len({p.model for p in parts.values()}) == 1:
        total = np.zeros((n, next(iter(parts.values())).vectors.shape[1]), dtype=np.float32)
        for c, p in parts.items():
            total[p.present] += weights[c] * p.vectors
    else:
        blocks = []
        for c, p in parts.items():
            block = np.zeros((n, p.vectors.shape[1]), dtype=np.float32)
            block[p.present] = np.sqrt(weights[c]) * p.vectors
            blocks.append(block)
        total = np.concatenate(blocks, axis=1)
    norms = np.linalg.norm(total, axis=1, keepdims=True)
    return np.divide(total, norms, out=np.zeros_like(total), where=norms > 0)


def compose(cases: pd.DataFrame, settings: ComposeSettings, embed: EmbedSettings,
            cache: EmbeddingCaches | EmbeddingCache | None = None, stats: EmbedStats | None = None) -> Composed:
    """Combined vectors and note vectors of the cases (the note is embedded once for both).

    cache: the embedding caches (a single model's `EmbeddingCache` stands for the caches beside it).
    """
    caches = _as_caches(cache)
    languages = case_languages(cases) if settings.center_by_language else None
    channels: dict[str, ChannelVectors] = {}
    vectors = compose_vectors(cases, settings, embed, caches, stats, channels)
    own = channels.get("note") or embed_channel(cases, "note", settings, embed, caches, stats, languages)
    if own is None:
        return Composed(vectors, vectors.copy())
    if own.vectors.shape[1] == vectors.shape[1]:
        note = vectors.copy()
    else:  # mixed models: the combined vectors live in another space; use the ad text in the note's space
        note = np.zeros((len(cases), own.vectors.shape[1]), dtype=np.float32)
        stand_in = cases.loc[~own.present, CHANNELS["ad"]].astype("string")
        rows = np.flatnonzero(~own.present)[stand_in.notna().to_numpy()]
        if len(rows):
            note_model = embed.for_channel("note")
            found = embed_texts(stand_in.dropna().tolist(), note_model,
                                caches.for_key(model_key(note_model)) if caches else None, stats)
            if languages is not None:
                found = center_by_language(found, languages.iloc[rows], settings.language_min_cases)
            note[rows] = found
    note[own.present] = own.vectors
    return Composed(vectors, note)


def compose_vectors(cases: pd.DataFrame, compose: ComposeSettings, embed: EmbedSettings,
                    cache: EmbeddingCaches | EmbeddingCache | None = None, stats: EmbedStats | None = None,
                    channels_out: dict | None = None) -> np.ndarray:
    """One unit vector per case from its weighted channel embeddings.

    channels_out, if given, receives each weighted channel's `ChannelVectors`.
    """
    weights = channel_weights(compose)
    if not weights:
        raise ValueError("every channel weight is 0: give the note, the ad text or the landing page a weight")
    caches = _as_caches(cache)
    languages = case_languages(cases) if compose.center_by_language else None
    channels = {}
    for channel in weights:
        got = embed_channel(cases, channel, compose, embed, caches, stats, languages)
        if got is not None:
            channels[channel] = got
    if channels_out is not None:
        channels_out.update(channels)
    return combine(channels, weights, len(cases))
