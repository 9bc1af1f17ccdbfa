"""Run a theme analysis of a cases file and save it as a run in the workspace."""

from __future__ import annotations

import json
import time
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

from assistant.views.text import themes_summary_md
from assistant.workspace.registry import Registry
from assistant.workspace.registry_sync import sync_run
from assistant.workspace.runs import METRICS_FILE, Workspace, load_themes
from clustering.embed import models_label
from clustering.files import CannotWrite
from clustering.load import LoadResult, LoadSettings, load_cases
from clustering.metrics import metrics_by, quality_metrics
from clustering.model_choice import choose_model, is_auto, resolved_model, with_model
from clustering.schema import FACETS
from clustering.settings import AUTO_MODELS, ENGLISH_MODEL, ThemeSettings
from clustering.theme_model import InputInfo, RunIdentity, ThemeRun
from clustering.themes import ASSIGNMENT_COLUMNS, find_themes

SAVED_CASE_COLUMNS = ("case_id", "ad_id", "policy", "locale", "queue", "decision_source", "moderator_id",
                      "error_type", "original_decision", "final_decision", "week", "decided_at",
                      "model_score", "reviewer_note", "ad_text", "landing_page_text", "source_row")


def select_weeks(result: LoadResult, weeks: list[str] | None) -> LoadResult:
    """The load result restricted to some ISO weeks (`2026-W45`), or unchanged when `weeks` is None."""
    if weeks is None:
        return result
    cases = result.cases[result.cases["week"].isin(weeks).fillna(False)].reset_index(drop=True)
    if cases.empty:
        known = sorted(result.cases["week"].dropna().unique())
        raise ValueError(f"{result.path}: no cases in week {', '.join(weeks)}; weeks in the file: "
                         f"{', '.join(known) or 'none'}")
    return replace(result, cases=cases)


def workspace_model(cases, settings: ThemeSettings, workspace: Workspace) -> tuple[ThemeSettings, str | None]:
    """`embed.model: auto` made concrete for the misjudged `cases`: the model of the workspace's latest run made
    with one of auto's two models (chosen by auto or set), so that the themes of its runs are matched in one space
    (the registry links themes of one embedding model only), or, in a workspace without one, the model this file's
    languages call for (`clustering.model_choice`). Returns the settings and the reason the run records (None when
    the model was set)."""
    if not is_auto(settings):
        return settings, None
    for run_id in reversed(workspace.run_ids()):
        try:
            earlier = load_themes(workspace.run_dir(run_id))
        except (OSError, ValueError):  # a damaged run says nothing about the model: the one before it may
            continue
        model = (earlier.settings.embed.model or ENGLISH_MODEL).strip().lower()
        if model in AUTO_MODELS:
            reason = (f"embed.model auto: {model}, as in this workspace's run {earlier.run_id} (its themes are "
                      "matched in that model's space)")
            own = choose_model(cases, settings.compose, settings.embed.auto_other_language_share)
            if own.model != model:  # say so: the workspace's model is not the one this file calls for
                reason += (f"; this file alone would get {own.model} ({own.other_share:.1%} of its texts read in "
                           f"another language than English): set embed.model: {own.model} to analyse it with that "
                           "model (its themes are then matched apart from the earlier ones, and later auto runs keep "
                           "it)")
            return with_model(settings, model), reason
    settings, choice = resolved_model(settings, cases)
    return settings, choice.reason() if choice else None


def analyse(path: str | Path, workspace: Workspace, settings: ThemeSettings | None = None,
            load_settings: LoadSettings | None = None, week: str | None = None,
            weeks: list[str] | None = None) -> tuple[Path, ThemeRun]:
    """Load a cases file, then `analyse_loaded`: the run folder and the run.

    week: analyse only this ISO week; weeks: only these ISO weeks (e.g. the digest's window).
    """
    return analyse_loaded(load_cases(path, load_settings), workspace, settings, week, weeks)


def analyse_loaded(loaded: LoadResult, workspace: Workspace, settings: ThemeSettings | None = None,
                   week: str | None = None, weeks: list[str] | None = None) -> tuple[Path, ThemeRun]:
    """Cluster, describe and save loaded cases, then link the run's themes to the workspace's theme registry; returns
    the run folder and the run. Cases that fit a known registry theme are given to it before the rest are clustered.
    The file is not read again: the run's input is what was loaded (its bytes' hash `loaded.sha256`).

    week: analyse only this ISO week; weeks: only these ISO weeks (e.g. the digest's window).
    """
    settings = settings or ThemeSettings()
    scope = [week] if week else (sorted(weeks) if weeks else None)
    start = time.perf_counter()
    selected = select_weeks(loaded, scope)
    load_seconds = loaded.seconds + time.perf_counter() - start
    settings, model_choice = workspace_model(selected.cases.loc[selected.cases["misjudged"]], settings, workspace)
    registry = Registry(workspace.store_path)
    known = registry.known_themes(models_label(settings.embed))
    result = find_themes(selected.cases, settings, workspace.cache, selected.has_correct_rows, known)
    identity = RunIdentity(
        run_id=workspace.new_run_id(loaded.sha256),
        created_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        input=InputInfo(path=loaded.path, sha256=loaded.sha256, rows_read=loaded.rows_read,
                        rows_loaded=len(selected.cases), rows_skipped=loaded.rows_skipped,
                        misjudged=int(selected.cases["misjudged"].sum()), has_correct_rows=selected.has_correct_rows,
                        week=week, weeks=scope or []),
        settings=settings,
        embedding_model=models_label(settings.embed),
        model_choice=model_choice,
    )
    timings = {"load": round(load_seconds, 3), **result.timings_s}
    run = ThemeRun.of(identity, result.model_copy(update={"timings_s": timings}))
    columns = [c for c in SAVED_CASE_COLUMNS if c in result.assignments.columns] + list(ASSIGNMENT_COLUMNS)
    metrics = metrics_payload(selected)
    run_dir = workspace.save_run(run, result.assignments[columns], themes_summary_md(run),
                                 {METRICS_FILE: json.dumps(metrics, indent=1, default=str)})
    try:
        sync_run(registry, run, result.assignments)  # after the save: a run the registry links is a complete run
    except CannotWrite as exc:
        raise CannotWrite(exc.path, exc.reason, f"run {run.run_id} was saved in {run_dir}, but the theme registry "
                          "could not link it; `themes status` links it once there is room") from exc
    return run_dir, run


def metrics_payload(loaded: LoadResult) -> dict:
    """Quality metrics of all loaded rows, overall and by each facet, as saved with a run."""
    cases, known = loaded.cases, loaded.has_correct_rows
    return {"overall": quality_metrics(cases, known).model_dump(),
            "by": {facet: [r.model_dump() for r in metrics_by(cases, facet, known)] for facet in FACETS}}
