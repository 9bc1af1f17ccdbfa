"""The weekly theme digest (issue #7): one week's metrics, themes and drafts, for people who read it unattended.

`write_digest(path, week, workspace)`:

1. loads the cases file and takes the rows of the ISO week and of the week before (headline metrics, with
   Wilson intervals, the change in percentage points and a two-proportion test saying whether the change is
   beyond the noise);
2. finds the theme run of the window of `window` ISO weeks ending at the week, reusing a saved run with the
   same input hash, weeks and settings, or analyses it (`assistant.analysis.analyse`); the same for the window
   ending at the previous week, when that week has data (a window without misjudged cases has no run);
3. matches the themes to the previous week's one-to-one by centroid similarity (`clustering.tracking`) and
   marks each `new`, `growing`, `shrinking`, `steady` or `gone`; ranks them by impact on ATA, then size;
4. drafts (or reuses the drafts of) the top themes, and the new and growing ones, with the configured backend
   (the offline drafter by default): label, RCA narrative, policy clarification;
5. lists policy clarifications accepted since the previous digest and the run's drafts waiting for review;
6. writes `digest.md`, `digest.html` (self-contained, charts as inline SVG) and `digest.json` atomically to
   `out` (default `WORKSPACE/digests/<week>/`), and optionally posts a summary to a Slack-compatible webhook.

Nothing in the digest's content comes from the clock: the same week of the same file with the same settings and
drafts gives byte-identical `digest.md` and `digest.json`.

Exit codes (`DigestResult.exit_code`, returned by the `digest` command):
    0  written
    1  written, but some drafts failed (see the digest and stderr)
    2  bad input: unreadable file, rows breaking the schema, a week not written YYYY-Www, a bad webhook URL,
       an LLM backend without a model or API key (raised as exceptions here, before anything is written; the
       command line turns them into 2)
    3  no data in that week: a short digest saying so is still written
    4  written, but delivery to the webhook failed
When several apply, the first in this order wins: 3, 4, 1.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
from pydantic import BaseModel, Field
from scipy.stats import chi2_contingency, fisher_exact

from assistant.analysis import analyse
from assistant.config import LLMSettings, load_llm_settings, load_theme_settings
from assistant.drafting.backends import make_backend
from assistant.drafting.drafter import Drafter, DraftOutcome
from assistant.drafting.models import RcaNarrative, cited_ids
from assistant.workspace.files import write_atomic
from assistant.workspace.runs import Workspace, file_sha256, load_run
from assistant.workspace.store import DraftRow, DraftStore
from clustering.load import LoadSettings, load_cases
from clustering.metrics import LOWER_IS_BETTER, RATE_NAMES, RATE_TITLES, Rate, quality_metrics
from clustering.settings import ThemeSettings
from clustering.theme_model import Theme, ThemeRun, WeekCount
from clustering.tracking import MATCH_THRESHOLD, MatchResult, match_centroids, theme_status

DIGEST_SCHEMA_VERSION = 1
DEFAULT_TOP = 5  # themes shown in full (new and growing ones are added)
DEFAULT_WINDOW = 6  # ISO weeks analysed, ending at the digest's week
NOISE_P = 0.05  # a change with a two-proportion p-value below this is "beyond noise"
FISHER_BELOW_EXPECTED = 5  # Fisher's exact test when an expected count of the 2x2 table is below this
WEBHOOK_TIMEOUT_S = 10.0
CITED_CASES_SHOWN = 6
DIGEST_FILES = ("digest.md", "digest.html", "digest.json")

EXIT_OK = 0
EXIT_DRAFTS_FAILED = 1
EXIT_BAD_INPUT = 2
EXIT_NO_DATA = 3
EXIT_WEBHOOK_FAILED = 4

WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


# ---------------------------------------------------------------- ISO weeks

def parse_week(text: str) -> tuple[int, int]:
    """(year, week) of `2026-W45`; ValueError for anything else or a week the year does not have."""
    found = WEEK.match(text.strip()) if isinstance(text, str) else None
    if not found:
        raise ValueError(f"--week expects an ISO week written YYYY-Www, e.g. 2026-W45; got '{text}'")
    year, week = int(found[1]), int(found[2])
    try:
        date.fromisocalendar(year, week, 1)
    except ValueError as exc:
        raise ValueError(f"{text} is not a week of {year} ({exc})") from exc
    return year, week


def week_monday(week: str) -> date:
    """The Monday of an ISO week."""
    return date.fromisocalendar(*parse_week(week), 1)


def week_name(day: date) -> str:
    """The ISO week of a date as `YYYY-Www`."""
    iso = day.isocalendar()
    return f"{iso[0]}-W{iso[1]:02d}"


def shift_week(week: str, weeks: int) -> str:
    """The ISO week `weeks` weeks after (negative: before) `week`; crosses years correctly."""
    return week_name(week_monday(week) + timedelta(weeks=weeks))


def window_weeks(week: str, window: int) -> list[str]:
    """The `window` ISO weeks ending at `week`, oldest first."""
    if window < 1:
        raise ValueError(f"the window must be at least 1 week, got {window}")
    return [shift_week(week, -k) for k in range(window - 1, -1, -1)]


def span(weeks: list[str]) -> str:
    """`2026-W42..2026-W47`, or the one week."""
    return weeks[0] if len(weeks) == 1 else f"{weeks[0]}..{weeks[-1]}"


def week_dates(week: str) -> str:
    """`Mon 2026-11-16 to Sun 2026-11-22`."""
    monday = week_monday(week)
    return f"Mon {monday.isoformat()} to Sun {(monday + timedelta(days=6)).isoformat()}"


# ---------------------------------------------------------------- the noise call

def two_proportion_test(x1: int, n1: int, x2: int, n2: int) -> tuple[float, str] | None:
    """p-value of "the two proportions x1/n1 and x2/n2 are equal", and the test used; None without trials.

    Pearson's chi-square on the 2x2 table (with Yates' correction, scipy's default), or Fisher's exact test
    when an expected count is below FISHER_BELOW_EXPECTED (small weeks, rare events).
    """
    if n1 <= 0 or n2 <= 0:
        return None
    table = [[x1, n1 - x1], [x2, n2 - x2]]
    column = (x1 + x2, n1 + n2 - x1 - x2)
    expected_min = min(n * c / (n1 + n2) for n in (n1, n2) for c in column)
    if expected_min < FISHER_BELOW_EXPECTED:
        return float(fisher_exact(table).pvalue), "Fisher exact"
    return float(chi2_contingency(table).pvalue), "chi-square"


def noise_call(p_value: float | None, alpha: float = NOISE_P) -> str:
    """`beyond noise` when p < alpha, else `within noise`."""
    if p_value is None:
        return "no comparison"
    return "beyond noise" if p_value < alpha else "within noise"


# ---------------------------------------------------------------- the digest's data

class DraftRef(BaseModel):
    """Where a piece of the digest comes from: a stored draft."""

    draft_id: int
    status: str
    model: str
    offline: bool
    prompt: str = Field(description="prompt template name and version, e.g. rca_narrative v1")


class ThemeRca(BaseModel):
    title: str
    summary: str
    root_cause_category: str
    cited_case_ids: list[str]
    action: str | None
    owner: str | None
    confidence: str | None
    draft: DraftRef


class ThemeLabelText(BaseModel):
    name: str
    sentence: str
    draft: DraftRef


class RateChange(BaseModel):
    """One headline rate this week, last week, the change and whether it is larger than the noise."""

    name: str
    title: str
    current: Rate
    previous: Rate | None = None
    change_pp: float | None = None
    p_value: float | None = None
    test: str | None = None
    verdict: str = Field("no comparison", description="beyond noise | within noise | no comparison | unavailable")
    direction: str | None = Field(None, description="better | worse | unchanged (for this rate)")
    note: str | None = None


class WeekFigures(BaseModel):
    week: str
    rows: int
    misjudged: int
    fp: int
    fn: int


class DigestTheme(BaseModel):
    """A theme of this week's run as the digest shows it."""

    theme_id: str
    impact_rank: int
    status: str
    trend: str
    size: int
    this_week: int
    previous_week: int | None
    weekly: list[WeekCount]
    impact_pp: dict[str, float | None]
    error_types: dict[str, int]
    top_policy: str | None
    top_policy_share: float | None
    keywords: list[str]
    matched_previous: str | None = None
    similarity: float | None = None
    nearest_previous: str | None = None
    nearest_similarity: float | None = None
    nearest_matched_to: str | None = Field(None, description="this week's theme the nearest previous one matched")
    detailed: bool = False
    why_detailed: str | None = None
    label: ThemeLabelText | None = None
    rca: ThemeRca | None = None
    draft_errors: list[str] = Field(default_factory=list)


