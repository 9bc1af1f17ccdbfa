"""The digest as data: what `digest.json` holds and what the Markdown and HTML renderings show.

`Digest` holds every figure, status and drafted text of one week's digest, with where it comes from
(`Coverage`, `DraftRef`): `assistant.digest.build` fills it, `assistant.digest.render` only shows it (through
the display values of `assistant.digest.view`). `DigestResult` is what writing a digest did: files, exit code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, Field

from clustering.effect import Effect
from clustering.metrics import Rate
from clustering.settings import StatsSettings
from clustering.theme_model import WeekCount

DIGEST_SCHEMA_VERSION = 1


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
    registry_id: str | None = Field(None, description="the theme registry's id of this theme (kept across runs)")
    registry_name: str | None = Field(None, description="the analyst's name of it, shown in place of the label")
    drafted_name: str | None = Field(None, description="its label draft's name in the run (accepted, then edited, "
                                                       "then newest), for a theme the digest did not detail")
    draft_errors: list[str] = Field(default_factory=list)


class DigestParent(BaseModel):
    """A parent theme of this week's run: themes close to each other, grouped (`clustering.hierarchy`)."""

    theme_id: str
    level: int = 1
    children: list[str] = Field(description="the themes (level 1) or parents (level 2) it groups")
    theme_ids: list[str] = Field(description="every theme under it")
    size: int
    this_week: int
    impact_pp: dict[str, float | None]
    error_types: dict[str, int]
    keywords: list[str]
    label: str | None = Field(None, description="its drafted (or edited) name, when drafted")


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


class FixItem(BaseModel):
    """A registry theme with an action, and whether its share of audited decisions moved after the action."""

    theme_id: str
    name: str
    status: str | None
    owner: str | None
    action_date: str
    action_kind: str
    action_text: str
    verdict: str | None = Field(None, description="fixed | no change yet | worse; None without a run holding it")
    effect: Effect | None = None
    denominator: str = "audited decisions"
    run_id: str | None = None


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
    match_threshold: float | None = Field(
        None, description="the centroid cosine from which a theme was last week's theme (the run's same-theme bar, "
                          "or --match-threshold); None when there was no run to match")
    related_threshold: float | None = Field(
        None, description="the centroid cosine from which an unmatched theme is 'likely split from' (or a gone one "
                          "'likely merged into') a matched one: the parent themes' cut; None: the match threshold")
    top: int = Field(description="themes shown in full by impact (new and growing ones are added)")
    noise_p: float = Field(StatsSettings.model_fields["noise_p"].default,
                           description="the p-value below which a change is beyond noise (the settings' stats.noise_p)")
    status_counts: dict[str, int] = Field(default_factory=dict)
    themes: list[DigestTheme] = Field(default_factory=list)
    gone: list[GoneTheme] = Field(default_factory=list)
    parents: list[DigestParent] = Field(default_factory=list, description="parent themes; none in older digests")
    earlier_digests: list[str] = Field(default_factory=list)
    policies_accepted: list[PolicyItem] = Field(default_factory=list)
    fixes: list[FixItem] = Field(default_factory=list, description="registry themes with an action: did it work?")
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
        lines = [self.digest.headline]
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
