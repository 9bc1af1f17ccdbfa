"""Personal data is redacted before evidence leaves the machine."""

from __future__ import annotations

import pytest

from assistant.drafting.redact import redact_text


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
