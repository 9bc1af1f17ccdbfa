"""Draft labels, RCA narratives and policy clarifications for the themes of a run, and store them.

For each (theme, kind): build the evidence pack, reuse a stored draft made from the same evidence, prompt
version and model, or render the prompt (redacting personal data when the endpoint is off this machine),
call the backend, parse and validate the JSON (one repair attempt with the validation error), ground it
(unknown case ids removed and flagged, figures not found in the evidence flagged) and store it. Themes are
drafted concurrently with a bounded limit; one failing theme does not stop the others.
"""

from __future__ import annotations

import json
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ValidationError

from assistant.config import LLMSettings
from assistant.drafting.backends.base import BackendError, DraftingBackend
from assistant.drafting.evidence import EvidencePack, build_pack, pack_json
from assistant.drafting.models import DRAFT_MODELS, KINDS, PROMPT_OF_KIND, RcaNarrative
from assistant.drafting.prompting import load_prompt, render_messages, repair_messages
from assistant.drafting.redact import redact_pack
from assistant.workspace.runs import load_run
from assistant.workspace.store import DraftStore
from clustering.theme_model import Theme

POLICY_SHARE = 0.5  # a policy clarification is drafted when one policy holds at least this share of a theme
NUMBER = re.compile(r"(?<![\w.])[-+]?\d+(?:[.,]\d+)?")


@dataclass
class DraftOutcome:
    """What happened to one (theme, kind)."""

    theme_id: str
    kind: str
    outcome: str  # "created", "reused", "failed", "skipped"
    draft_id: int | None = None
    error: str | None = None
    flags: list[str] = field(default_factory=list)
    tokens: int = 0


def parse_json_object(text: str) -> dict:
    """The JSON object in a model's answer (code fences and text around it are ignored)."""
    cleaned = re.sub(r"^```(?:json)?\s*|\s*```$", "", text.strip(), flags=re.IGNORECASE)
    start, end = cleaned.find("{"), cleaned.rfind("}")
    if start < 0 or end <= start:
        raise ValueError("the answer holds no JSON object")
    try:
        value = json.loads(cleaned[start:end + 1])
    except json.JSONDecodeError as exc:
        raise ValueError(f"the answer is not valid JSON: {exc.msg} at character {exc.pos}") from exc
    if not isinstance(value, dict):
        raise ValueError("the answer is not a JSON object")
    return value


def validate(kind: str, text: str) -> BaseModel:
    """Parse and validate a raw answer; raises ValueError with a message a model can act on."""
    data = parse_json_object(text)
    try:
        return DRAFT_MODELS[kind].model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'object'}: {e['msg']}" for e in exc.errors())
        raise ValueError(f"the JSON does not match the schema: {problems}") from exc


def _numbers(text: str) -> set[str]:
    return {n.replace(",", ".").lstrip("+") for n in NUMBER.findall(text)}


def evidence_numbers(pack: EvidencePack) -> set[str]:
    """Every number the evidence holds, in the forms a draft may quote (as is, rounded, as a percentage)."""
    found = _numbers(pack_json(pack))
    forms = set(found)
    for n in found:
        try:
            value = float(n)
        except ValueError:
            continue
        for digits in (0, 1, 2):
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


def ground(kind: str, draft: BaseModel, members: set[str], pack: EvidencePack) -> tuple[dict, list[str]]:
    """The draft with citations outside the theme removed, and flags for what was removed or unverified."""
    data = draft.model_dump()
    flags: list[str] = []

    def keep(ids: list[str]) -> list[str]:
        unknown = [i for i in ids if i not in members]
        flags.extend(f"removed case id {i}: not a case of this theme" for i in unknown)
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
        if not data["cited_case_ids"]:
            flags.append("the draft cites no case of this theme")
    known = evidence_numbers(pack)
    case_digits = {n for i in members for n in _numbers(i)}
    quoted = {n for text in _strings(data) for n in _numbers(text)}
    for number in sorted(quoted - known - case_digits):
        flags.append(f"figure {number} is not in the evidence")
    return data, flags


def policy_involved(theme: Theme) -> bool:
    """Whether one policy dominates the theme (then a policy clarification is drafted)."""
    values = theme.facets.get("policy") or []
    return bool(values) and values[0].value != "(missing)" and values[0].share >= POLICY_SHARE


