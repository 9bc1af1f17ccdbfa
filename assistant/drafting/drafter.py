"""Draft labels, RCA narratives and policy clarifications for the themes of a run, and store them.

For each (theme, kind): build the evidence pack, reuse a stored draft made from the same evidence, prompt
version and model, or render the prompt (redacting personal data when the endpoint is off this machine),
call the backend, parse and validate the JSON (one repair attempt with the validation error), ground it
(unknown case ids removed and flagged, figures not found in the evidence flagged) and store it. Themes are
drafted concurrently with a bounded limit; one failing theme does not stop the others.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from assistant.config import LLMSettings
from assistant.drafting.backends import make_backend
from assistant.drafting.backends.base import BackendError, DraftingBackend
from assistant.drafting.evidence import build_pack, pack_json
from assistant.drafting.grounding import ground
from assistant.drafting.models import KINDS, PROMPT_OF_KIND, parse_draft
from assistant.drafting.prompting import load_prompt, render_messages, repair_messages
from assistant.drafting.redact import redact_pack, run_names
from assistant.workspace.runs import Workspace, load_run
from assistant.workspace.store import DraftStore
from clustering.describe import MISSING
from clustering.theme_model import ParentTheme, Theme

NAMES_CACHED = 8  # runs whose learnt names are kept (a saved run never changes; learning takes seconds at 100k cases)
_NAMES: dict[str, frozenset[str]] = {}


def learnt_names(run_id: str, cases) -> frozenset[str]:
    """The names a run's texts give (`redact.run_names`), learnt once per run."""
    if run_id not in _NAMES:
        while len(_NAMES) >= NAMES_CACHED:
            _NAMES.pop(next(iter(_NAMES)), None)
        _NAMES[run_id] = run_names(cases)
    return _NAMES[run_id]


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
    answers: int = 0  # model answers read: 1 = valid at once, 2 = after the repair (0 when none came)
    usage: dict[str, int] = field(default_factory=dict)  # prompt_tokens, completion_tokens
    seconds: float = 0.0  # wall time of the backend calls, parsing and grounding
    structured_output: str | None = None  # the decoding constraint of the last answer (backends that report one)


def policy_involved(theme: Theme, share: float) -> bool:
    """Whether one policy holds at least `share` of the theme (then a policy clarification is drafted)."""
    values = theme.facets.get("policy") or []
    return bool(values) and values[0].value != MISSING and values[0].share >= share


def make_drafter(workspace: Workspace, run_dir: str | Path, settings: LLMSettings,
                 backend: DraftingBackend | None = None) -> Drafter:
    """The one way to set up drafting: the run's drafter, with the backend the settings ask for (or `backend`,
    made earlier with `make_backend` to fail fast), storing into the workspace's draft store.

    Raises BackendError when the backend cannot be used (no model, no API key).
    """
    return Drafter(run_dir, DraftStore(workspace.store_path), backend or make_backend(settings), settings)


