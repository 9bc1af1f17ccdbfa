"""Grounding: a draft may cite only cases of its theme and quote only figures of its evidence (docs/design.md §4).

Case ids outside the theme are removed (with a claim left citing none) and flagged; numbers the evidence does not
hold are flagged for the reviewer, not removed: a model may round, and a person decides.
"""

from __future__ import annotations

import re

from assistant.drafting.evidence import EvidencePack, pack_json
from assistant.drafting.models import Draft, RcaNarrative, cited_ids, stored_draft

NUMBER = re.compile(r"(?<![\w.])[-+]?\d+(?:[.,]\d+)?")
ROUNDINGS = (0, 1, 2)  # decimals a quoted figure may be rounded to


def numbers(text: str) -> set[str]:
    """The numbers in a text, normalised (`1,5` -> `1.5`, no leading `+`)."""
    return {n.replace(",", ".").lstrip("+") for n in NUMBER.findall(text)}


def evidence_numbers(pack: EvidencePack) -> set[str]:
    """Every number the evidence holds, in the forms a draft may quote (as is, rounded, as a percentage)."""
    found = numbers(pack_json(pack))
    forms = set(found)
    for n in found:
        try:
            value = float(n)
        except ValueError:
            continue
        for digits in ROUNDINGS:
            forms.add(f"{value:.{digits}f}")
            forms.add(f"{value * 100:.{digits}f}")
        if value.is_integer():
            forms.add(str(int(value)))
    return forms


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def ground(kind: str, draft: Draft, members: set[str], pack: EvidencePack) -> tuple[Draft, list[str]]:
    """The draft with citations outside the theme removed, and flags for what was removed or unverified."""
    data = draft.model_dump()
    flags: list[str] = []

    def keep(ids: list[str]) -> list[str]:
        flags.extend(f"removed case id {i}: not a case of this theme" for i in ids if i not in members)
        return [i for i in ids if i in members]

    if isinstance(draft, RcaNarrative):
        claims = []
        for claim in data["evidence"]:
            claim["case_ids"] = keep(claim["case_ids"])
            if claim["case_ids"]:
                claims.append(claim)
            else:
                flags.append(f"removed claim with no case of this theme: {claim['claim'][:80]}")
        data["evidence"] = claims
    else:
        data["cited_case_ids"] = keep(data["cited_case_ids"])
    grounded = stored_draft(kind, data)
    if not cited_ids(grounded) and not isinstance(grounded, RcaNarrative):
        flags.append("the draft cites no case of this theme")
    known = evidence_numbers(pack)
    case_digits = {n for i in members for n in numbers(i)}
    quoted = {n for text in _strings(data) for n in numbers(text)}
    flags.extend(f"figure {number} is not in the evidence" for number in sorted(quoted - known - case_digits))
    return grounded, flags
