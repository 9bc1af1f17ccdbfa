"""Redact personal data from an evidence pack before it leaves the machine.

Emails and phone numbers become `[EMAIL]` / `[PHONE]`; a name after a cue such as "per", "with",
"moderator" or "contact:" becomes `[NAME]`; moderator ids become stable pseudonyms (`moderator A`,
`moderator B`, ...) so that a concentration on a few moderators stays visible without naming them.
"""

from __future__ import annotations

import re

from assistant.drafting.evidence import EvidencePack
from clustering.describe import MISSING

EMAIL = re.compile(r"[\w.+-]+@[\w-]*(?:\.[\w-]+)*")  # also an address cut short by trimming
PHONE = re.compile(r"(?<![\w.])\+?\d[\d\s().-]{6,}\d(?!\w|\.\d)")
_CAP = r"[A-ZÀ-ÖØ-Þ][\w'’-]*[^\W\d_]"
# A cued first and last name ("discussed with Tom Becker"), or one capitalised word after a cue that names a
# person ("moderator Kevin", "owner: Peter").
NAME = re.compile(
    rf"\b(?P<cue>(?i:per|by|with|from|asked|told|spoke to|thanks|coached by|discussed with))"
    rf"(?P<sep>\s+)(?P<name>{_CAP}(?:\s+{_CAP}){{1,2}})"
    rf"|\b(?P<cue2>(?i:moderator|mod|reviewer|agent|lead|owner|contact|cc))(?P<sep2>:?\s+)(?P<name2>{_CAP}(?:\s+{_CAP}){{0,2}})"
)
MODERATOR_ID = re.compile(r"\bmod_\d+\b", flags=re.IGNORECASE)


def _names(text: str) -> str:
    def repl(match: re.Match) -> str:
        if match.group("cue") is not None:
            return f"{match.group('cue')}{match.group('sep')}[NAME]"
        return f"{match.group('cue2')}{match.group('sep2')}[NAME]"

    return NAME.sub(repl, text)


def redact_text(text: str | None, pseudonyms: dict[str, str] | None = None) -> str | None:
    """Text with emails, phone numbers, cued names and moderator ids replaced.

    pseudonyms: moderator id (lower case) -> pseudonym; ids found in it or shaped like `mod_123` are replaced.
    """
    if not text:
        return text
    text = EMAIL.sub("[EMAIL]", text)
    text = PHONE.sub("[PHONE]", text)
    text = _names(text)
    if pseudonyms is not None:
        for moderator in sorted(pseudonyms, key=len, reverse=True):
            text = re.sub(rf"(?<![\w]){re.escape(moderator)}(?![\w])", pseudonyms[moderator], text, flags=re.IGNORECASE)
        text = MODERATOR_ID.sub(lambda m: _pseudonym(m.group(0), pseudonyms), text)
    return text


def _pseudonym(moderator: str, pseudonyms: dict[str, str]) -> str:
    key = moderator.lower()
    if key not in pseudonyms:
        n, letters = len(pseudonyms), ""
        while n >= 0:
            letters = chr(ord("A") + n % 26) + letters
            n = n // 26 - 1
        pseudonyms[key] = f"moderator {letters}"
    return pseudonyms[key]


def redact_pack(pack: EvidencePack) -> EvidencePack:
    """A copy of the pack with personal data redacted from every text and moderator field."""
    data = pack.model_copy(deep=True)
    cases = [*data.cases, *(c for contrast in data.contrasts for c in contrast.cases)]
    pseudonyms: dict[str, str] = {}
    for case in cases:
        if case.moderator_id:
            case.moderator_id = _pseudonym(case.moderator_id, pseudonyms)
    for value in data.facets.get("moderator_id", []):
        if value["value"] != MISSING:
            value["value"] = _pseudonym(value["value"], pseudonyms)
    for case in cases:
        case.reviewer_note = redact_text(case.reviewer_note, pseudonyms)
        case.ad_text = redact_text(case.ad_text, pseudonyms)
        case.landing_page_text = redact_text(case.landing_page_text, pseudonyms)
    data.over_represented = [redact_text(item, pseudonyms) or "" for item in data.over_represented]
    return data
