"""`embed.model: auto` made concrete for one file: multilingual-e5 for a file in several languages, the packaged
English all-MiniLM-L6-v2 for a file whose texts are English.

Why two models: multilingual-e5-small keeps one cause in one theme across languages and leads on the planted
ad-moderation sets and xSID, but on English sets of fine-grained intents it is the weaker space (leave-one-set-out,
CLINC150 test ARI 0.496 against MiniLM's 0.587, CLINC150 full 0.383 against 0.554, `bench/cluster_loso.py`,
docs/quality.md). An English file has no language to keep out of its themes, so it gets MiniLM with MiniLM's own
purity bar; a file with texts in other languages gets e5.

Which texts are English is read by py3langid (a naive Bayes language identifier whose model ships in its wheel,
97 languages, ~0.02 ms a text): a text reads as another language when py3langid gives a language other than English
a normalised probability of at least `OTHER_LANGUAGE_PROBABILITY`. Short English texts are sometimes misread:
0.8% of CLINC150's and HWU64's texts, against 10-19% of the demo's (English notes, ads in eight locales), 20-57% on
the marketplace set and 72% on xSID; a file is English below `embed.auto_other_language_share` (2%).
Pure: the cases in, the choice out (the workspace's earlier choice is the caller's, `assistant.analysis`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from clustering.compose import CHANNELS, channel_texts, channel_weights
from clustering.settings import (
    AUTO_MODEL,
    AUTO_SAMPLE_TEXTS,
    ENGLISH_MODEL,
    MULTILINGUAL_MODEL,
    ComposeSettings,
    ThemeSettings,
)
from clustering.theme_model import ThemeRun

OTHER_LANGUAGE_PROBABILITY = 0.5  # py3langid's normalised probability for a language other than English
SAMPLE_TEXTS = AUTO_SAMPLE_TEXTS  # texts read per channel: a seeded sample of a larger file
SAMPLE_SEED = 0
READ_CHARS = 300  # characters of each text that are read (a landing page's first ones)


@dataclass(frozen=True)
class ModelChoice:
    """The model `auto` chose for a file, and what it read: `checked` texts, `other` of them in another language."""

    model: str
    checked: int
    other: int
    unread: str | None = None  # why the languages could not be read (then e5, which reads every language)

    @property
    def other_share(self) -> float:
        return self.other / self.checked if self.checked else 0.0

    def reason(self) -> str:
        """One line for the run's summary: which model and why."""
        if self.unread:
            return (f"embed.model auto chose {self.model}: the texts' languages could not be read ({self.unread}); "
                    "it reads every language")
        english = self.model == ENGLISH_MODEL
        return (f"embed.model auto chose {self.model}: {self.other:,} of {self.checked:,} texts read "
                f"({self.other_share:.1%}) are in a language other than English"
                f"{'' if not english else ' (an English file)'}")


@lru_cache(maxsize=1)  # loaded once per run (0.4 s), dropped with the encoders before UMAP (`release_encoders`)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def reads_as_other_language(text: str, identifier) -> bool:
    """Whether py3langid's `identifier` reads `text` as a language other than English (probability >= the bar)."""
    language, probability = identifier.classify(text[:READ_CHARS])
    return language != "en" and probability >= OTHER_LANGUAGE_PROBABILITY


def file_texts(cases: pd.DataFrame, compose: ComposeSettings) -> list[str]:
    """The texts the file's vectors are made of (each channel with a weight), a seeded sample of each channel."""
    texts: list[str] = []
    for channel in channel_weights(compose):
        if CHANNELS[channel] not in cases.columns:
            continue
        text = channel_texts(cases, channel, compose).dropna()
        text = text[text.str.strip() != ""]
        if len(text) > SAMPLE_TEXTS:
            text = text.sample(SAMPLE_TEXTS, random_state=SAMPLE_SEED)
        texts += text.tolist()
    return texts


def choose_model(cases: pd.DataFrame, compose: ComposeSettings, other_share_below: float) -> ModelChoice:
    """MiniLM when fewer than `other_share_below` of the file's texts read as another language, e5 otherwise
    (e5 too for a file with no text at all)."""
    texts = file_texts(cases, compose)
    try:
        identifier = _identifier()
    except OSError as exc:  # py3langid unpacks its model (~70 MB) into a temporary file: a full disk, a size limit
        return ModelChoice(MULTILINGUAL_MODEL, 0, 0, f"py3langid could not unpack its model: {exc.strerror or exc}")
    other = sum(reads_as_other_language(t, identifier) for t in texts)
    english = bool(texts) and other / len(texts) < other_share_below
    return ModelChoice(ENGLISH_MODEL if english else MULTILINGUAL_MODEL, len(texts), other)


def is_auto(settings: ThemeSettings) -> bool:
    return (settings.embed.model or "").strip().lower() == AUTO_MODEL


def with_model(settings: ThemeSettings, model: str) -> ThemeSettings:
    """The settings with `embed.model` made concrete."""
    return settings.model_copy(update={"embed": settings.embed.model_copy(update={"model": model})})


def requested_settings(run: ThemeRun) -> ThemeSettings:
    """The settings a saved run was asked for: its settings, with `embed.model: auto` again where auto chose the
    model (a run records the model it got; `run.model_choice` says auto chose it)."""
    return with_model(run.settings, AUTO_MODEL) if run.model_choice else run.settings


def resolved_model(settings: ThemeSettings, cases: pd.DataFrame) -> tuple[ThemeSettings, ModelChoice | None]:
    """The settings with `embed.model: auto` replaced by the model this file gets, and the choice (None when the
    model was set)."""
    if not is_auto(settings):
        return settings, None
    choice = choose_model(cases, settings.compose, settings.embed.auto_other_language_share)
    return with_model(settings, choice.model), choice
