"""Build the weekly theme digest (issue #7): one week's metrics, themes and drafts, for people who read it unattended.

`write_digest(path, week, workspace)`:

1. loads the cases file and takes the rows of the ISO week and of the week before (headline metrics, with
   Wilson intervals, the change in percentage points and a two-proportion test saying whether the change is
   beyond the noise, `clustering.stats`);
2. finds the theme run of the window of `window` ISO weeks ending at the week, reusing a saved run with the
   same input hash, weeks and settings (`assistant.workspace.runs.saved_runs`), or analyses it
   (`assistant.analysis.analyse_loaded`, from the rows loaded in step 1: the file is read and hashed once per
   digest); the same for the window ending at the previous week, when that week has data (a window without
   misjudged cases has no run);
3. matches the themes to the previous week's one-to-one by centroid similarity (`clustering.tracking`) and
   marks each `new`, `growing`, `shrinking`, `steady` or `gone`; ranks them by impact on ATA, then size;
4. drafts (or reuses the drafts of) the top themes, and the new and growing ones, with the configured backend
   (the offline drafter by default): label, RCA narrative, policy clarification;
5. lists policy clarifications accepted since the previous digest and the run's drafts waiting for review;
6. hands the `Digest` (`assistant.digest.models`) to `assistant.digest.deliver`, which writes `digest.md`,
   `digest.html` and `digest.json` (rendered by `assistant.digest.render`) and posts to the webhook, if any.

Nothing in the digest's content comes from the clock: the same week of the same file with the same settings and
drafts gives byte-identical files. Defaults are the settings' (`assistant.config.Settings`): top and window
`digest`, the noise line `stats.noise_p`.

Exit codes (`DigestResult.exit_code`, `assistant.exit_codes`): EXIT_OK written; EXIT_PARTIAL written, but some
drafts failed; EXIT_BAD_INPUT: an unreadable file, rows breaking the schema, a week not written YYYY-Www, a bad
webhook URL or `--out`, an LLM backend without a model or API key (raised here as exceptions before anything is
written; the command line turns them into 2); EXIT_NO_DATA: no data in that week, a short digest saying so is
still written; EXIT_DELIVERY_FAILED: written, but delivery to the webhook failed. When several apply, the first
in this order wins: no data, delivery failed, partial.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from assistant.analysis import analyse_loaded
from assistant.config import DigestSettings, LLMSettings, Settings
from assistant.config import load_settings as load_app_settings
from assistant.digest import deliver
from assistant.digest.drafts import accepted_policies, attach_drafts, earlier_digests, waiting_drafts
from assistant.digest.models import (
    Coverage,
    Digest,
    DigestResult,
    DigestTheme,
    GoneTheme,
    RateChange,
    WeekFigures,
)
from assistant.digest.parents import digest_parents, parent_labels
from assistant.digest.registry import apply_registry
from assistant.drafting.backends import DraftingBackend, make_backend
from assistant.drafting.drafter import make_drafter
from assistant.drafting.models import ThemeLabel
from assistant.exit_codes import EXIT_NO_DATA, EXIT_OK, EXIT_PARTIAL
from assistant.views.formatting import pct, pp
from assistant.workspace.runs import Workspace, saved_runs
from assistant.workspace.store import DraftRow, DraftStore
from clustering.load import LoadResult, LoadSettings, load_cases
from clustering.metrics import LOWER_IS_BETTER, RATE_NAMES, RATE_TITLES, Rate, quality_metrics
from clustering.model_choice import requested_settings
from clustering.settings import StatsSettings, ThemeSettings
from clustering.stats import noise_call, two_proportion_test
from clustering.theme_model import Theme, ThemeRun, WeekCount
from clustering.tracking import MatchResult, match_centroids, related_threshold, run_threshold, theme_status
from clustering.weeks import parse_week, shift_week, span, week_dates, window_weeks

# ---------------------------------------------------------------- runs: reuse or analyse

def find_run(workspace: Workspace, sha256: str, weeks: list[str], settings: ThemeSettings,
             rows_loaded: int | None = None) -> tuple[Path, ThemeRun] | None:
    """The oldest saved run of the same input bytes, the same weeks and the same settings, or None.

    A run of the whole file counts when the weeks hold every row of it (same bytes, same `rows_loaded`).
    `rows_loaded` (the rows of those weeks this load gives) also guards against a run made with other
    loading options (a lenient load skips rows).
    """
    wanted = settings.model_dump()
    for run_dir, run in saved_runs(workspace):
        info = run.input
        whole_file = not info.weeks and not info.week  # a run of every row of the same file
        same_weeks = sorted(info.weeks) == sorted(weeks)
        if info.sha256 != sha256 or not (same_weeks or (whole_file and rows_loaded is not None)):
            continue
        if rows_loaded is not None and info.rows_loaded != rows_loaded:
            continue
        if requested_settings(run).model_dump() == wanted:
            return run_dir, run
    return None


def run_for_window(loaded: LoadResult, workspace: Workspace, weeks: list[str], settings: ThemeSettings,
                   rows_loaded: int) -> tuple[Path, ThemeRun, bool]:
    """(run folder, run, reused?) of the analysis of these weeks of the loaded file: a saved one when it matches,
    else a new one (of the rows loaded, not of the file read again)."""
    found = find_run(workspace, loaded.sha256, weeks, settings, rows_loaded)
    if found is not None:
        return *found, True
    run_dir, run = analyse_loaded(loaded, workspace, settings, weeks=weeks)
    return run_dir, run, False


# ---------------------------------------------------------------- pieces of the digest

def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(float(value), digits)


def rate_changes(current: dict[str, Rate], previous: dict[str, Rate] | None, noise_p: float) -> list[RateChange]:
    """Each headline rate with last week's, the change in pp and the noise call (beyond noise when p < noise_p)."""
    out = []
    for name in RATE_NAMES:
        now, before = current[name], (previous or {}).get(name)
        change = RateChange(name=name, title=RATE_TITLES[name], current=now, previous=before)
        if now.value is None:
            change.verdict, change.note = "unavailable", now.unavailable
        elif before is None:
            change.note = "no previous week to compare with"
        elif before.value is None:
            change.verdict, change.note = "unavailable", f"last week: {before.unavailable}"
        else:
            delta = (now.value - before.value) * 100
            change.change_pp = round(delta, 2)
            test = two_proportion_test(now.numerator, now.denominator, before.numerator, before.denominator)
            if test is not None:
                change.p_value, change.test = round(test[0], 4), test[1]
            change.verdict = noise_call(change.p_value, noise_p)
            if abs(delta) < 1e-9:
                change.direction = "unchanged"
            else:
                lower = delta < 0
                change.direction = "better" if lower == LOWER_IS_BETTER[name] else "worse"
        out.append(change)
    return out