class Drafter:
    """Drafts the themes of one run with one backend into one store."""

    def __init__(self, run_dir: str | Path, store: DraftStore, backend: DraftingBackend, settings: LLMSettings):
        self.run, self.cases = load_run(run_dir)
        self.store, self.backend, self.settings = store, backend, settings
        self.redact = settings.redact == "always" or (settings.redact == "auto" and backend.leaves_machine)
        self._members = self.cases.groupby("theme_id")["case_id"].agg(lambda s: set(map(str, s))).to_dict()

    def jobs(self, theme_ids: list[str] | None, kinds: tuple[str, ...], top: int | None) -> list[tuple[Theme, str]]:
        themes = sorted(self.run.themes, key=lambda t: t.rank)
        if theme_ids:
            unknown = set(theme_ids) - {t.theme_id for t in themes}
            if unknown:
                raise KeyError(f"run {self.run.run_id} has no theme {', '.join(sorted(unknown))}")
            themes = [t for t in themes if t.theme_id in theme_ids]
        if top is not None:
            themes = themes[:top]
        return [(t, k) for t in themes for k in kinds if k != "policy" or policy_involved(t)]

    def draft_all(self, theme_ids: list[str] | None = None, kinds: tuple[str, ...] = KINDS,
                  top: int | None = None, force: bool = False) -> list[DraftOutcome]:
        """Draft every job, `settings.concurrency` at a time; outcomes in job order."""
        jobs = self.jobs(theme_ids, kinds, top)
        with ThreadPoolExecutor(max_workers=self.settings.concurrency) as pool:
            return list(pool.map(lambda job: self.draft_one(*job, force=force), jobs))

    def theme(self, theme_id: str) -> Theme:
        """A theme of the run by id."""
        return self.jobs([theme_id], ("label",), None)[0][0]

    def draft_one(self, theme: Theme, kind: str, force: bool = False) -> DraftOutcome:
        """Draft one kind for one theme; never raises for a backend or output problem.

        force: draft anew even when a draft from the same evidence, prompt version and model exists.
        """
        pack = build_pack(self.run, self.cases, theme.theme_id, self.settings.token_budget)
        prompt = load_prompt(PROMPT_OF_KIND[kind])
        digest = pack.digest()
        common = dict(run_id=self.run.run_id, theme_id=theme.theme_id, kind=kind, prompt_name=prompt.name,
                      prompt_version=prompt.version, model=self.backend.model_id, evidence_hash=digest)
        earlier = None if force else self.store.find_reusable(digest, kind, prompt.name, prompt.version,
                                                              self.backend.model_id)
        if earlier is not None:
            if earlier.run_id == self.run.run_id and earlier.theme_id == theme.theme_id:
                return DraftOutcome(theme.theme_id, kind, "skipped", earlier.draft_id, flags=earlier.flags)
            draft_id = self.store.add(**common, status=earlier.status, content=earlier.content,
                                      raw_output=earlier.raw_output, error=None, flags=earlier.flags,
                                      evidence_json=pack_json(pack), reused_from=earlier.draft_id)
            return DraftOutcome(theme.theme_id, kind, "reused", draft_id, flags=earlier.flags)
        sent = redact_pack(pack) if self.redact else pack
        _, messages = render_messages(kind, sent)
        raw, tokens, attempts, error, draft = "", {"prompt_tokens": 0, "completion_tokens": 0}, 0, None, None
        try:
            for attempt in range(2):  # the answer, then one repair
                generation = self.backend.generate(kind, sent, messages)
                raw, attempts = generation.text, attempts + generation.attempts
                for key in tokens:
                    tokens[key] += generation.usage.get(key, 0)
                try:
                    draft = validate(kind, raw)
                    break
                except ValueError as exc:
                    error = str(exc)
                    if attempt == 0:
                        messages = repair_messages(messages, raw, error)
        except BackendError as exc:
            error = str(exc)
        if draft is None:
            draft_id = self.store.add(**common, status="failed", content=None, raw_output=raw, error=error, flags=[],
                                      evidence_json=pack_json(sent), attempts=max(attempts, 1), **tokens)
            return DraftOutcome(theme.theme_id, kind, "failed", draft_id, error=error, tokens=sum(tokens.values()))
        content, flags = ground(kind, draft, self._members.get(theme.theme_id, set()), pack)
        if self.redact:
            flags.append("personal data was redacted before the endpoint saw the evidence")
        draft_id = self.store.add(**common, status="draft", content=content, raw_output=raw, error=None, flags=flags,
                                  evidence_json=pack_json(sent), attempts=attempts, **tokens)
        return DraftOutcome(theme.theme_id, kind, "created", draft_id, flags=flags, tokens=sum(tokens.values()))