class GoneTheme(BaseModel):
    """A theme of last week's run with no match this week."""

    theme_id: str
    size: int
    last_week: int | None
    keywords: list[str]
    top_policy: str | None
    label: str | None = None
    nearest_current: str | None = None
    nearest_similarity: float | None = None
    nearest_matched_to: str | None = Field(None, description="last week's theme the nearest current one matched")


class PolicyItem(BaseModel):
    """An accepted policy clarification."""

    draft_id: int
    first_draft_id: int = Field(description="the draft it was first written as (reused drafts share it)")
    run_id: str
    theme_id: str
    policy: str
    proposed_wording: str
    reviewer: str | None


class WaitingDraft(BaseModel):
    draft_id: int
    theme_id: str
    kind: str
    status: str
    says: str
    model: str


class Coverage(BaseModel):
    """What the digest rests on."""

    path: str
    sha256: str
    rows_read: int
    rows_loaded: int
    rows_skipped: int
    weeks_in_file: list[str]
    week_rows: int
    previous_week_rows: int
    weeks_analysed: list[str] = Field(default_factory=list)
    run_id: str | None = None
    run_created_at: str | None = None
    run_rows: int | None = None
    run_misjudged: int | None = None
    run_unthemed: int | None = None
    previous_run_id: str | None = None
    previous_weeks_analysed: list[str] = Field(default_factory=list)
    embedding_model: str | None = None
    drafting_models: list[str] = Field(default_factory=list)
    prompts: list[str] = Field(default_factory=list)


