"""The offline drafter: writes the same structured drafts as an LLM, from the evidence pack alone, by rules.

Deterministic, needs no network, and clearly labelled (`offline-drafter/1`). It reads the figures and the QA
reviewers' notes of the pack; it never reads ad or landing-page text, so an ad that says "ignore your
instructions" cannot steer it.

Root cause: each category scores the share of the pack's notes that use its vocabulary, plus structural
signals: a model-decided FP-heavy theme points to model_overkill, a model-decided FN-heavy one to model_miss,
a concentrated locale (with notes that speak of markets) to locale_rule, ads judged differently by two
moderators to policy_ambiguity, errors concentrated on a few moderators (who decided at least half of the
theme's human decisions) to moderator_knowledge. The highest score wins; the reasons are written into the draft.
"""

from __future__ import annotations

import json

from assistant.config import LLMSettings
from assistant.drafting.backends.base import Generation
from assistant.drafting.evidence import EvidenceCase, EvidencePack
from assistant.drafting.redact import redact_text
from clustering.describe import MISSING

MODEL_ID = "offline-drafter/1"
CLOSE_RUNNER_UP = 0.2  # a runner-up category this close to the winner lowers confidence and is asked about
# errors "concentrate on a few moderators" when the over-represented ones decided at least this share of the
# theme's human decisions (one moderator with 4 of 28 is over-represented, not a concentration)
CONCENTRATED_SHARE = 0.5

VOCABULARY: dict[str, tuple[str, ...]] = {
    "policy_ambiguity": ("ambigu", "unclear", "vague", "doesn't define", "does not define", "not defined",
                         "no define", "down to taste", "two answers", "disagree", "inconsistent", "split 50",
                         "calibration", "where flirty ends", "judgement call", "judgment call", "borderline",
                         "interpret", "grey area", "gray area", "defines", "définit", "define"),
    "guideline_gap": ("gap", "not covered", "doesn't say", "does not say", "not mentioned", "no guidance",
                      "need guidance", "guideline update", "guidance for", "official line", "lists brand-name",
                      "add a ", "section", "lücke", "no rule", "not in the doc", "missing from the guideline"),
    "model_overkill": ("overkill", "over-trigger", "auto-reject", "keyword", "the word", "trigger",
                       "model rejected", "model flagged", "model team", "classifier treats"),
    "model_miss": ("model missed", "model approved", "low score", "model doesn't know", "model let",
                   "slipped", "not caught", "model passed", "approved by the model", "appr. by the model"),
    "moderator_knowledge": ("rule is clear", "coaching", "coached", "refresher", "training", "new mod",
                            "onboarding", "same reviewer", "keeps rejecting", "misapplied", "per policy",
                            "literally uses", "senior mod", "explicitly allow", "knowledge", "new starter"),
    "locale_rule": ("market", "country", "local rule", "germany", "japan", "france", "matrix", "region",
                    "jurisdiction", "markt", "marché", "pays", "país", "国", "uk ", "in the uk"),
    "missing_context": ("landing page", " lp", "lp ", "licen", "registration", "reg no", "regulator",
                        "authoris", "authoriz", "account created", "didn't open", "nobody opened", "footer",
                        "website", "on site"),
    "tooling": ("routing", "routed", "tagging", "mis-tag", "tag is wrong", "wrong tag", "classifier tag",
                "queue", "pipeline", "wrong policy", "tool"),
}
EXPLANATION = {
    "policy_ambiguity": "the policy text admits more than one reading, and moderators decide the same ads "
                        "differently",
    "guideline_gap": "the guideline does not cover these ads, so moderators and the model have no rule to apply",
    "model_overkill": "the model over-triggers on a pattern in these ads and rejects ads that do not violate",
    "model_miss": "the model misses a violating pattern in these ads and approves them",
    "moderator_knowledge": "the rule is clear, but some moderators apply it wrongly",
    "locale_rule": "a market-specific rule is not applied, or applied to the wrong market",
    "missing_context": "the decision needed context that was not looked at (landing page, licence, advertiser "
                       "history)",
    "tooling": "a tooling fault (tagging, routing or queue) sent these ads down the wrong path",
    "other": "no single cause stands out from the evidence",
}
ACTIONS = {
    "policy_ambiguity": [("Clarify the wording of the {policy} policy with allowed and not-allowed examples",
                          "Policy"),
                         ("Run a calibration session on the cited cases", "Moderation ops")],
    "guideline_gap": [("Add guidance for these ads to the {policy} guideline", "Policy"),
                      ("Brief moderators and the model team once the guidance is published", "Moderation ops")],
    "model_overkill": [("Add the cited cases as negatives to the {policy} model's evaluation and training data, "
                        "and review the patterns it triggers on", "Model team")],
    "model_miss": [("Add the cited cases as positives to the {policy} model's evaluation and training data",
                    "Model team"),
                   ("Send low-score {policy} ads to human review until the model is retrained", "Moderation ops")],
    "moderator_knowledge": [("Coach the moderators concerned on the {policy} rule, using the cited cases",
                             "Moderation ops"),
                            ("Add the cited cases to the {policy} training and quality checks", "Moderation ops")],
    "locale_rule": [("Show the market rule for {locale} next to {policy} ads in the review tool", "Product"),
                    ("Brief the moderators who review {locale} ads on the market rule", "Moderation ops")],
    "missing_context": [("Make the landing-page and licence check part of the {policy} review flow", "Product"),
                        ("State in the {policy} guideline which checks are required before approval", "Policy")],
    "tooling": [("Fix the tagging or routing that sends these ads to the {queue} queue", "Product")],
    "other": [("Review the cited cases with the {policy} policy owner", "Policy")],
}


