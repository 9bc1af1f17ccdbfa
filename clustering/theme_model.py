"""The typed result of a theme run, saved as `themes.json` (versioned schema)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from clustering.settings import ThemeSettings

THEMES_SCHEMA_VERSION = 1


class Keyword(BaseModel):
    term: str
    score: float


class FacetValue(BaseModel):
    """A facet value inside a theme: count, share of the theme, lift against all misjudged cases."""

    value: str
    count: int
    share: float
    lift: float
    over_represented: bool


class Representative(BaseModel):
    """A case chosen near the theme's centre and unlike the other representatives."""

    case_id: str
    similarity: float
    error_type: str | None
    policy: str | None
    locale: str | None
    decision_source: str | None
    reviewer_note: str | None
    ad_text: str | None


class WeekCount(BaseModel):
    week: str
    count: int


class InconsistentAd(BaseModel):
    """An ad of the theme judged more than once with different judgments."""

    ad_id: str
    case_ids: list[str]
    decisions: list[str]
    moderators: list[str | None]
    final_decision: str | None


class Theme(BaseModel):
    """One error theme, described by its own data."""

    theme_id: str
    rank: int
    size: int
    share_of_misjudged: float
    attached: int = Field(0, description="members added by the attach step (flagged in cases.parquet)")
    cohesion: float = Field(description="mean cosine similarity of members to the centre")
    keywords: list[Keyword]
    representatives: list[Representative]
    error_types: dict[str, int]
    sources: dict[str, int]
    facets: dict[str, list[FacetValue]]
    impact_pp: dict[str, float | None]
    weekly: list[WeekCount]
    last_week_change: int | None
    trend: str
    inconsistent_ads: list[InconsistentAd] = Field(description="the first ones by ad id (at most 10)")
    inconsistent_ads_total: int | None = Field(None, description="all ads of the theme judged inconsistently "
                                                                 "(None in runs saved before it was counted)")
    centroid: list[float]
    known_id: str | None = Field(None, description="the known (registry) theme whose cases were assigned to it first")


class ParentTheme(Theme):
    """A parent theme: a group of themes (or, at level 2, of parents) described like a theme from the union of its
    members' cases (keywords, representatives, facets, impact, trend). `theme_id` is `P01`, `P02`, ..."""

    level: int = Field(1, description="1: a parent of themes; 2: a grandparent (a parent of parents)")
    children: list[str] = Field(description="ids of the themes (level 1) or parents (level 2) it groups")
    theme_ids: list[str] = Field(description="ids of every theme under it")


class InputInfo(BaseModel):
    path: str
    sha256: str
    rows_read: int
    rows_loaded: int
    rows_skipped: int
    misjudged: int
    has_correct_rows: bool
    week: str | None = None
    weeks: list[str] = Field(default_factory=list, description="the ISO weeks analysed; empty = all")


class RunIdentity(BaseModel):
    """Which run a `ThemeRun` is: its id and time, its input, settings and embedding model."""

    schema_version: int = THEMES_SCHEMA_VERSION
    run_id: str
    created_at: str
    input: InputInfo
    settings: ThemeSettings
    embedding_model: str
    model_choice: str | None = Field(
        None, description="embed.model auto: the model this run's file was given and why (None: the model was set)")


class RunFindings(BaseModel):
    """What the analysis of a run's cases found (`clustering.themes.find_themes`), as the run saves it. Declared
    once, here: `clustering.themes.ThemeResult` carries these fields and `ThemeRun` saves them (`ThemeRun.of`)."""

    min_cluster_size: int
    umap_neighbors: int | None = Field(
        None, description="UMAP's neighbourhood for the clustering space, which grows with the data (None: the EVoC "
                          "backend, or a run made before it was recorded)")
    unthemed: int
    attached: int
    hdbscan_members: int
    timings_s: dict[str, float]
    embed_stats: dict[str, int]
    reduction_cached: bool = False
    warnings: list[str] = Field(default_factory=list, description="what the reader of the themes must know, e.g. "
                                                                  "that they follow the language of the cases")
    themes: list[Theme]
    parents: list[ParentTheme] = Field(
        default_factory=list, description="parent themes (clustering.hierarchy); empty in runs made before them")


class ThemeRun(RunFindings, RunIdentity):
    """Everything `themes.json` holds about one run: which run it is, then what it found. (pydantic orders the fields
    base by base from the last base: `RunIdentity`'s come first in the file.)"""

    @classmethod
    def of(cls, identity: RunIdentity, findings: RunFindings) -> ThemeRun:
        """The run `identity` of these `findings` (a `ThemeResult` is one: only its findings' fields are taken)."""
        return cls(**{name: getattr(identity, name) for name in RunIdentity.model_fields},
                   **{name: getattr(findings, name) for name in RunFindings.model_fields})


def inconsistent_total(theme: Theme) -> int:
    """How many ads of the theme were judged inconsistently (the listed ones in runs saved before the count)."""
    return len(theme.inconsistent_ads) if theme.inconsistent_ads_total is None else theme.inconsistent_ads_total