class Digest(BaseModel):
    """Everything a digest says; `digest.json` is its dump, `digest.md` and `digest.html` render it."""

    schema_version: int = DIGEST_SCHEMA_VERSION
    week: str
    week_dates: str
    previous_week: str
    window: list[str]
    status: str = Field(description="ok | no data")
    has_previous: bool = False
    as_of: str | None = Field(None, description="creation time of the run the digest rests on (never the clock)")
    headline: str
    notes: list[str] = Field(default_factory=list)
    this_week: WeekFigures | None = None
    last_week: WeekFigures | None = None
    metrics: list[RateChange] = Field(default_factory=list)
    match_threshold: float = MATCH_THRESHOLD
    top: int = DEFAULT_TOP
    status_counts: dict[str, int] = Field(default_factory=dict)
    themes: list[DigestTheme] = Field(default_factory=list)
    gone: list[GoneTheme] = Field(default_factory=list)
    earlier_digests: list[str] = Field(default_factory=list)
    policies_accepted: list[PolicyItem] = Field(default_factory=list)
    waiting_for_review: list[WaitingDraft] = Field(default_factory=list)
    drafts_failed: list[str] = Field(default_factory=list)
    coverage: Coverage


@dataclass
class DigestResult:
    """What `write_digest` did: the exit code for a scheduler, the files, the digest, and how it went."""

    exit_code: int
    paths: dict[str, Path]
    digest: Digest
    runs_reused: dict[str, bool] = field(default_factory=dict)  # "current" / "previous" -> reused?
    draft_outcomes: dict[str, int] = field(default_factory=dict)
    delivery: str | None = None  # "delivered (HTTP 200)" or the failure
    record: Path | None = None  # the workspace's copy (WORKSPACE/digests/<week>/), when `out` is elsewhere

    def summary(self) -> str:
        """A few lines for the command line."""
        d = self.digest
        lines = [d.headline]
        if self.runs_reused:
            lines.append("runs: " + ", ".join(
                f"{k} {'reused' if v else 'analysed'}" for k, v in self.runs_reused.items()))
        if self.draft_outcomes:
            lines.append("drafts: " + ", ".join(f"{v} {k}" for k, v in self.draft_outcomes.items() if v))
        lines += [f"wrote {p}" for p in self.paths.values()]
        if self.delivery:
            lines.append(f"webhook: {self.delivery}")
        lines.append(f"exit code {self.exit_code}")
        return "\n".join(lines)