def week_figures(week: str, cases: pd.DataFrame) -> WeekFigures:
    misjudged = cases[cases["misjudged"]]
    return WeekFigures(week=week, rows=len(cases), misjudged=len(misjudged),
                       fp=int((misjudged["error_type"] == "FP").sum()), fn=int((misjudged["error_type"] == "FN").sum()))


def impact_key(theme: Theme) -> tuple:
    """Sort key: largest impact on ATA first (unavailable last), then the largest theme, then the id."""
    ata = theme.impact_pp.get("ATA")
    return (ata is None, -(ata or 0.0), -theme.size, theme.theme_id)


def _count(weekly: list[WeekCount], week: str) -> int | None:
    return next((w.count for w in weekly if w.week == week), None)


def _top_policy(theme: Theme) -> tuple[str | None, float | None]:
    values = theme.facets.get("policy") or []
    return (values[0].value, round(values[0].share, 4)) if values else (None, None)


def digest_themes(run: ThemeRun, previous: ThemeRun | None, week: str, previous_week: str,
                  threshold: float) -> tuple[list[DigestTheme], list[GoneTheme], MatchResult | None]:
    """This week's themes with status and match, ranked by impact; last week's themes that are gone."""
    matching = None
    if previous is not None:
        matching = match_centroids({t.theme_id: t.centroid for t in run.themes},
                                   {t.theme_id: t.centroid for t in previous.themes}, threshold)
    out = []
    current_of = {m.previous: m.current for m in matching.matches} if matching else {}
    previous_of = {m.current: m.previous for m in matching.matches} if matching else {}
    for rank, theme in enumerate(sorted(run.themes, key=impact_key), start=1):
        match = matching.of_current(theme.theme_id) if matching else None
        nearest = matching.nearest_previous.get(theme.theme_id) if matching else None
        policy, share = _top_policy(theme)
        out.append(DigestTheme(
            theme_id=theme.theme_id, impact_rank=rank,
            status=theme_status(theme.trend, match is not None, previous is not None), trend=theme.trend,
            size=theme.size, this_week=_count(theme.weekly, week) or 0,
            previous_week=_count(theme.weekly, previous_week), weekly=theme.weekly,
            impact_pp={k: _round(v, 2) for k, v in theme.impact_pp.items()}, error_types=theme.error_types,
            top_policy=policy, top_policy_share=share, keywords=[k.term for k in theme.keywords[:5]],
            matched_previous=match.previous if match else None, similarity=match.similarity if match else None,
            nearest_previous=None if match or not nearest else nearest[0],
            nearest_similarity=None if match or not nearest else nearest[1],
            nearest_matched_to=None if match or not nearest else current_of.get(nearest[0]),
        ))
    gone = []
    if matching is not None:
        by_id = {t.theme_id: t for t in previous.themes}
        for theme_id in sorted(matching.gone, key=lambda i: impact_key(by_id[i])):
            theme = by_id[theme_id]
            nearest = matching.nearest_current.get(theme_id)
            gone.append(GoneTheme(theme_id=theme_id, size=theme.size, last_week=_count(theme.weekly, previous_week),
                                  keywords=[k.term for k in theme.keywords[:5]], top_policy=_top_policy(theme)[0],
                                  nearest_current=nearest[0] if nearest else None,
                                  nearest_similarity=nearest[1] if nearest else None,
                                  nearest_matched_to=previous_of.get(nearest[0]) if nearest else None))
    return out, gone, matching