def _note(case: EvidenceCase) -> str:
    return (case.reviewer_note or "").lower()


def _matches(pack: EvidencePack, category: str) -> list[EvidenceCase]:
    words = VOCABULARY[category]
    return [c for c in pack.cases if any(w in f" {_note(c)} " for w in words)]


def _top(pack: EvidencePack, facet: str) -> dict | None:
    values = [v for v in pack.facets.get(facet, []) if v["value"] != MISSING]
    return values[0] if values else None


def _share(counts: dict[str, int], key: str) -> float:
    total = sum(counts.values())
    return counts.get(key, 0) / total if total else 0.0


def score_root_causes(pack: EvidencePack) -> tuple[dict[str, float], dict[str, list[str]]]:
    """Score of each root-cause category, and the reasons behind each score."""
    scores: dict[str, float] = {}
    reasons: dict[str, list[str]] = {}
    n = max(len(pack.cases), 1)
    for category in VOCABULARY:
        hits = _matches(pack, category)
        scores[category] = len(hits) / n
        reasons[category] = ["reviewer notes use its vocabulary (e.g. " + ", ".join(c.case_id for c in hits[:3]) + ")"
                             ] if hits else []
    model, fp, fn = _share(pack.sources, "model"), _share(pack.error_types, "FP"), _share(pack.error_types, "FN")
    if model >= 0.6:
        scores["model_overkill"] += 0.6 * model * fp
        scores["model_miss"] += 0.6 * model * fn
        side = "model_overkill" if fp >= fn else "model_miss"
        kind = "FP" if fp >= fn else "FN"
        reasons[side].append(f"{pack.sources.get('model', 0)} of the {pack.size} cases were decided by the model, "
                             f"and {pack.error_types.get(kind, 0)} of the {pack.size} are {kind}")
    locale = _top(pack, "locale")
    if locale and locale["lift"] >= 3 and locale["share"] >= 0.35 and scores["locale_rule"] > 0:
        scores["locale_rule"] += 0.3
        reasons["locale_rule"].append(f"{locale['share']:.0%} of the cases are {locale['value']} "
                                      f"(lift {locale['lift']:.1f})")
    if pack.inconsistent_ads:
        k = len(pack.inconsistent_ads)
        scores["policy_ambiguity"] += 0.5 * min(1.0, k / 3)
        reasons["policy_ambiguity"].append(f"{pack.inconsistent_ads_total} ad(s) of the theme were judged "
                                           "differently by different moderators")
    moderators = [v for v in pack.facets.get("moderator_id", []) if v["value"] != MISSING]
    concentrated = [v for v in moderators if v["lift"] >= 3 and v["count"] >= 3]
    held = sum(v["count"] for v in concentrated) / max(pack.sources.get("human", 0), 1)
    if _share(pack.sources, "human") >= 0.7 and concentrated and held >= CONCENTRATED_SHARE:
        scores["moderator_knowledge"] += 0.3
        reasons["moderator_knowledge"].append("errors concentrate on a few moderators: " + ", ".join(
            f"{v['value']} ({v['count']} cases, lift {v['lift']:.1f})" for v in concentrated))
    return scores, reasons


def choose_root_cause(pack: EvidencePack, min_score: float) -> tuple[str, float, list[tuple[str, float]], list[str]]:
    """The winning category, its score, the ranking, and the winner's reasons ("other" below `min_score`)."""
    scores, reasons = score_root_causes(pack)
    ranking = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
    best, score = ranking[0]
    if score < min_score:
        return "other", score, ranking, ["no category reaches the minimum score"]
    return best, score, ranking, reasons[best]


