"""What is embedded for a case: its reviewer note, ad text and (optionally) a slice of the landing page,
each embedded alone and combined as a weighted sum of unit vectors, renormalised.

A theme is a cause of error, so the note carries most of the weight; the ad text says what kind of ad it was.
A case missing a channel uses the weights of the channels it has.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from clustering.embed import EmbedStats, embed_texts
from clustering.embed_cache import EmbeddingCache
from clustering.settings import ComposeSettings, EmbedSettings

CHANNELS = {"note": "reviewer_note", "ad": "ad_text", "landing": "landing_page_text"}


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


@dataclass
class Composed:
    """Per case: the combined unit vector, and the note's own vector (the combined one where there is no note)."""

    vectors: np.ndarray
    note_vectors: np.ndarray


def compose(cases: pd.DataFrame, settings: ComposeSettings, embed: EmbedSettings,
            cache: EmbeddingCache | None = None, stats: EmbedStats | None = None) -> Composed:
    """Combined vectors and note vectors of the cases (the note is embedded once for both)."""
    channels: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    vectors = compose_vectors(cases, settings, embed, cache, stats, channels)
    note = vectors.copy()
    if "note" in channels:
        present, note_vectors = channels["note"]
        note[present] = note_vectors
    else:
        text = channel_texts(cases, "note", settings)
        present = text.notna().to_numpy()
        if present.any():
            note[present] = embed_texts(text[present].tolist(), embed, cache, stats)
    return Composed(vectors, note)


def compose_vectors(cases: pd.DataFrame, compose: ComposeSettings, embed: EmbedSettings,
                    cache: EmbeddingCache | None = None, stats: EmbedStats | None = None,
                    channels_out: dict | None = None) -> np.ndarray:
    """One unit vector per case from its weighted channel embeddings.

    channels_out, if given, receives each channel's (present mask, vectors).
    """
    weights = channel_weights(compose)
    if not weights:
        raise ValueError("every channel weight is 0: give the note, the ad text or the landing page a weight")
    total = None
    for channel, weight in weights.items():
        text = channel_texts(cases, channel, compose)
        present = text.notna().to_numpy()
        if not present.any():
            continue
        vectors = embed_texts(text[present].tolist(), embed, cache, stats)
        if channels_out is not None:
            channels_out[channel] = (present, vectors)
        if total is None:
            total = np.zeros((len(cases), vectors.shape[1]), dtype=np.float32)
        total[present] += weight * vectors
    if total is None:
        raise ValueError("no case has text in any weighted channel")
    norms = np.linalg.norm(total, axis=1, keepdims=True)
    return np.divide(total, norms, out=np.zeros_like(total), where=norms > 0)