def choose_detailed(themes: list[DigestTheme], top: int) -> None:
    """Mark the themes shown in full: the `top` by impact, then every new or growing theme."""
    for theme in themes:
        if theme.impact_rank <= top:
            theme.detailed, theme.why_detailed = True, f"top {top} by impact"
        elif theme.status in ("new", "growing"):
            theme.detailed, theme.why_detailed = True, f"{theme.status} this week"


def headline_text(digest: Digest) -> str:
    """One line: the week, ATA and its change, what changed among the themes."""
    if digest.status != "ok":
        return f"Error-theme digest {digest.week}: no audited cases in that week."
    parts = [f"Error-theme digest {digest.week}"]
    ata = next((m for m in digest.metrics if m.name == "ATA"), None)
    if ata is not None and ata.current.value is not None:
        text = f"ATA {pct(ata.current.value)}"
        if ata.change_pp is not None:
            text += f" ({pp(ata.change_pp, 1)} pp vs {digest.previous_week}, {ata.verdict})"
        parts.append(text)
    counts = digest.status_counts
    changes = [f"{counts[s]} {s}" for s in ("new", "growing", "shrinking", "gone") if counts.get(s)]
    parts.append(f"{len(digest.themes)} themes" + (f": {', '.join(changes)}" if changes else ""))
    return "; ".join(parts) + "."


# ---------------------------------------------------------------- the whole digest