def _ids(cases: list[EvidenceCase], k: int) -> list[str]:
    return [c.case_id for c in cases[:k]]


def _direction(pack: EvidencePack) -> str:
    fp, fn = pack.error_types.get("FP", 0), pack.error_types.get("FN", 0)
    if fp >= 2 * max(fn, 1) or (fp and not fn):
        return "FP"
    if fn >= 2 * max(fp, 1) or (fn and not fp):
        return "FN"
    return "mixed"


def _context(pack: EvidencePack) -> dict[str, str]:
    policy, locale, queue = _top(pack, "policy"), _top(pack, "locale"), _top(pack, "queue")
    return {"policy": policy["value"] if policy else "the", "locale": locale["value"] if locale else "these markets",
            "queue": queue["value"] if queue else "wrong"}


def label_draft(pack: EvidencePack, min_score: float) -> dict:
    """Theme label: policy, direction and the top keywords; one sentence on the likely cause."""
    ctx, direction = _context(pack), _direction(pack)
    what = {"FP": "good ads rejected", "FN": "bad ads approved", "mixed": "inconsistent decisions"}[direction]
    keywords = ", ".join(pack.keywords[:2]) or "mixed notes"
    name = f"{ctx['policy']} {what}: {keywords}"
    words = name.split()
    category, _, _, _ = choose_root_cause(pack, min_score)
    sentence = (f"{pack.size} misjudged cases, mostly {what} under {ctx['policy']}; likely cause: "
                f"{EXPLANATION[category]}.")
    return {"name": " ".join(words[:8]), "sentence": sentence, "cited_case_ids": _ids(pack.cases, 3)}


def rca_draft(pack: EvidencePack, min_score: float) -> dict:
    """RCA narrative from the figures, the notes' vocabulary and the facets."""
    ctx, direction = _context(pack), _direction(pack)
    category, score, ranking, reasons = choose_root_cause(pack, min_score)
    fp, fn = pack.error_types.get("FP", 0), pack.error_types.get("FN", 0)
    impact = {k: v for k, v in pack.impact_pp.items() if v is not None}
    impact_text = ", ".join(f"{k} {v:+.2f} pp" for k, v in impact.items()) or "not available (only misjudged rows)"
    evidence = [{
        "claim": f"The theme holds {pack.size} misjudged cases ({pack.share_of_misjudged:.1%} of all misjudged): "
                 f"{fp} FP and {fn} FN, {pack.sources.get('model', 0)} decided by the model and "
                 f"{pack.sources.get('human', 0)} by moderators.",
        "case_ids": _ids(pack.cases, 3),
        "figures": [str(pack.size), str(fp), str(fn)],
    }]
    matched = _matches(pack, category) if category in VOCABULARY else []
    if matched:
        evidence.append({"claim": f"Reviewer notes in these cases point to {category.replace('_', ' ')}.",
                         "case_ids": _ids(matched, 4), "figures": []})
    for item in pack.over_represented[:3]:
        facet, _, rest = item.partition("=")
        value = rest.split(" (")[0]
        members = [c for c in pack.cases if str(getattr(c, facet, "")) == value]
        if members:
            evidence.append({"claim": f"Over-represented: {item}.", "case_ids": _ids(members, 3), "figures": []})
    inconsistent = [i for a in pack.inconsistent_ads for i in a["case_ids"] if i in pack.case_ids()]
    if inconsistent:
        evidence.append({"claim": f"{pack.inconsistent_ads_total} ad(s) of the theme got different decisions from "
                                  "different moderators.", "case_ids": inconsistent[:4],
                         "figures": [str(pack.inconsistent_ads_total)]})
    weeks = list(pack.weekly.items())
    trend = f"{pack.trend} ({weeks[-1][0]}: {weeks[-1][1]} cases)" if weeks else pack.trend
    runner_up = ranking[1] if len(ranking) > 1 else None
    confidence = "high" if score >= 0.6 and (not runner_up or score - runner_up[1] >= CLOSE_RUNNER_UP) \
        and pack.size >= 20 \
        else "medium" if score >= 0.35 else "low"
    questions = [f"Do the cases beyond the {pack.sampled_cases} sampled here share this cause?"]
    if runner_up and runner_up[1] >= min_score and score - runner_up[1] < CLOSE_RUNNER_UP:
        # the signals behind the runner-up, not the rule's scores: a score is no figure of the evidence
        signals = score_root_causes(pack)[1][runner_up[0]]
        questions.append(f"Could the cause be {runner_up[0]} instead? The evidence points to it almost as strongly"
                         + (f": {'; '.join(signals)}." if signals else "."))
    return {
        "title": f"{ctx['policy']}: {category.replace('_', ' ')} behind {pack.size} "
                 f"{'overkill' if direction == 'FP' else 'missed' if direction == 'FN' else 'misjudged'} cases",
        "summary": f"{pack.size} misjudged {ctx['policy']} cases, trend {trend}. Most likely cause: "
                   f"{EXPLANATION[category]}. Fixing them would move {impact_text}.",
        "root_cause_category": category,
        "root_cause": f"{EXPLANATION[category].capitalize()}. Signals: {'; '.join(reasons) or 'none strong'}.",
        "evidence": evidence,
        "impact": f"If these cases had been decided correctly: {impact_text}.",
        "actions": [{"action": text.format(**ctx), "owner": owner} for text, owner in ACTIONS[category]],
        "confidence": confidence,
        "open_questions": questions,
    }