# ---------------------------------------------------------------- runs: reuse or analyse

def find_run(workspace: Workspace, sha256: str, weeks: list[str], settings: ThemeSettings,
             rows_loaded: int | None = None) -> Path | None:
    """The oldest saved run of the same input bytes, the same weeks and the same settings, or None.

    A run of the whole file counts when the weeks hold every row of it (same bytes, same `rows_loaded`).
    `rows_loaded` (the rows of those weeks this load gives) also guards against a run made with other
    loading options (a lenient load skips rows).
    """
    wanted = settings.model_dump()
    for run_id in workspace.run_ids():
        try:
            data = json.loads((workspace.runs / run_id / "themes.json").read_text(encoding="utf-8"))
            info = data["input"]
            whole_file = not info.get("weeks") and not info.get("week")  # a run of every row of the same file
            same_weeks = sorted(info.get("weeks") or []) == sorted(weeks)
            if info.get("sha256") != sha256 or not (same_weeks or (whole_file and rows_loaded is not None)):
                continue
            if rows_loaded is not None and info.get("rows_loaded") != rows_loaded:
                continue
            if ThemeSettings.model_validate(data["settings"]).model_dump() != wanted:
                continue
        except (OSError, ValueError, KeyError, TypeError):
            continue  # an unreadable or older run is never reused
        if (workspace.runs / run_id / "cases.parquet").exists():
            return workspace.runs / run_id
    return None


def run_for_window(path: str | Path, workspace: Workspace, weeks: list[str], settings: ThemeSettings,
                   load_settings: LoadSettings | None, sha256: str, rows_loaded: int) -> tuple[Path, ThemeRun, bool]:
    """(run folder, run, reused?) of the analysis of these weeks: a saved one when it matches, else a new one."""
    found = find_run(workspace, sha256, weeks, settings, rows_loaded)
    if found is not None:
        run, _ = load_run(found)
        return found, run, True
    run_dir, run = analyse(path, workspace, settings, load_settings, weeks=weeks)
    return run_dir, run, False


# ---------------------------------------------------------------- pieces of the digest

def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(float(value), digits)


def rate_changes(current: dict[str, Rate], previous: dict[str, Rate] | None, alpha: float = NOISE_P
                 ) -> list[RateChange]:
    """Each headline rate with last week's, the change in pp and the noise call."""
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
            change.verdict = noise_call(change.p_value, alpha)
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


def _ref(row: DraftRow) -> DraftRef:
    return DraftRef(draft_id=row.draft_id, status=row.status, model=row.model, offline=row.offline,
                    prompt=f"{row.prompt_name} v{row.prompt_version}")


def _rca(row: DraftRow) -> ThemeRca:
    rca: RcaNarrative = row.content
    first = rca.actions[0] if rca.actions else None
    return ThemeRca(title=rca.title, summary=rca.summary, root_cause_category=rca.root_cause_category,
                    cited_case_ids=cited_ids(rca), action=first.action if first else None,
                    owner=first.owner if first else None, confidence=rca.confidence, draft=_ref(row))