def write_digest(path: str | Path, week: str, workspace: Workspace | str | Path, out: str | Path | None = None,
                 config: str | Path | None = None, webhook: str | None = None, top: int | None = None,
                 window: int | None = None, match_threshold: float | None = None,
                 settings: ThemeSettings | None = None, load_settings: LoadSettings | None = None,
                 llm_settings: LLMSettings | None = None, digest_settings: DigestSettings | None = None,
                 stats_settings: StatsSettings | None = None) -> DigestResult:
    """Build and write the digest of one ISO week of a cases file, and deliver it; see the module docstring.

    Settings not given come from the settings file `config` (and the environment): the theme sections, `load`,
    `llm`, `digest` and `stats`; `top` and `window` override the digest section's. `match_threshold`: a fixed
    centroid cosine from which a theme is last week's; None = the run's same-theme bar (`tracking` settings).

    Raises ValueError (bad week, window, top, webhook URL or `out`, bad settings file), BackendError (an LLM
    backend without a model or API key) and clustering.problems.LoadError / ValidationError (unusable file)
    before anything is written.
    """
    week = week.strip() if isinstance(week, str) else week
    parse_week(week)
    deliver.check_webhook(webhook)
    deliver.check_out(out)
    if top is not None and top < 1:
        raise ValueError(f"--top must be at least 1, got {top}")
    given = (settings, load_settings, llm_settings, digest_settings, stats_settings)
    app = load_app_settings(config) if None in given else None
    options = (digest_settings or app.digest).model_copy(update={k: v for k, v in (("top", top), ("window", window))
                                                                if v is not None})
    window_weeks(week, options.window)  # a bad window stops here
    workspace = workspace if isinstance(workspace, Workspace) else Workspace(workspace)
    llm = llm_settings or app.llm
    backend = make_backend(llm)  # a missing model or API key stops here, before any work (BackendError)

    theme = settings or app.theme
    theme = theme.theme if isinstance(theme, Settings) else theme  # what a run saves, and a reused run must match
    result = build_digest(path, week, workspace, theme, load_settings or app.load, llm, backend, options,
                          match_threshold, stats_settings or app.stats)
    return deliver.deliver(result, workspace, out, webhook, options)


