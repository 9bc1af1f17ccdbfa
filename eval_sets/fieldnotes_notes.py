"""How the fieldnotes set's QA auditors write a note: each has habits (layout, tag forms, quote marks, typo rate,
lower case, how often they write in their own language). Used by `eval_sets/fieldnotes_data.py`."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from eval_sets import fieldnotes_bank as bank

UNTAGGED = 0.2  # share of English notes written without an error-type tag
HUB_LANG = {hub: lang for lang, (_, hub) in reversed(bank.LOCALES.items())}  # the first language of each hub


@dataclass(frozen=True)
class Auditor:
    """A QA auditor's habits: how a note is laid out, which tag forms, how often the ad is quoted, typos and
    notes in the auditor's own language."""

    layout: str
    tags: tuple[int, ...]
    quote: float
    typo: float
    local: float
    lowercase: bool = False


AUDITORS = {  # per hub; the uk hub writes English only
    "uk": [Auditor("bracket", (1,), 0.3, 0.10, 0.0), Auditor("semi", (0, 2), 0.6, 0.25, 0.0, True)],
    "dach": [Auditor("quote_first", (0, 5), 0.9, 0.10, 0.25), Auditor("pipe", (1, 7), 0.4, 0.05, 0.10)],
    "fr": [Auditor("semi", (2, 6), 0.7, 0.15, 0.30), Auditor("arrow", (3,), 0.5, 0.20, 0.10, True)],
    "latam": [Auditor("bracket", (1, 3), 0.6, 0.20, 0.30), Auditor("lower", (3, 4), 0.5, 0.30, 0.15, True)],
    "it": [Auditor("arrow", (0,), 0.6, 0.15, 0.30), Auditor("semi", (4, 6), 0.5, 0.10, 0.15)],
    "cee": [Auditor("pipe", (0, 2), 0.5, 0.20, 0.25), Auditor("quote_first", (1,), 0.8, 0.15, 0.10)],
    "tr": [Auditor("lower", (3, 6), 0.6, 0.25, 0.30, True), Auditor("bracket", (1,), 0.5, 0.10, 0.10)],
    "jp": [Auditor("quote_first", (1, 7), 0.8, 0.05, 0.35), Auditor("pipe", (0,), 0.4, 0.10, 0.20)],
    "mena": [Auditor("semi", (0, 3), 0.5, 0.20, 0.15), Auditor("bracket", (1, 5), 0.5, 0.15, 0.05)],
    "in": [Auditor("lower", (3, 4), 0.4, 0.30, 0.35, True), Auditor("arrow", (2,), 0.5, 0.20, 0.10)],
}
LOCAL_LAYOUTS = ["{local}. {act}", "{tag} {local} – {q}", "{q}: {local}", "{local} ({q})", "{tag} {local}"]


def _typo(rng: random.Random, text: str) -> str:
    words = [m for m in re.finditer(r"[A-Za-z]{5,}", text)]
    if not words:
        return text
    m = rng.choice(words)
    w, i = m.group(), rng.randrange(1, len(m.group()) - 2)
    kind = rng.randrange(3)
    new = (w[:i] + w[i + 1] + w[i] + w[i + 2:] if kind == 0 else w[:i] + w[i + 1:] if kind == 1
           else w[:i] + w[i] + w[i:])
    return text[: m.start()] + new + text[m.end():]


def _quoted(rng: random.Random, auditor: Auditor, quote: str, hub_lang: str, from_lp: bool) -> str:
    left, right = bank.QUOTE_MARKS.get(hub_lang, ("'", "'")) if auditor.quote > 0.7 else ("'", "'")
    q = f"{left}{quote}{right}"
    where = "LP" if from_lp else rng.choice(["ad says", "copy:", "ad:", "headline", ""])
    return f"{where} {q}".strip() if not from_lp else rng.choice([f"LP: {q}", f"LP says {q}", f"lp {q}"])


def write_note(rng: random.Random, auditor: Auditor, spec: dict, et: str, policy: str, lang: str, quote: str,
               from_lp: bool, note_lang: str, hub_lang: str) -> str:
    """One auditor's note on one misjudged row of a theme (`lang` the ad's language, `note_lang` the note's)."""
    tag = bank.TAGS[et][rng.choice(auditor.tags)]
    q = _quoted(rng, auditor, quote, hub_lang, from_lp) if quote else ""
    if note_lang != "en":
        local = rng.choice(spec["local"][note_lang])
        act = bank.LOCAL_ACTIONS[note_lang][et == "FN"]
        layout = rng.choice(LOCAL_LAYOUTS if q else [LOCAL_LAYOUTS[0], LOCAL_LAYOUTS[4]])
        return layout.format(local=local, act=act, tag=tag, q=q)
    gist = rng.choice(spec["gist"]).replace("{lang}", rng.choice(bank.LANG_NAMES.get(lang, ["non-EN"])))
    pol = f"pol:{bank.POLICY_CODE[policy]}"
    act = rng.choice(bank.ACTIONS[et])
    show_q = q if rng.random() < auditor.quote else ""
    if rng.random() < UNTAGGED:
        tag = ""
    note = {"bracket": " ".join(x for x in (tag, pol, f"{gist}.", act, show_q) if x),
            "semi": "; ".join(x for x in (tag, gist, show_q or act) if x),
            "quote_first": (f"{show_q} - " if show_q else "") + gist + (f" ({tag})" if tag else ""),
            "lower": " ".join(x for x in (tag, gist, show_q, act) if x),
            "pipe": " | ".join(x for x in (pol, tag, gist, show_q) if x),
            "arrow": ("rej→appr" if et == "FP" else "appr→rej") + f": {gist}" + (f", {show_q}" if show_q else ""),
            }[auditor.layout]
    if auditor.lowercase:
        note = note.lower() if not show_q else note.replace(show_q, "\0").lower().replace("\0", show_q)
    if rng.random() < auditor.typo:
        note = _typo(rng, note)
    if rng.random() < 0.1:
        note += f" {rng.choice(bank.EXTRAS)}"
    return note
