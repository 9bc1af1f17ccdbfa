"""Personal data is redacted before evidence leaves the machine: texts, evidence packs, and the requests an
endpoint receives."""

from __future__ import annotations

import json
import re
import shutil

import pandas as pd
import pytest
from drafting_helpers import (
    drafter,
    evidence_block,
    no_key,  # noqa: F401 - an autouse fixture: no API key in the environment
    responder,
    settings,
)

from assistant.config import LLMSettings
from assistant.drafting.evidence import AD_CHARS, EvidenceCase, build_pack, pack_json
from assistant.drafting.redact import redact_pack, redact_text
from assistant.workspace.runs import load_run
from assistant.workspace.store import DraftStore
from devtools.llm_server import ReceivedRequest

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"\+1 555 0\d+|\+44 20 7946 \d+")
MODERATOR = re.compile(r"mod_\d+", re.IGNORECASE)


@pytest.mark.parametrize("text,expected", [
    ("Discussed with Tom Becker (team lead).", "Discussed with [NAME] (team lead)."),
    ("moderator Kevin O'Brien confirmed it", "moderator [NAME] confirmed it"),
    ("per Jane Smith's call in calibration", "per [NAME] call in calibration"),
    ("Owner: Peter Novak, peter.novak@example.com, +1 555 0199", "Owner: [NAME], [EMAIL], [PHONE]"),
    ("coached by Lucía Fernández, call back on +1 555 0178", "coached by [NAME], call back on [PHONE]"),
    ("Call +44 20 7946 0321 now", "Call [PHONE] now"),
    ("approved by the model with score 0.97 at 1299.99", "approved by the model with score 0.97 at 1299.99"),
    ("0.0% beer, 20% off", "0.0% beer, 20% off"),
])
def test_redact_text(text, expected):
    assert redact_text(text) == expected


def test_moderator_ids_become_stable_pseudonyms():
    names: dict[str, str] = {}
    assert redact_text("mod_017 again; mod_3 too; MOD_017", names) == "moderator A again; moderator B too; moderator A"


def test_redact_pack_replaces_emails_phones_names_and_moderators(drafting_run):
    _, run, cases, _, theme = drafting_run
    pack = build_pack(run, cases, theme)
    pack.cases[0].reviewer_note = "per Jane Smith's call; advertiser is jane.smith@corp.example.com"
    pack.cases[0].ad_text = "Call +1 555 0142 or +44 20 7946 0958 today"
    pack.cases[0].moderator_id = "mod_007"
    pack.cases[1].reviewer_note = "same as mod_007 last week, see also mod_999"
    pack.contrasts[0].cases.append(EvidenceCase(case_id="C1", moderator_id="mod_007", ad_text="x@y.org"))
    redacted = redact_pack(pack)

    text = pack_json(redacted)
    assert not EMAIL.search(text) and not PHONE.search(text) and not MODERATOR.search(text)
    assert "Jane Smith" not in text
    assert re.fullmatch(r"per \[NAME\](?:'s)? call; advertiser is \[EMAIL\]", redacted.cases[0].reviewer_note)
    assert redacted.cases[0].ad_text == "Call [PHONE] or [PHONE] today"
    pseudonym = redacted.cases[0].moderator_id
    assert pseudonym.startswith("moderator ")
    assert redacted.cases[1].reviewer_note.startswith(f"same as {pseudonym} last week")  # stable pseudonym
    assert redacted.contrasts[0].cases[-1].moderator_id == pseudonym
    assert pack.cases[0].moderator_id == "mod_007"  # the original is untouched

def _pii_themes(run, cases) -> tuple[list[str], bool]:
    """Themes whose evidence holds an email or a phone number (at most two), and whether a phone is among them."""
    chosen, phone = [], False
    for theme in sorted(run.themes, key=lambda t: t.rank):
        text = pack_json(build_pack(run, cases, theme.theme_id, LLMSettings()))
        if PHONE.search(text) and not phone:
            chosen.append(theme.theme_id)
            phone = True
        elif EMAIL.search(text) and not chosen:
            chosen.append(theme.theme_id)
    return chosen[:2], phone

def test_requests_carry_no_personal_data_when_redacting(llm_server, drafting_run, tmp_path):
    run_dir, run, cases, members, _ = drafting_run
    themes, phone = _pii_themes(run, cases)
    assert themes, "the small demo run's evidence holds no email or phone number"
    llm_server.responder = responder(members)
    store = DraftStore(tmp_path / "drafts.sqlite")
    outcomes = drafter(run_dir, store, settings(llm_server, redact="always")).draft_all(themes, ("label", "rca"))

    assert [o.outcome for o in outcomes] == ["created"] * len(outcomes)
    assert llm_server.request_count == len(outcomes)
    for request in llm_server.requests:
        sent = request.raw + json.dumps(request.body, ensure_ascii=False)
        assert not EMAIL.search(sent), EMAIL.search(sent).group(0)
        assert not PHONE.search(sent), PHONE.search(sent).group(0)
        assert not MODERATOR.search(sent), MODERATOR.search(sent).group(0)
    everything = "".join(r.content("user") for r in llm_server.requests)
    assert "[EMAIL]" in everything
    assert "moderator A" in everything
    if phone:
        assert "[PHONE]" in everything
    for outcome in outcomes:
        row = store.get(outcome.draft_id)
        assert "personal data was redacted before the endpoint saw the evidence" in row.flags
        stored = json.dumps(row.evidence, ensure_ascii=False)
        assert not EMAIL.search(stored) and not MODERATOR.search(stored)

