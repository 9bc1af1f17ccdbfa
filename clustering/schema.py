"""The case schema (docs/design.md §2): the fields a cases file may carry and the dtypes of the loaded frame.

The loaded frame has one row per audited decision and these columns (absent optional fields are
present as all-missing columns, so downstream code never checks for a column):

| column | dtype | notes |
| --- | --- | --- |
| case_id | string | unique, non-empty |
| ad_text, reviewer_note, landing_page_text | string | `<NA>` when empty or whitespace only |
| original_decision, final_decision | category (`approve`, `reject`) | normalised to lower case |
| error_type | category (`FN`, `FP`) | derived from the decisions; `<NA>` for correct rows |
| misjudged | bool | original_decision != final_decision |
| policy | string | non-empty |
| decision_source | category (`human`, `model`) | `<NA>` when not given |
| ad_id, advertiser_id, locale, queue, moderator_id | string | |
| model_score | float64 | `NaN` when not given |
| decided_at, audited_at | datetime64[ns, UTC] | `NaT` when not given |
| week | string | ISO week of `decided_at`, e.g. `2026-W45` |
| source_row | int64 | the row as the user sees it in the file (see `clustering.load`) |

Columns the schema does not know are kept after these, untouched; the analysis never reads them.
"""

from __future__ import annotations

from dataclasses import dataclass

DECISIONS = ("approve", "reject")
ERROR_TYPES = ("FN", "FP")
DECISION_SOURCES = ("human", "model")


@dataclass(frozen=True)
class Field:
    """One field of the case schema."""

    name: str
    kind: str  # "id", "text", "decision", "error_type", "source", "facet", "score", "time"
    required: bool
    meaning: str


FIELDS: tuple[Field, ...] = (
    Field("case_id", "id", True, "unique id of the audited decision"),
    Field("ad_text", "text", False, "headline and body text of the ad (untrusted input)"),
    Field("reviewer_note", "text", False, "QA reviewer's note on why the decision was wrong"),
    Field("original_decision", "decision", True, "`reject` or `approve`, by the model or moderator"),
    Field("final_decision", "decision", True, "`reject` or `approve`, QA's decision (ground truth)"),
    Field("policy", "facet", True, "policy label involved"),
    Field("landing_page_text", "text", False, "text of the landing page"),
    Field("error_type", "error_type", False, "`FP` / `FN`; derived from the decisions, checked when present"),
    Field("decision_source", "source", False, "`model` or `human`"),
    Field("ad_id", "facet", False, "the ad; the same ad judged twice feeds the inconsistency rate"),
    Field("advertiser_id", "facet", False, "the advertiser"),
    Field("locale", "facet", False, "market locale, e.g. de-DE"),
    Field("queue", "facet", False, "moderation queue"),
    Field("moderator_id", "facet", False, "moderator who decided (human decisions)"),
    Field("model_score", "score", False, "model confidence for model decisions"),
    Field("decided_at", "time", False, "when the decision was made; its ISO week is the case's week"),
    Field("audited_at", "time", False, "when QA audited the decision"),
)

FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in FIELDS)
REQUIRED: tuple[str, ...] = tuple(f.name for f in FIELDS if f.required)
TEXT_FIELDS: tuple[str, ...] = tuple(f.name for f in FIELDS if f.kind == "text")
ONE_OF_TEXT: tuple[str, ...] = ("ad_text", "reviewer_note")
TIME_FIELDS: tuple[str, ...] = tuple(f.name for f in FIELDS if f.kind == "time")
STRING_FIELDS: tuple[str, ...] = tuple(f.name for f in FIELDS if f.kind in ("id", "text", "facet"))
FACETS: tuple[str, ...] = ("policy", "locale", "queue", "decision_source", "week")
DERIVED: tuple[str, ...] = ("misjudged", "week", "source_row")

# Other names teams use for a field; used to suggest a column mapping, never applied silently.
KNOWN_ALIASES: dict[str, tuple[str, ...]] = {
    "case_id": ("id", "audit_id", "decision_id", "review_id", "case", "ticket_id"),
    "ad_text": ("ad", "text", "creative_text", "ad_copy", "headline", "body"),
    "reviewer_note": ("note", "qa_note", "qa_comment", "comment", "reason", "audit_note", "rationale"),
    "original_decision": ("decision", "initial_decision", "moderation_decision", "verdict"),
    "final_decision": ("qa_decision", "audit_decision", "ground_truth", "correct_decision", "label"),
    "policy": ("policy_label", "policy_name", "violation", "category"),
    "landing_page_text": ("landing_page", "lp_text", "lp"),
    "decision_source": ("source", "decided_by", "reviewer_type"),
    "moderator_id": ("moderator", "agent_id", "reviewer_id"),
    "decided_at": ("decision_time", "created_at", "timestamp", "date"),
    "audited_at": ("audit_time", "qa_time"),
}


def normalise_header(name: str) -> str:
    """Header spelling that is matched to field names: trimmed, lower case, spaces and dashes as `_`."""
    return "_".join(str(name).strip().lower().replace("-", " ").split())