class Drafter:
    """Drafts the themes of one run with one backend into one store."""

    def __init__(self, run_dir: str | Path, store: DraftStore, backend: DraftingBackend, settings: LLMSettings):
        self.run, self.cases = load_run(run_dir)
        self.store, self.backend, self.settings = store, backend, settings
        self.redact = settings.redact == "always" or (settings.redact == "auto" and backend.leaves_machine)
        # what redaction learns from the whole run: the names its texts give (a keyword drawn from every note of a
        # theme may name someone the pack's own notes do not), and its moderator ids
        self._names = learnt_names(self.run.run_id, self.cases) if self.redact else frozenset()
        self._moderators = (sorted(set(self.cases["moderator_id"].dropna().astype(str)))
                            if self.redact and "moderator_id" in self.cases.columns else [])
        self._members = self.cases.groupby("theme_id")["case_id"].agg(lambda s: set(map(str, s))).to_dict()

    def jobs(self, theme_ids: list[str] | None, kinds: tuple[str, ...], top: int | None,
             parents: bool = False) -> list[tuple[Theme, str]]:
        """(theme, kind) to draft: themes by rank (`theme_ids` may name parent themes too); with `parents`, the
        label of every parent theme. A parent theme gets a label only (the label kind on its own evidence)."""
        themes = sorted(self.run.themes, key=lambda t: t.rank)
        if theme_ids:
            everything = [*themes, *self.run.parents]
            unknown = set(theme_ids) - {t.theme_id for t in everything}
            if unknown:
                raise KeyError(f"run {self.run.run_id} has no theme {', '.join(sorted(unknown))}")
            themes = [t for t in everything if t.theme_id in theme_ids]
        if top is not None:
            themes = themes[:top]
        share = self.settings.policy_share
        jobs = [(t, k) for t in themes for k in kinds
                if (k != "policy" or policy_involved(t, share)) and (k == "label" or not isinstance(t, ParentTheme))]
        if parents and "label" in kinds:
            jobs += [(p, "label") for p in self.run.parents if (p, "label") not in jobs]
        return jobs

    def members(self, theme: Theme) -> set[str]:
        """The case ids a draft about this theme may cite (a parent's: those of every theme under it)."""
        ids = theme.theme_ids if isinstance(theme, ParentTheme) else [theme.theme_id]
        return set().union(*(self._members.get(i, set()) for i in ids))

    def draft_all(self, theme_ids: list[str] | None = None, kinds: tuple[str, ...] = KINDS,
                  top: int | None = None, force: bool = False, parents: bool = False) -> list[DraftOutcome]:
        """Draft every job, `settings.concurrency` at a time; outcomes in job order (`parents`: also a label for
        every parent theme)."""
        jobs = self.jobs(theme_ids, kinds, top, parents)
        with ThreadPoolExecutor(max_workers=self.settings.concurrency) as pool:
            return list(pool.map(lambda job: self.draft_one(*job, force=force), jobs))

    def theme(self, theme_id: str) -> Theme:
        """A theme of the run by id."""
        return self.jobs([theme_id], ("label",), None)[0][0]

    def draft_one(self, theme: Theme, kind: str, force: bool = False) -> DraftOutcome:
        """Draft one kind for one theme; never raises for a backend or output problem.

        force: draft anew even when a draft from the same evidence, prompt version and model exists.
        """
        pack = build_pack(self.run, self.cases, theme.theme_id, self.settings)
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
        started = time.perf_counter()
        sent = redact_pack(pack, self._names, self._moderators) if self.redact else pack
        _, messages = render_messages(kind, sent)
        raw, tokens, attempts, error, draft = "", {"prompt_tokens": 0, "completion_tokens": 0}, 0, None, None
        answers, form = 0, None
        try:
            for attempt in range(2):  # the answer, then one repair
                generation = self.backend.generate(kind, sent, messages)
                raw, attempts = generation.text, attempts + generation.attempts
                answers, form = attempt + 1, generation.structured_output
                for key in tokens:
                    tokens[key] += generation.usage.get(key, 0)
                try:
                    draft = parse_draft(kind, raw)
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
            return DraftOutcome(theme.theme_id, kind, "failed", draft_id, error=error, tokens=sum(tokens.values()),
                                answers=answers, usage=tokens, seconds=time.perf_counter() - started,
                                structured_output=form)
        content, flags = ground(kind, draft, self.members(theme), pack)
        if self.redact:
            flags.append("personal data was redacted before the endpoint saw the evidence")
        draft_id = self.store.add(**common, status="draft", content=content, raw_output=raw, error=None, flags=flags,
                                  evidence_json=pack_json(sent), attempts=attempts, **tokens)
        return DraftOutcome(theme.theme_id, kind, "created", draft_id, flags=flags, tokens=sum(tokens.values()),
                            answers=answers, usage=tokens, seconds=time.perf_counter() - started,
                            structured_output=form)
