"""Redaction against the forms personal data takes in ad texts and notes: phone numbers in every usual notation,
addresses hidden with Unicode tricks or spelled out, and what must stay (years, dates, amounts, ids)."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from assistant.drafting.redact import Redactor, names_of, redact_text

SEPARATORS = st.sampled_from([" ", "-", ".", "/", " / ", ""])
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad"


def _digits(n: int, first: str = "0123456789") -> st.SearchStrategy[str]:
    return st.tuples(st.sampled_from(first), st.text("0123456789", min_size=n - 1, max_size=n - 1)).map("".join)


def _grouped(digits: str, cuts: list[int], sep: str) -> str:
    parts, start = [], 0
    for cut in sorted(set(c for c in cuts if 0 < c < len(digits))):
        parts.append(digits[start:cut])
        start = cut
    return sep.join([*parts, digits[start:]])


@st.composite
def phone_numbers(draw) -> str:
    """A phone number as people write them: national with a trunk 0, international with + or 00, or US style."""
    style = draw(st.sampled_from(["national", "international", "us"]))
    if style == "us":
        area, exchange, line = draw(_digits(3, "23456789")), draw(_digits(3, "23456789")), draw(_digits(4))
        form = draw(st.sampled_from(["({a}) {e}-{l}", "{a}.{e}.{l}", "{a}-{e}-{l}", "+1 {a} {e} {l}",
                                     "+1 ({a}) {e}-{l}", "1-{a}-{e}-{l}"]))
        return form.format(a=area, e=exchange, l=line)
    area = draw(st.integers(1, 4).flatmap(lambda n: _digits(n, "123456789")))
    subscriber = draw(st.integers(5, 8).flatmap(_digits))
    cuts = draw(st.lists(st.integers(2, 6), max_size=2))
    inner = draw(st.sampled_from([" ", "-", ""]))
    sep = draw(SEPARATORS)
    number = _grouped(subscriber, cuts, inner)
    if style == "national":
        prefix = draw(st.sampled_from(["0{a}", "(0{a})"])).format(a=area)
        return f"{prefix}{sep or ' ' if prefix.endswith(')') else sep}{number}"
    country = draw(st.integers(1, 3).flatmap(lambda n: _digits(n, "123456789")))
    lead = draw(st.sampled_from(["+", "00", "+ "]))
    trunk = draw(st.sampled_from(["", "(0)", " (0)"]))
    return f"{lead}{country} {trunk}{area}{sep or ' '}{number}"


def _looks_like_a_date(text: str) -> bool:
    for form in ("%d.%m.%Y", "%d/%m/%Y", "%d-%m-%Y", "%m/%d/%Y", "%d.%m.%y", "%d/%m/%y", "%d-%m-%y"):
        try:
            datetime.strptime(text, form)
            return True
        except ValueError:
            continue
    return False


def _hidden(text: str, data) -> str:
    """The text with fullwidth digits and symbols, or zero-width characters between its characters."""
    trick = data.draw(st.sampled_from(["none", "fullwidth", "zero-width"]))
    if trick == "fullwidth":
        return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)
    if trick == "zero-width":
        return "".join(c + data.draw(st.sampled_from(["", *ZERO_WIDTH])) for c in text)
    return text


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(phone=phone_numbers(), data=st.data(),
       before=st.sampled_from(["Call ", "Tel.: ", "ring us on ", "(", "WhatsApp: ", "Nr. "]),
       after=st.sampled_from([" today", ".", ", or mail us", ")", "!", ""]))
def test_phone_numbers_in_any_notation_are_redacted(phone, data, before, after):
    assume(not _looks_like_a_date(phone.strip()))
    if before == "(" and after != ")":
        after = ")"
    text = f"{before}{_hidden(phone, data)}{after}"
    redacted = redact_text(text)
    assert "[PHONE]" in redacted, (text, redacted)
    assert not re.search(r"\d{3}", redacted), (text, redacted)  # nothing of the number is left


@pytest.mark.parametrize("text", [
    "Founded in 1998, on air 2019-2024 and 2019 – 2024, seasons 2019 2020 2021.",
    "Offer valid 2026-11-17 to 17.12.2026 (or 17/12/26, 12/17/2026), 10:30-18:00.",
    "Now 1.299.999 EUR, was 1 000 000, save 12 345,50 € or $1299.99; 1000000 EUR prize; €2500000 jackpot.",
    "0.0% beer, 20% off, 12.5 % APR, 99.9% uptime, 1234567 % nonsense",
    "See case 100234567, ad #12345678, ticket: 20261117, ID 987654321, C-1234567, mod_0012345.",
    "Sizes 36 38 40 42 44, server 192.168.100.200, version 2.13.0, score 0.97 at 1299.99",
])
def test_years_dates_amounts_percentages_and_ids_stay(text):
    assert redact_text(text) == text


@settings(max_examples=200, deadline=None)
@given(user=st.from_regex(r"[a-z]{2,8}(\.[a-z]{2,8})?", fullmatch=True),
       domain=st.from_regex(r"[a-z]{3,10}", fullmatch=True), tld=st.sampled_from(["com", "de", "co.uk", "org"]),
       data=st.data())
def test_email_addresses_with_unicode_tricks_are_redacted(user, domain, tld, data):
    address = f"{user}@{domain}.{tld}"
    text = f"Write to {_hidden(address, data)} now"
    assert redact_text(text) == "Write to [EMAIL] now"


@pytest.mark.parametrize("spelled", [
    "jane.smith [at] example [dot] com", "jane.smith(at)example.com", "jane.smith {at} example.de",
    "jane.smith @ example.com", "jane.smith at example dot com", "jane.smith [@] example [.] com",
])
def test_spelled_out_email_addresses_are_redacted(spelled):
    assert redact_text(f"mail {spelled} today") == "mail [EMAIL] today"


@pytest.mark.parametrize("link", ["https://wa.me/4915112345678", "tel:+49-30-1234567",
                                  "https://api.whatsapp.com/send?phone=4915112345678"])
def test_phone_numbers_in_links_are_redacted(link):
    assert "[PHONE]" in redact_text(f"chat {link} now") and not re.search(r"\d{4}", redact_text(link))


def test_names_learnt_from_cued_mentions_are_redacted_everywhere():
    notes = ["Spoke to Tom Becker about the refund", "contacted Dr. Anna Schmidt twice",
             "Shop with Free Shipping Today", "free shipping is not a claim", "today only"]
    names = names_of(notes)
    assert names == {"tom", "becker", "anna", "schmidt"}  # a cue before a capitalised phrase names nobody
    # ad copy is Title Case: there only the cues that name a person teach names
    assert names_of([], ["Shop with Free Shipping Today", "Contact: Dr. Anna Schmidt"]) == {"anna", "schmidt"}
    redactor = Redactor(names)
    assert redactor.text("Becker agreed; Schmidt's call") == "[NAME] agreed; [NAME] call"
    assert redactor.keyword("tom becker") is None and redactor.keyword("becker hamburg") == "[NAME] hamburg"
    assert redactor.keyword("free shipping") == "free shipping"
    assert redactor.text("Tom Becker called") == "[NAME] called"  # one placeholder for the whole name


def test_moderator_ids_known_to_the_run_are_pseudonymised_in_texts():
    redactor = Redactor(moderators=["anna.k", "mod_017"])
    assert redactor.moderator("mod_017") == "moderator A"
    text = redactor.text("anna.k and MOD_017 disagreed; mod_999 too; annak is not anna.kim")
    assert text == "moderator B and moderator A disagreed; moderator C too; annak is not anna.kim"