def _run_with(run_dir, run, theme: str, folder, **columns):
    """A copy of the run folder in which the first representative case of `theme` has `columns` changed."""
    copy = shutil.copytree(run_dir, folder)
    cases = pd.read_parquet(copy / "cases.parquet")
    representative = next(t for t in run.themes if t.theme_id == theme).representatives[0].case_id
    for column, value in columns.items():
        cases.loc[cases["case_id"].astype(str) == representative, column] = value
    cases.to_parquet(copy / "cases.parquet", index=False)
    return copy, representative

def _draft_one_label_redacted(server, folder, members, theme, tmp_path) -> tuple[ReceivedRequest, list[dict]]:
    """Draft the label of `theme` from a run folder with redaction on; the one request and its evidence's cases."""
    server.responder = responder(members)
    store = DraftStore(tmp_path / "drafts.sqlite")
    (outcome,) = drafter(folder, store, settings(server, redact="always")).draft_all([theme], ("label",))
    if outcome.outcome != "created":
        pytest.fail(f"drafting failed: {outcome.error}")
    (request,) = server.requests
    return request, json.loads(evidence_block(request.content("user")))["cases"]

def test_injected_personal_data_is_redacted_end_to_end(llm_server, drafting_run, tmp_path):
    run_dir, run, _, members, theme = drafting_run
    note = "per Jane Smith's call; write to jane.smith@corp.example.com or +44 20 7946 0555"
    copy, representative = _run_with(run_dir, run, theme, tmp_path / "run", reviewer_note=note)
    request, cases = _draft_one_label_redacted(llm_server, copy, members, theme, tmp_path)

    assert "jane.smith" not in request.raw and "Jane Smith" not in request.raw and "7946" not in request.raw
    (sent,) = [c for c in cases if c["case_id"] == representative]
    assert re.fullmatch(r"per \[NAME\](?:'s)? call; write to \[EMAIL\] or \[PHONE\]", sent["reviewer_note"])

def test_phone_number_at_the_end_of_a_sentence_is_redacted(llm_server, drafting_run, tmp_path):
    run_dir, run, _, members, theme = drafting_run
    copy, representative = _run_with(run_dir, run, theme, tmp_path / "run",
                                     reviewer_note="coached by the lead, call back on +1 555 0178.",
                                     ad_text="Questions? Call our adviser on +44 20 7946 0117.")
    request, cases = _draft_one_label_redacted(llm_server, copy, members, theme, tmp_path)

    (sent,) = [c for c in cases if c["case_id"] == representative]
    assert "0178" not in request.raw and "0117" not in request.raw, (sent["reviewer_note"], sent["ad_text"])

def test_email_cut_by_trimming_is_redacted(llm_server, drafting_run, tmp_path):
    run_dir, run, cases, members, theme = drafting_run
    kept = AD_CHARS - 1  # `_trim` keeps this many characters, then adds "…"
    ad_text = "x" * (kept - len(" maria.gomez@example.")) + " maria.gomez@example.com"  # cut after "example."
    copy, representative = _run_with(run_dir, run, theme, tmp_path / "run", ad_text=ad_text)
    trimmed = build_pack(*load_run(copy), theme, LLMSettings()).cases[0]
    if not (trimmed.case_id == representative and trimmed.ad_text.endswith(" maria.gomez@example.…")):
        pytest.fail(f"the set-up did not cut the address: {trimmed.case_id} {trimmed.ad_text[-40:]!r}")
    request, _ = _draft_one_label_redacted(llm_server, copy, members, theme, tmp_path)

    assert "maria.gomez" not in request.raw

def test_local_endpoint_is_not_redacted_by_default(llm_server, drafting_run, tmp_path):
    run_dir, run, cases, members, _ = drafting_run
    themes, _ = _pii_themes(run, cases)
    llm_server.responder = responder(members)
    store = DraftStore(tmp_path / "drafts.sqlite")
    (outcome,) = drafter(run_dir, store, settings(llm_server)).draft_all(themes[:1], ("label",))

    assert outcome.outcome == "created"
    assert EMAIL.search(llm_server.requests[0].content("user")) or PHONE.search(llm_server.requests[0].content("user"))
    assert not any("redacted" in flag for flag in store.get(outcome.draft_id).flags)