def build_digest(path: str | Path, week: str, workspace: Workspace, settings: ThemeSettings,
                 load_settings: LoadSettings | None, llm: LLMSettings, backend: DraftingBackend,
                 options: DigestSettings, match_threshold: float | None,
                 stats: StatsSettings | None = None) -> DigestResult:
    """The digest of a week, not yet written: with the runs reused, the draft outcomes and the exit code so far."""
    stats = stats or StatsSettings()
    weeks = window_weeks(week, options.window)
    previous_week = shift_week(week, -1)
    loaded = load_cases(path, load_settings)
    cases = loaded.cases
    known = loaded.has_correct_rows
    week_cases = cases[(cases["week"] == week).fillna(False).astype(bool)]
    previous_cases = cases[(cases["week"] == previous_week).fillna(False).astype(bool)]
    coverage = Coverage(path=str(path), sha256=loaded.sha256, rows_read=loaded.rows_read, rows_loaded=len(cases),
                        rows_skipped=loaded.rows_skipped,
                        weeks_in_file=sorted(str(w) for w in cases["week"].dropna().unique()),
                        week_rows=len(week_cases), previous_week_rows=len(previous_cases))
    digest = Digest(week=week, week_dates=week_dates(week), previous_week=previous_week, window=weeks,
                    status="ok", headline="", match_threshold=match_threshold, top=options.top,
                    noise_p=stats.noise_p, coverage=coverage)
    result = DigestResult(exit_code=EXIT_OK, paths={}, digest=digest)

    if week_cases.empty:
        digest.status = "no data"
        digest.notes.append(f"No audited cases in {week} ({week_dates(week)}) in {path}. Weeks in the file: "
                            f"{', '.join(coverage.weeks_in_file) or 'none (no decided_at times)'}.")
        digest.headline = headline_text(digest)
        result.exit_code = EXIT_NO_DATA
        return result

    # runs: this week's window, and last week's when last week has data (no run where nothing was misjudged)
    def window_counts(window_of: list[str]) -> tuple[int, int]:
        chosen = cases[cases["week"].isin(window_of).fillna(False).astype(bool)]
        return len(chosen), int(chosen["misjudged"].sum())

    run_dir, run, previous_run = None, None, None
    rows, misjudged = window_counts(weeks)
    if misjudged:
        run_dir, run, result.runs_reused["current"] = run_for_window(loaded, workspace, weeks, settings, rows)
    else:
        digest.notes.append(f"No misjudged cases in {span(weeks)}: there are no error themes to find.")
    if previous_cases.empty:
        digest.notes.append(f"No previous week to compare with: {previous_week} has no audited cases in the file. "
                            "Themes are marked by their own weekly trend only.")
    elif run is not None:
        previous_weeks = window_weeks(previous_week, options.window)
        rows, misjudged = window_counts(previous_weeks)
        if misjudged:
            _, previous_run, result.runs_reused["previous"] = run_for_window(
                loaded, workspace, previous_weeks, settings, rows)
            coverage.previous_run_id, coverage.previous_weeks_analysed = previous_run.run_id, previous_weeks
        else:
            digest.notes.append(f"No misjudged cases in {span(previous_weeks)}: no themes of last week to compare "
                                "with. Themes are marked by their own weekly trend only.")
    digest.has_previous = previous_run is not None
    if run is not None:
        digest.as_of = run.created_at
        coverage.weeks_analysed, coverage.run_id, coverage.run_created_at = weeks, run.run_id, run.created_at
        coverage.run_rows, coverage.run_misjudged = run.input.rows_loaded, run.input.misjudged
        coverage.run_unthemed, coverage.embedding_model = run.unthemed, run.embedding_model

    # headline metrics
    digest.this_week = week_figures(week, week_cases)
    previous_rates = None
    if not previous_cases.empty:
        digest.last_week = week_figures(previous_week, previous_cases)
        previous_rates = quality_metrics(previous_cases, known).rates
    digest.metrics = rate_changes(quality_metrics(week_cases, known).rates, previous_rates, stats.noise_p)

    # themes, matched and ranked
    themes, gone = [], []
    if run is not None:
        if match_threshold is None:
            match_threshold = run_threshold(run.themes, run.settings.tracking)
        digest.match_threshold = match_threshold
        digest.related_threshold = min(match_threshold,
                                       related_threshold(run.themes, run.settings.tracking))
        themes, gone, _ = digest_themes(run, previous_run, week, previous_week, match_threshold)
    choose_detailed(themes, options.top)
    digest.themes, digest.gone = themes, gone
    digest.status_counts = {s: sum(t.status == s for t in themes) for s in ("new", "growing", "shrinking", "steady")}
    digest.status_counts["gone"] = len(gone)
    if run is not None and not themes:
        digest.notes.append(f"The analysis of {span(weeks)} found no themes: every misjudged case was left "
                            "unthemed.")

    # drafts
    store = DraftStore(workspace.store_path)
    detailed = [t.theme_id for t in themes if t.detailed]
    used: list[DraftRow] = []
    if detailed:
        outcomes = make_drafter(workspace, run_dir, llm, backend).draft_all(detailed, parents=True)
        result.draft_outcomes = {k: sum(o.outcome == k for o in outcomes)
                                 for k in ("created", "reused", "skipped", "failed")}
        used = attach_drafts(themes, outcomes, store)
        digest.drafts_failed = [f"theme {o.theme_id} {o.kind}: {o.error}" for o in outcomes if o.outcome == "failed"]
    if previous_run is not None and gone:
        labels = {r.theme_id: r.content.name for r in reversed(store.list(run_id=previous_run.run_id, kind="label"))
                  if isinstance(r.content, ThemeLabel)}
        for theme in gone:
            theme.label = labels.get(theme.theme_id)
    if run is not None and run.parents:
        digest.parents = digest_parents(run, week, parent_labels(store, run.run_id))
    earlier = earlier_digests(workspace, week)
    digest.earlier_digests = sorted(earlier)
    digest.policies_accepted = accepted_policies(store, earlier)
    digest.waiting_for_review = waiting_drafts(store, run.run_id) if run is not None else []
    apply_registry(digest, workspace, run.run_id if run is not None else None, stats)
    coverage.drafting_models = sorted({r.model for r in used})
    coverage.prompts = sorted({f"{r.prompt_name} v{r.prompt_version}" for r in used})

    digest.headline = headline_text(digest)
    if digest.drafts_failed:
        result.exit_code = EXIT_PARTIAL
    return result
