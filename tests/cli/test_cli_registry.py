"""`themes status|rename|mark|merge|action|history` on a workspace, and an accepted policy clarification becoming an
action on its registry theme."""


import re

import pytest
from cli_helpers import copied_workspace, in_process

from assistant.views.drafts import theme_labels
from assistant.workspace.registry import Registry
from assistant.workspace.store import DraftStore


@pytest.fixture
def workspace(drafted_workspace, tmp_path):
    """A copy of the drafted small demo run; its registry is empty until a command syncs the run."""
    return copied_workspace(drafted_workspace, tmp_path / "ws")


cli = in_process


def test_status_syncs_the_runs_and_lists_every_registry_theme(workspace, capsys):
    code, out, _ = cli(capsys, "themes", "status", "--workspace", str(workspace.root))
    registry = Registry(workspace.store_path)
    themes = registry.themes()
    assert code == 0 and themes and all(t.theme_id in out for t in themes)
    assert "did it work?" in out
    # synced before the drafts existed, the registry holds keywords; status shows the drafted label instead
    run_id = workspace.run_ids()[-1]
    labels = theme_labels(DraftStore(workspace.store_path).list(run_id=run_id, kind="label"))
    first = next(t for t, k in registry.linked(run_id).items() if k.theme_id == "K1")
    row = next(line for line in out.splitlines() if line.startswith("K1 "))
    assert labels[first] in row and registry.get("K1").label not in row


def test_the_analyst_name_beats_the_drafted_label_in_drafts_list_and_tree(workspace, capsys):
    ws = str(workspace.root)
    cli(capsys, "themes", "status", "--workspace", ws)
    run_id = workspace.run_ids()[-1]
    theme = next(t for t, k in Registry(workspace.store_path).linked(run_id).items() if k.theme_id == "K2")
    cli(capsys, "themes", "rename", "K2", "Named by ana", "--who", "ana", "--workspace", ws)
    _, out, _ = cli(capsys, "drafts", "list", "--workspace", ws, "--theme", theme)
    rows = out.splitlines()[2:]
    assert rows and all(line.split()[2] == theme and "Named by ana" in line for line in rows)
    _, out, _ = cli(capsys, "tree", "latest", "--workspace", ws)
    assert f"{theme} Named by ana  " in out


def test_rename_mark_and_a_stale_change_refused_with_the_newer_state(workspace, capsys):
    ws = str(workspace.root)
    cli(capsys, "themes", "status", "--workspace", ws)
    version = Registry(workspace.store_path).get("K1").version
    code, out, _ = cli(capsys, "themes", "mark", "K1", "--status", "investigating", "--owner", "bo", "--who", "bo",
                       "--based-on", str(version), "--workspace", ws)
    assert code == 0 and "investigating" in out
    code, _, err = cli(capsys, "themes", "rename", "K1", "Fitness ads rejected", "--who", "ana", "--based-on",
                       str(version), "--workspace", ws)
    assert code == 2 and "changed since version" in err and "owner bo" in err
    code, out, _ = cli(capsys, "themes", "rename", "K1", "Fitness ads rejected", "--who", "ana", "--workspace", ws)
    assert code == 0
    _, out, _ = cli(capsys, "themes", "status", "--workspace", ws)
    assert "Fitness ads rejected" in out and "investigating" in out
    _, out, _ = cli(capsys, "themes", "history", "K1", "--workspace", ws)
    assert "renamed" in out and "marked" in out and "ana" in out


def test_an_action_gets_a_verdict_with_numbers(workspace, capsys):
    ws = str(workspace.root)
    cli(capsys, "themes", "status", "--workspace", ws)
    code, out, _ = cli(capsys, "themes", "action", "K1", "--kind", "moderator training", "--text", "briefing",
                       "--date", "2026-11-02", "--who", "ana", "--workspace", ws)
    assert code == 0 and "moderator training" in out
    _, out, _ = cli(capsys, "themes", "status", "--workspace", ws)
    row = next(line for line in out.splitlines() if line.startswith("K1 "))
    assert "2026-11-02 moderator training: briefing" in row
    assert any(v in row for v in ("fixed:", "no change yet:", "worse:")) and "of audited decisions" in row
    assert " pp" in row and "95% CI" in row


