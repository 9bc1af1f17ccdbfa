"""Drafting from the app: which drafters are on offer, a fresh draft, and drafting a new run's themes.

Calls `assistant.drafting.drafter` with the `llm` section of the app's settings; nothing here is web-specific
but the choice names shown in the Review tab.
"""

from __future__ import annotations

from pathlib import Path

from assistant.config import DEFAULT_BASE_URL, LLMSettings
from assistant.urls import masked
from assistant.webapp.state import Explorer
from assistant.workspace.store import DraftRow

OFFLINE_CHOICE = "offline drafter (rules, no LLM)"


def backend_choices(llm: LLMSettings) -> tuple[str, list[str]]:
    """(a note on the LLM in use, the drafters on offer): the configured LLM if there is one, and the offline one."""
    if llm.backend == "offline":
        return "No LLM configured (set the llm: section of error-themes.yaml).", [OFFLINE_CHOICE]
    return f"LLM endpoint: {masked(llm.base_url or DEFAULT_BASE_URL)}", [f"LLM: {llm.model}", OFFLINE_CHOICE]


def chosen_llm(choice: str | None, llm: LLMSettings) -> LLMSettings:
    """The LLM settings of a drafter choice (the offline choice forces the offline drafter)."""
    return llm.model_copy(update={"backend": "offline"}) if choice == OFFLINE_CHOICE else llm


def fresh_draft(explorer: Explorer, row: DraftRow, choice: str | None, llm: LLMSettings):
    """A new draft of the same theme and kind as `row` (never reused from an earlier one)."""
    from assistant.drafting.drafter import make_drafter  # the drafter's imports take seconds: loaded when used

    settings = chosen_llm(choice, llm)
    drafter = make_drafter(explorer.workspace, explorer.workspace.run_dir(row.run_id), settings)
    return drafter.draft_one(drafter.theme(row.theme_id), row.kind, force=True)


def draft_run(explorer: Explorer, run_dir: Path, llm: LLMSettings) -> str:
    """Draft every theme of a fresh run with the configured backend; a one-line summary."""
    from assistant.drafting.backends import BackendError
    from assistant.drafting.drafter import make_drafter

    try:
        outcomes = make_drafter(explorer.workspace, run_dir, llm).draft_all()
    except (ValueError, BackendError) as exc:
        return f"Drafting did not run: {exc}"
    failed = sum(o.outcome == "failed" for o in outcomes)
    return f"{len(outcomes)} drafts" + (f", {failed} failed" if failed else "") + "; review them in the Review tab."