def attach_drafts(themes: list[DigestTheme], outcomes: list[DraftOutcome], store: DraftStore) -> list[DraftRow]:
    """Put each detailed theme's label and RCA on it; returns every draft row used (for provenance)."""
    by_theme = {t.theme_id: t for t in themes}
    used = []
    for outcome in outcomes:
        theme = by_theme.get(outcome.theme_id)
        if theme is None or outcome.draft_id is None:
            continue
        row = store.get(outcome.draft_id)
        used.append(row)
        if row.status == "failed" or row.content is None:
            theme.draft_errors.append(f"{row.kind} draft {row.draft_id} failed: {row.error or 'no content'}")
        elif row.kind == "label":
            theme.label = ThemeLabelText(name=row.content.name, sentence=row.content.sentence, draft=_ref(row))
        elif row.kind == "rca":
            theme.rca = _rca(row)
    return used


def first_draft_id(row: DraftRow, store: DraftStore) -> int:
    """The draft a reused draft was first written as (follows `reused_from`)."""
    seen, current = set(), row
    while current.reused_from is not None and current.reused_from not in seen:
        seen.add(current.draft_id)
        try:
            current = store.get(current.reused_from)
        except KeyError:
            break
    return current.draft_id


def earlier_digests(workspace: Workspace, week: str) -> dict[str, Digest]:
    """Digests of weeks before `week` recorded in the workspace (`WORKSPACE/digests/<week>/digest.json`)."""
    folder = workspace.root / "digests"
    found = {}
    if not folder.exists():
        return found
    for child in sorted(folder.iterdir()):
        if not (child.is_dir() and WEEK.match(child.name) and child.name < week):
            continue
        try:
            found[child.name] = Digest.model_validate_json((child / "digest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
    return found


def accepted_policies(store: DraftStore, earlier: dict[str, Digest]) -> list[PolicyItem]:
    """Accepted policy clarifications (any run) not listed by an earlier digest, one per first draft."""
    listed = {p.first_draft_id for d in earlier.values() for p in d.policies_accepted}
    items: dict[int, PolicyItem] = {}
    for row in sorted(store.list(kind="policy", status="accepted"), key=lambda r: r.draft_id):
        first = first_draft_id(row, store)
        if first in listed or first in items:
            continue
        if row.content is None:
            continue
        items[first] = PolicyItem(draft_id=row.draft_id, first_draft_id=first, run_id=row.run_id,
                                  theme_id=row.theme_id, policy=row.content.policy,
                                  proposed_wording=row.content.proposed_wording, reviewer=row.reviewer)
    return list(items.values())


def waiting_drafts(store: DraftStore, run_id: str) -> list[WaitingDraft]:
    """Drafts of the run still waiting for a reviewer (status draft or edited), oldest first."""
    from assistant.views.drafts import headline

    rows = [r for r in store.list(run_id=run_id) if r.status in ("draft", "edited")]
    return [WaitingDraft(draft_id=r.draft_id, theme_id=r.theme_id, kind=r.kind, status=r.status,
                         says=headline(r), model=r.model) for r in sorted(rows, key=lambda r: r.draft_id)]


def headline_text(digest: Digest) -> str:
    """One line: the week, ATA and its change, what changed among the themes."""
    if digest.status != "ok":
        return f"Error-theme digest {digest.week}: no audited cases in that week."
    parts = [f"Error-theme digest {digest.week}"]
    ata = next((m for m in digest.metrics if m.name == "ATA"), None)
    if ata is not None and ata.current.value is not None:
        text = f"ATA {ata.current.value * 100:.1f}%"
        if ata.change_pp is not None:
            text += f" ({ata.change_pp:+.1f} pp vs {digest.previous_week}, {ata.verdict})"
        parts.append(text)
    counts = digest.status_counts
    changes = [f"{counts[s]} {s}" for s in ("new", "growing", "shrinking", "gone") if counts.get(s)]
    parts.append(f"{len(digest.themes)} themes" + (f": {', '.join(changes)}" if changes else ""))
    return "; ".join(parts) + "."


# ---------------------------------------------------------------- delivery

def check_webhook(url: str | None) -> None:
    """ValueError unless the URL is http(s)."""
    if url is not None and not re.match(r"^https?://[^\s/]+", url):
        raise ValueError(f"--webhook expects an http:// or https:// URL, got '{url}'")


def post_webhook(url: str, payload: dict, timeout: float = WEBHOOK_TIMEOUT_S) -> tuple[bool, str]:
    """POST the JSON payload; (delivered?, what happened). Never raises for network or HTTP failures."""
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(url, data=body, method="POST",
                                     headers={"Content-Type": "application/json; charset=utf-8",
                                              "User-Agent": "error-themes-digest"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return True, f"delivered (HTTP {response.status})"
    except urllib.error.HTTPError as exc:
        return False, f"delivery failed: HTTP {exc.code} {exc.reason}"
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        return False, f"delivery failed: {reason}"


# ---------------------------------------------------------------- the whole digest

def default_out(workspace: Workspace, week: str) -> Path:
    return workspace.root / "digests" / week


def write_digest(path: str | Path, week: str, workspace: Workspace | str | Path, out: str | Path | None = None,
                 config: str | Path | None = None, webhook: str | None = None, top: int = DEFAULT_TOP,
                 window: int = DEFAULT_WINDOW, match_threshold: float = MATCH_THRESHOLD,
                 settings: ThemeSettings | None = None, load_settings: LoadSettings | None = None,
                 llm_settings: LLMSettings | None = None) -> DigestResult:
    """Build and write the digest of one ISO week of a cases file; see the module docstring.

    Raises ValueError (bad week, window, top or webhook URL, bad settings file), BackendError (an LLM backend
    without a model or API key) and clustering.problems.LoadError / ValidationError (unusable file) before
    anything is written.
    """
    from assistant.digest import render as digest_render

    week = week.strip() if isinstance(week, str) else week
    parse_week(week)
    check_webhook(webhook)
    if top < 1:
        raise ValueError(f"--top must be at least 1, got {top}")
    weeks = window_weeks(week, window)
    workspace = workspace if isinstance(workspace, Workspace) else Workspace(workspace)
    settings = settings or load_theme_settings(config)
    llm = llm_settings or load_llm_settings(config)
    backend = make_backend(llm)  # a missing model or API key stops here, before any work (BackendError)
    previous_week = shift_week(week, -1)

    loaded = load_cases(path, load_settings)
    cases = loaded.cases
    known = loaded.has_correct_rows
    in_week = cases["week"] == week
    in_previous = cases["week"] == previous_week
    week_cases = cases[in_week.fillna(False).astype(bool)]
    previous_cases = cases[in_previous.fillna(False).astype(bool)]
    sha = file_sha256(path)
    coverage = Coverage(path=str(path), sha256=sha, rows_read=loaded.rows_read, rows_loaded=len(cases),
                        rows_skipped=loaded.rows_skipped,
                        weeks_in_file=sorted(str(w) for w in cases["week"].dropna().unique()),
                        week_rows=len(week_cases), previous_week_rows=len(previous_cases))
    digest = Digest(week=week, week_dates=week_dates(week), previous_week=previous_week, window=weeks,
                    status="ok", headline="", match_threshold=match_threshold, top=top, coverage=coverage)
    result = DigestResult(exit_code=EXIT_OK, paths={}, digest=digest)

    if week_cases.empty:
        digest.status = "no data"
        digest.notes.append(f"No audited cases in {week} ({week_dates(week)}) in {path}. Weeks in the file: "
                            f"{', '.join(coverage.weeks_in_file) or 'none (no decided_at times)'}.")
        digest.headline = headline_text(digest)
        result.exit_code = EXIT_NO_DATA
        return _finish(result, workspace, out, webhook, digest_render)

    # runs: this week's window, and last week's when last week has data (no run where nothing was misjudged)
    def window_counts(window_of: list[str]) -> tuple[int, int]:
        chosen = cases[cases["week"].isin(window_of).fillna(False).astype(bool)]
        return len(chosen), int(chosen["misjudged"].sum())

    run_dir, run, previous_run = None, None, None
    rows, misjudged = window_counts(weeks)
    if misjudged:
        run_dir, run, result.runs_reused["current"] = run_for_window(path, workspace, weeks, settings, load_settings,
                                                                     sha, rows)
    else:
        digest.notes.append(f"No misjudged cases in {span(weeks)}: there are no error themes to find.")
    if previous_cases.empty:
        digest.notes.append(f"No previous week to compare with: {previous_week} has no audited cases in the file. "
                            "Themes are marked by their own weekly trend only.")
    elif run is not None:
        previous_weeks = window_weeks(previous_week, window)
        rows, misjudged = window_counts(previous_weeks)
        if misjudged:
            _, previous_run, result.runs_reused["previous"] = run_for_window(
                path, workspace, previous_weeks, settings, load_settings, sha, rows)
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
    current_rates = quality_metrics(week_cases, known).rates
    previous_rates = None
    if not previous_cases.empty:
        digest.last_week = week_figures(previous_week, previous_cases)
        previous_rates = quality_metrics(previous_cases, known).rates
    digest.metrics = rate_changes(current_rates, previous_rates)

    # themes, matched and ranked
    themes, gone = [], []
    if run is not None:
        themes, gone, _ = digest_themes(run, previous_run, week, previous_week, match_threshold)
    choose_detailed(themes, top)
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
        outcomes = Drafter(run_dir, store, backend, llm).draft_all(detailed)
        result.draft_outcomes = {k: sum(o.outcome == k for o in outcomes)
                                 for k in ("created", "reused", "skipped", "failed")}
        used = attach_drafts(themes, outcomes, store)
        digest.drafts_failed = [f"theme {o.theme_id} {o.kind}: {o.error}" for o in outcomes if o.outcome == "failed"]
    if previous_run is not None and gone:
        labels = {r.theme_id: r.content.name for r in reversed(
            store.list(run_id=previous_run.run_id, kind="label")) if r.content}
        for theme in gone:
            theme.label = labels.get(theme.theme_id)
    earlier = earlier_digests(workspace, week)
    digest.earlier_digests = sorted(earlier)
    digest.policies_accepted = accepted_policies(store, earlier)
    digest.waiting_for_review = waiting_drafts(store, run.run_id) if run is not None else []
    coverage.drafting_models = sorted({r.model for r in used})
    coverage.prompts = sorted({f"{r.prompt_name} v{r.prompt_version}" for r in used})

    digest.headline = headline_text(digest)
    if digest.drafts_failed:
        result.exit_code = EXIT_DRAFTS_FAILED
    return _finish(result, workspace, out, webhook, digest_render)


def _finish(result: DigestResult, workspace: Workspace, out: str | Path | None, webhook: str | None,
            digest_render) -> DigestResult:
    """Write the three files (and the workspace's record), then deliver; sets the exit code."""
    digest = result.digest
    target = Path(out) if out is not None else default_out(workspace, digest.week)
    texts = {"digest.md": digest_render.markdown(digest), "digest.html": digest_render.html(digest),
             "digest.json": digest.model_dump_json(indent=2) + "\n"}
    for name in DIGEST_FILES:
        write_atomic(target / name, texts[name])
        result.paths[name] = target / name
    record = default_out(workspace, digest.week)
    if record.resolve() != target.resolve():  # the workspace keeps every digest: the next one reads what it listed
        for name in DIGEST_FILES:
            write_atomic(record / name, texts[name])
        result.record = record
    if webhook:
        delivered, what = post_webhook(webhook, digest_render.slack_payload(digest, result.paths["digest.html"]))
        result.delivery = what
        if not delivered and result.exit_code != EXIT_NO_DATA:
            result.exit_code = EXIT_WEBHOOK_FAILED
    return result