def test_the_verdict_follows_the_stats_settings_of_the_environment(workspace, capsys, monkeypatch):
    ws = str(workspace.root)
    cli(capsys, "themes", "status", "--workspace", ws)
    cli(capsys, "themes", "action", "K1", "--kind", "moderator training", "--text", "briefing", "--date", "2026-11-02",
        "--who", "ana", "--workspace", ws)

    def k1_row() -> str:
        _, out, _ = cli(capsys, "themes", "status", "--workspace", ws)
        return next(line for line in out.splitlines() if line.startswith("K1 "))

    p_value = float(re.search(r" p=([0-9.]+)\)", k1_row()).group(1))
    assert 0.001 < p_value < 0.999
    monkeypatch.setenv("ERROR_THEMES_STATS__NOISE_P", f"{p_value / 2}")  # the change is within this noise
    monkeypatch.setenv("ERROR_THEMES_STATS__EFFECT_CONFIDENCE", "0.99")
    row = k1_row()
    assert "no change yet:" in row and "99% CI" in row
    monkeypatch.setenv("ERROR_THEMES_STATS__NOISE_P", f"{(p_value + 1) / 2}")  # and beyond this one
    row = k1_row()
    assert re.search(r" (fixed|worse): ", row) and "no change yet" not in row


def test_merge_leaves_one_theme(workspace, capsys):
    ws = str(workspace.root)
    cli(capsys, "themes", "status", "--workspace", ws)
    code, out, _ = cli(capsys, "themes", "merge", "K1", "K2", "--who", "ana", "--workspace", ws)
    assert code == 0 and "K1" in out
    assert "K2" not in {t.theme_id for t in Registry(workspace.store_path).themes()}


def test_an_accepted_policy_clarification_is_an_action_on_its_theme(workspace, capsys):
    cli(capsys, "themes", "status", "--workspace", str(workspace.root))
    policy = next(r for r in DraftStore(workspace.store_path).list(kind="policy") if r.content is not None)
    code, _, _ = cli(capsys, "drafts", "accept", str(policy.draft_id), "--reviewer", "ana", "--workspace",
                     str(workspace.root))
    assert code == 0
    registry = Registry(workspace.store_path)
    theme_id = next(k.theme_id for k in registry.links(policy.run_id) if k.run_theme_id == policy.theme_id)
    actions = registry.actions(theme_id)
    assert [(a.kind, a.who, a.draft_id) for a in actions] == [("policy clarification", "ana", policy.draft_id)]
    assert policy.content.policy in actions[0].text


def test_mark_changes_only_what_it_is_given(workspace, capsys):
    ws = ["--workspace", str(workspace.root)]
    cli(capsys, "themes", "status", *ws)
    code, out, _ = cli(capsys, "themes", "mark", "K1", "--status", "investigating", "--owner", "Policy EU",
                       "--who", "ana", *ws)
    assert code == 0 and "known, investigating, owner Policy EU" in out
    code, out, _ = cli(capsys, "themes", "mark", "K1", "--status", "fixed", "--who", "ana", *ws)
    assert code == 0 and "known, fixed, owner Policy EU" in out  # the owner is kept
    code, out, _ = cli(capsys, "themes", "mark", "K1", "--owner", "Trust team", "--who", "bo", *ws)
    assert code == 0 and "known, fixed, owner Trust team" in out  # the status is kept, not reset to new
    theme = Registry(workspace.store_path).get("K1")
    assert (theme.known, theme.status, theme.owner) == (True, "fixed", "Trust team")
    code, out, _ = cli(capsys, "themes", "mark", "K1", "--unknown", "--who", "bo", *ws)
    assert code == 0 and "not known" in out
    theme = Registry(workspace.store_path).get("K1")
    assert (theme.known, theme.status, theme.owner) == (False, "fixed", "Trust team")
    code, out, _ = cli(capsys, "themes", "mark", "K1", "--owner", "", "--who", "bo", *ws)
    assert code == 0 and "known, fixed, owner -" in out  # an empty owner clears it, and marks it known again
    # the history records what each mark changed, and only that
    details = [h["detail"] for h in Registry(workspace.store_path).history("K1") if h["action"] == "marked"]
    assert details == [{"known": 1, "owner": "Policy EU", "status": "investigating"}, {"known": 1, "status": "fixed"},
                       {"known": 1, "owner": "Trust team"}, {"known": 0}, {"known": 1, "owner": None}]
    # a theme marked known for the first time with no status is new
    code, out, _ = cli(capsys, "themes", "mark", "K2", "--owner", "bo", "--who", "bo", *ws)
    assert code == 0 and "known, new, owner bo" in out


