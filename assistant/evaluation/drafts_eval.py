"""Evaluate the drafts of a backend on a planted set: what a team reads to choose a model, a prompt or a setting.

It drives the product (drafter, store, runs), so it sits above the planted data and the scorer of `eval_sets`
(docs/design.md §7); the expected root causes are read by `eval_sets.root_causes.read_expected`.

For every planted theme with an expected root cause, the run's best-matching theme (by F1, `scorer`) is drafted
afresh (never reused, into a scratch store) one draft at a time, so that seconds per draft are the backend's alone.
Per draft: whether its first answer was schema-valid, valid only after the repair, or failed; citations outside
the theme (removed by grounding); figures not found in the evidence (flagged by grounding); tokens and seconds;
for an RCA, whether its root-cause category agrees with the planted one.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pandas as pd
from pydantic import BaseModel

from assistant.config import LLMSettings
from assistant.drafting.backends import make_backend
from assistant.drafting.drafter import Drafter
from assistant.drafting.models import cited_ids
from assistant.workspace.runs import load_run
from assistant.workspace.store import DraftStore
from clustering.files import write_atomic
from eval_sets.scorer import score_run

REMOVED = "removed case id "
UNVERIFIED_FIGURE = "figure "


class DraftScore(BaseModel):
    """One evaluated draft."""

    planted: str
    theme_id: str
    kind: str
    validity: str  # "first answer", "after repair", "failed"
    expected: str | None = None  # the planted root cause (RCA drafts)
    drafted: str | None = None  # the drafted root cause (RCA drafts)
    citations_kept: int = 0
    citations_outside: int = 0
    figures_unverified: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0
    structured_output: str | None = None
    error: str | None = None

    @property
    def agrees(self) -> bool:
        return self.drafted is not None and self.drafted == self.expected


class DraftsEvaluation(BaseModel):
    """Every evaluated draft of one backend on one run, and the figures a team compares."""

    run_id: str
    model: str
    structured_output: str
    drafts: list[DraftScore]

    def share(self, validity: str) -> float:
        return sum(d.validity == validity for d in self.drafts) / len(self.drafts) if self.drafts else 0.0

    @property
    def rcas(self) -> list[DraftScore]:
        return [d for d in self.drafts if d.kind == "rca"]

    @property
    def agreement(self) -> float | None:
        """Share of planted themes whose RCA names the planted root cause (a failed RCA disagrees)."""
        return sum(d.agrees for d in self.rcas) / len(self.rcas) if self.rcas else None

    def figures(self) -> dict[str, float | int | str | None]:
        n = max(len(self.drafts), 1)
        cited = sum(d.citations_kept + d.citations_outside for d in self.drafts)
        return {
            "model": self.model, "structured_output": self.structured_output, "drafts": len(self.drafts),
            "root_cause_agreement": self.agreement,
            "valid_first_answer": self.share("first answer"), "valid_after_repair": self.share("after repair"),
            "failed": self.share("failed"),
            "citations_outside_theme": sum(d.citations_outside for d in self.drafts), "citations": cited,
            "figures_not_in_evidence": sum(d.figures_unverified for d in self.drafts),
            "prompt_tokens_per_draft": sum(d.prompt_tokens for d in self.drafts) / n,
            "completion_tokens_per_draft": sum(d.completion_tokens for d in self.drafts) / n,
            "seconds_per_draft": sum(d.seconds for d in self.drafts) / n,
        }


def _score(outcome, row, planted: str, expected: str | None) -> DraftScore:
    validity = {1: "first answer", 2: "after repair"}.get(outcome.answers, "failed")
    content = row.content if row is not None else None
    if outcome.outcome == "failed" or content is None:
        validity = "failed"
    return DraftScore(
        planted=planted, theme_id=outcome.theme_id, kind=outcome.kind, validity=validity,
        expected=expected if outcome.kind == "rca" else None,
        drafted=getattr(content, "root_cause_category", None),
        citations_kept=len(cited_ids(content)),
        citations_outside=sum(f.startswith(REMOVED) for f in outcome.flags),
        figures_unverified=sum(f.startswith(UNVERIFIED_FIGURE) for f in outcome.flags),
        prompt_tokens=outcome.usage.get("prompt_tokens", 0),
        completion_tokens=outcome.usage.get("completion_tokens", 0),
        seconds=round(outcome.seconds, 3), structured_output=outcome.structured_output, error=outcome.error)


def evaluate_drafts(run_dir: str | Path, labels: pd.Series, expected: dict[str, str], settings: LLMSettings,
                    kinds: tuple[str, ...] = ("rca",), limit: int | None = None,
                    themes: list[str] | None = None) -> DraftsEvaluation:
    """Draft and score, with the backend `settings` asks for, one draft of each kind per planted theme.

    themes: only these planted themes; limit: only the N largest of them (most planted cases; ties by name), for a
    slow backend. Either way, only planted themes with an expected root cause and a matching theme of the run.
    """
    run, assignments = load_run(run_dir)
    score = score_run(assignments[["case_id", "theme_id"]], labels)
    if themes:
        unknown = sorted(set(themes) - {m.planted for m in score.planted})
        if unknown:
            raise ValueError(f"not a planted theme of the labels: {', '.join(unknown)}")
    matches = [m for m in score.planted
               if m.best_theme and m.planted in expected and (not themes or m.planted in themes)]
    if not matches:
        raise ValueError("no planted theme with an expected root cause matches a theme of the run")
    if limit:
        matches = sorted(matches, key=lambda m: (-m.size, m.planted))[:limit]
    targets = [(m.planted, m.best_theme) for m in matches]
    backend = make_backend(settings)
    scores = []
    with tempfile.TemporaryDirectory(prefix="eval-drafts-") as scratch:
        store = DraftStore(Path(scratch) / "drafts.sqlite")
        drafter = Drafter(run_dir, store, backend, settings)
        for planted, theme_id in targets:
            theme = drafter.theme(theme_id)
            for kind in kinds:
                outcome = drafter.draft_one(theme, kind, force=True)
                row = store.get(outcome.draft_id) if outcome.draft_id is not None else None
                scores.append(_score(outcome, row, planted, expected[planted]))
    form = settings.structured_output if settings.backend == "openai" else "n/a"
    return DraftsEvaluation(run_id=run.run_id, model=backend.model_id, structured_output=form, drafts=scores)


def write_evaluation(evaluation: DraftsEvaluation, path: str | Path) -> None:
    """The evaluation as JSON (written atomically): the figures and every draft's score."""
    data = {"run_id": evaluation.run_id, "figures": evaluation.figures(),
            "drafts": [d.model_dump() for d in evaluation.drafts]}
    write_atomic(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