def policy_draft(pack: EvidencePack, min_score: float) -> dict:
    """Policy clarification: the ambiguity and wording from the theme's direction, keywords and QA notes."""
    ctx, direction = _context(pack), _direction(pack)
    topics = ", ".join(pack.keywords[:3]) or "these ads"
    top = _top(pack, "policy")
    # the examples of a policy's clarification are that policy's cases (a theme may hold a few of other policies)
    of_policy = [c for c in pack.cases if c.reviewer_note and (top is None or c.policy in (None, top["value"]))]
    allowed = [c for c in of_policy if c.error_type == "FP"]
    banned = [c for c in of_policy if c.error_type == "FN"]
    if direction == "FP":
        wording = (f"Ads about {topics} are not {ctx['policy']} violations by that alone. Reject them only when the "
                   f"ad itself shows what the {ctx['policy']} policy restricts; otherwise approve.")
        ambiguity = (f"Cases such as {', '.join(_ids(allowed, 3)) or 'these'} were rejected under {ctx['policy']} "
                     f"although QA found no violation: the policy is read as covering anything about {topics}.")
    elif direction == "FN":
        wording = (f"Ads about {topics} fall under the {ctx['policy']} policy even when they are presented as "
                   "harmless; apply its requirements to them and reject when they are not met.")
        ambiguity = (f"Cases such as {', '.join(_ids(banned, 3)) or 'these'} were approved although QA found a "
                     f"{ctx['policy']} violation: the policy is read as not covering {topics}.")
    else:
        wording = (f"State when ads about {topics} violate the {ctx['policy']} policy and when they do not, with the "
                   "examples below, so that moderators decide them the same way.")
        ambiguity = (f"The same kind of {ctx['policy']} ad was both wrongly rejected (e.g. "
                     f"{', '.join(_ids(allowed, 2))}) and wrongly approved (e.g. {', '.join(_ids(banned, 2))}).")
    allowed_examples = [f"As in case {c.case_id}: {redact_text(c.reviewer_note)}" for c in allowed[:3]] or [
        f"An ad about {topics} that shows nothing the {ctx['policy']} policy restricts."]
    banned_examples = [f"As in case {c.case_id}: {redact_text(c.reviewer_note)}" for c in banned[:3]] or [
        f"An ad about {topics} that shows what the {ctx['policy']} policy restricts."]
    return {
        "policy": ctx["policy"],
        "ambiguity": ambiguity,
        "proposed_wording": wording,
        "allowed_examples": allowed_examples,
        "disallowed_examples": banned_examples,
        "cited_case_ids": _ids(allowed[:3] + banned[:3], 6) or _ids(pack.cases, 3),
        "rationale": f"QA overturned {pack.size} decisions in this theme; clear wording on {topics} would let "
                     f"moderators and the model decide them as QA did. Impact if fixed: "
                     + (", ".join(f"{k} {v:+.2f} pp" for k, v in pack.impact_pp.items() if v is not None) or "n/a")
                     + ".",
    }


WRITERS = {"label": label_draft, "rca": rca_draft, "policy": policy_draft}


class OfflineDrafter:
    """The deterministic offline drafter (the default backend).

    min_score: a root-cause category scoring below it is reported as "other" (`LLMSettings.offline_min_score`).
    """

    model_id = MODEL_ID
    leaves_machine = False

    def __init__(self, min_score: float | None = None):
        self.min_score = LLMSettings().offline_min_score if min_score is None else min_score

    def generate(self, kind: str, pack: EvidencePack, messages: list[dict[str, str]]) -> Generation:
        return Generation(text=json.dumps(WRITERS[kind](pack, self.min_score), ensure_ascii=False), model=MODEL_ID)