def test_a_merge_keeps_the_status_and_owner_of_the_theme_merged_in(workspace, capsys):
    ws = ["--workspace", str(workspace.root)]
    cli(capsys, "themes", "status", *ws)
    cli(capsys, "themes", "mark", "K2", "--status", "investigating", "--owner", "Policy EU", "--who", "ana", *ws)
    code, out, _ = cli(capsys, "themes", "merge", "K1", "K2", "--who", "ana", *ws)
    assert code == 0 and "known, investigating, owner Policy EU" in out
    cli(capsys, "themes", "mark", "K3", "--status", "fixed", "--owner", "bo", "--who", "ana", *ws)
    code, out, _ = cli(capsys, "themes", "merge", "K1", "K3", "--who", "ana", *ws)
    assert "known, investigating, owner Policy EU" in out  # keep's own status and owner win


def test_history_of_an_unknown_theme_is_refused(workspace, capsys):
    ws = ["--workspace", str(workspace.root)]
    cli(capsys, "themes", "status", *ws)
    code, out, err = cli(capsys, "themes", "history", "K999", *ws)
    assert code == 2 and out == "" and "no registry theme K999" in err


def test_names_and_notes_have_a_limit_and_a_megabyte_is_refused(workspace, capsys):
    from assistant.config import MAX_NAME_CHARS, MAX_NOTE_CHARS

    ws = ["--workspace", str(workspace.root)]
    cli(capsys, "themes", "status", *ws)
    draft = next(r for r in DraftStore(workspace.store_path).list(kind="label") if r.content is not None)
    megabyte = "x" * 1_000_000
    too_long = [
        (["themes", "rename", "K1", megabyte, "--who", "ana"], "the name is 1,000,000 characters long"),
        (["themes", "rename", "K1", "n" * (MAX_NAME_CHARS + 1), "--who", "ana"], f"at most {MAX_NAME_CHARS}"),
        (["themes", "rename", "K1", "Beer", "--who", megabyte], "the name of who made the change"),
        (["themes", "mark", "K1", "--owner", megabyte, "--who", "ana"], "the owner is 1,000,000"),
        (["themes", "action", "K1", "--kind", "other", "--text", "t" * (MAX_NOTE_CHARS + 1), "--who", "ana"],
         f"at most {MAX_NOTE_CHARS:,}"),
        (["drafts", "accept", str(draft.draft_id), "--reviewer", megabyte], "the reviewer's name"),
        (["drafts", "reject", str(draft.draft_id), "--reviewer", "ana", "--comment", megabyte], "the comment"),
    ]
    for argv, message in too_long:
        code, out, err = cli(capsys, *argv, *ws)
        assert code == 2 and message in err and "Nothing was changed" in err, (argv[:2], err[:300])
        assert len(err) < 1000
    assert [h["action"] for h in Registry(workspace.store_path).history("K1")] == ["created"]
    assert DraftStore(workspace.store_path).get(draft.draft_id).status == draft.status
    # at the limit it is kept, and the status table stays a table
    code, _, _ = cli(capsys, "themes", "rename", "K1", "n" * MAX_NAME_CHARS, "--who", "ana", *ws)
    assert code == 0
    code, _, _ = cli(capsys, "themes", "action", "K1", "--kind", "other", "--text", "t" * MAX_NOTE_CHARS,
                     "--who", "ana", *ws)
    assert code == 0
    _, out, _ = cli(capsys, "themes", "status", *ws)
    assert max(map(len, out.splitlines())) < MAX_NAME_CHARS + 400  # the action cut to its column


def test_an_accepted_clarification_longer_than_a_note_is_cut_in_its_action(workspace, capsys):
    from assistant.config import MAX_NOTE_CHARS

    ws = ["--workspace", str(workspace.root)]
    cli(capsys, "themes", "status", *ws)
    store = DraftStore(workspace.store_path)
    policy = next(r for r in store.list(kind="policy") if r.content is not None)
    long = policy.content.model_dump() | {"proposed_wording": "w" * (MAX_NOTE_CHARS + 500)}
    store.edit(policy.draft_id, long, "ana")
    code, _, err = cli(capsys, "drafts", "accept", str(policy.draft_id), "--reviewer", "ana", *ws)
    assert code == 0, err
    action = next(a for a in Registry(workspace.store_path).actions() if a.draft_id == policy.draft_id)
    assert len(action.text) == MAX_NOTE_CHARS and action.text.endswith("…")
    assert store.get(policy.draft_id).content.proposed_wording == "w" * (MAX_NOTE_CHARS + 500)  # kept whole


def test_an_action_without_text_is_refused(workspace, capsys):
    ws = ["--workspace", str(workspace.root)]
    cli(capsys, "themes", "status", *ws)
    code, _, err = cli(capsys, "themes", "action", "K1", "--kind", "other", "--text", "  ", "--who", "ana", *ws)
    assert code == 2 and "needs a text" in err
    assert Registry(workspace.store_path).actions("K1") == []
