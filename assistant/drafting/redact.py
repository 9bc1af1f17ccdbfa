"""Redact personal data from an evidence pack before it leaves the machine.

Every string of the pack goes through the same redaction (texts, keywords, facet values, the over-represented
list, contrasting themes: whatever a pack holds, now or later), except the ids a draft cites (case, ad, theme and
run ids):

- the text is normalised first (NFKC, so fullwidth `０３０` and `＠` are plain digits and `@`; invisible format
  characters such as zero-width spaces and joiners are removed), so that such tricks do not hide an address;
- emails (also cut short by trimming, or written `jane [at] example [dot] com`) become `[EMAIL]`;
- phone numbers in any usual form (`030/1234567`, `(030) 123 45 67`, `+49 (0)30 1234567`, `555.123.4567`,
  `0049 30 1234567`, `wa.me/4930...`) become `[PHONE]`, while years, year ranges, dates, times, prices, amounts
  with thousands separators, percentages and ids (`#12345678`, `case 12345678`) stay;
- a name after a cue such as "per", "with", "spoke to", "moderator" or "contact:" becomes `[NAME]`, and so does
  every other mention of a name learnt that way from the run's texts (`names_of`), wherever it appears: in a
  keyword (`tom becker` -> `[NAME]`, `becker berlin` -> `[NAME] berlin`), a note without the cue, an ad;
- moderator ids become stable pseudonyms (`moderator A`, `moderator B`, ...) in the moderator fields, the facet
  values, the over-represented list and the texts, so a concentration on a few moderators stays visible without
  naming them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import pandas as pd

from assistant.drafting.evidence import EvidencePack, visible
from clustering.describe import MISSING

IDS = frozenset({"case_id", "case_ids", "ad_id", "theme_id", "run_id"})  # cited as they are, never redacted
MODERATOR_FIELDS = frozenset({"moderator_id"})  # pseudonymised as a whole (a case's field, a facet's values)
DONE = frozenset({"keywords", "over_represented"})  # redacted before the walk over every other string

EMAIL = re.compile(r"[\w.+-]+@[\w-]*(?:\.[\w-]+)*")  # also an address cut short by trimming
_AT = r"(?:\s*[\[({<]\s*(?:at|@)\s*[\])}>]\s*|\s+@\s+)"
_DOT = r"(?:\s*[\[({<]\s*(?:dot|\.)\s*[\])}>]\s*|\s+dot\s+|\.)"
# `jane [at] example [dot] com`, `jane(at)example.com`, `jane @ example.com`, `jane at example dot com`
EMAIL_SPELLED = re.compile(rf"[\w.+-]+{_AT}[\w-]+(?:{_DOT}[\w-]+)+|[\w.+-]+\s+at\s+[\w-]+(?:\s+dot\s+[\w-]+)+",
                           re.IGNORECASE)
# a phone number in a link: tel:+4930..., wa.me/4930..., api.whatsapp.com/send?phone=4930...
PHONE_LINK = re.compile(r"(?:(?<=tel:)|(?<=wa\.me/)|(?<=phone=))\+?\d[\d\s().-]{5,}\d", re.IGNORECASE)
# a run of digits with the separators phone numbers use; `_is_phone` decides
_MONEY = "€$£¥₹₽₺₩¢"  # an amount, not a phone number, is next to a currency sign or code
PHONE_CANDIDATE = re.compile(rf"(?<![\w.,#/+\-{_MONEY}])(?:\+\s?|\(\+?)?\d[\d\s./()\-–]*\d\)?"
                             rf"(?![\w%:{_MONEY}]|[.,]\d|\s*[%{_MONEY}]|\s?(?:EUR|USD|GBP|CHF|JPY)\b)")
MIN_PHONE_DIGITS, MAX_PHONE_DIGITS = 7, 18  # a local number without area code .. E.164 (15) after 00, with (0)
MIN_BARE_DIGITS = 8  # digits without separators, no leading 0 or +: a phone number from this many
_DAY, _MONTH, _YEAR = r"(?:0?[1-9]|[12]\d|3[01])", r"(?:0?[1-9]|1[0-2])", r"(?:(?:19|20)\d{2}|\d{2})"
_NOT_PHONE = [re.compile(p) for p in (
    rf"(?:19|20)\d{{2}}\s?([-./])\s?{_MONTH}\s?\1\s?{_DAY}",  # 2026-11-17
    rf"{_DAY}\s?([-./])\s?{_MONTH}\s?\1\s?{_YEAR}|{_MONTH}/{_DAY}/{_YEAR}",  # 17.11.2026, 17/11/26, 11/17/2026
    r"(?:(?:19|20)\d{2}(?:\s?[-–/]\s?|\s+))+(?:19|20)\d{2}",  # 2019-2024, 2019 2020 2021
    r"[1-9]\d{0,2}(?:(?P<sep>[.,\s ])\d{3})(?:(?P=sep)\d{3})*(?:[.,]\d{1,2})?",  # 1.299.999, 1 000 000,50
    r"\d+[.,]\d{1,2}",  # 12345.67
    r"\d{1,3}(?:\.\d{1,3}){3}",  # an IPv4 address
    r"[1-9]\d?(?:\s+[1-9]\d?)+",  # sizes or counts: 36 38 40 42 (a phone starts with 0 or +)
)]
_ID_BEFORE = re.compile(r"(?:\b(?:case|ad|id|order|ticket|ref|invoice)\.?\s*[:#]?\s*|#\s*)$", re.IGNORECASE)
_CAP = r"[A-ZÀ-ÖØ-Þ][\w'’-]*[^\W\d_]"
_TITLE = r"(?:(?:Dr|Mr|Mrs|Ms|Prof|Herr|Frau|Mme|Mlle|Sr|Sra)\.?\s+)?"
# A cued first and last name ("discussed with Tom Becker", "contacted Dr. Anna Schmidt"), or one capitalised
# word after a cue that names a person ("moderator Kevin", "owner: Peter").
NAME = re.compile(
    rf"\b(?P<cue>(?i:per|by|with|from|asked|told|spoke to|spoke with|talked to|called|emailed|contacted|thanks|"
    rf"according to|coached by|discussed with))(?P<sep>\s+)(?P<name>{_TITLE}{_CAP}(?:\s+{_CAP}){{1,2}})"
    rf"|\b(?P<cue2>(?i:moderator|mod|reviewer|agent|lead|owner|contact|cc|customer|client|advertiser))"
    rf"(?P<sep2>:?\s+)(?P<name2>{_TITLE}{_CAP}(?:\s+{_CAP}){{0,2}})"
)
TITLES = frozenset({"dr", "mr", "mrs", "ms", "prof", "herr", "frau", "mme", "mlle", "sr", "sra"})
NAME_WORD = re.compile(r"[^\W\d_][\w'’-]*")
ADDRESS_LIKE = re.compile(r"(?<!\S)[^\s@/]*?(?:[@/]|\w\.\w)\S*")  # an email address, a URL or a domain
MIN_NAME_CHARS = 3  # shorter learnt words ("Al", "Li") are not replaced outside their cue: too many false hits
MODERATOR_ID = re.compile(r"\bmod_\d+\b", flags=re.IGNORECASE)
OVER_REPRESENTED = re.compile(r"^(?P<facet>[^=]+)=(?P<value>.*)(?P<rest> \(lift [^()]*\))$")
PLACEHOLDER = re.compile(r"\[(?:NAME|EMAIL|PHONE)\]")


def normalise(text: str) -> str:
    """NFKC (fullwidth digits and `＠` become plain ones) without invisible format characters (zero-width spaces and
    joiners, soft hyphens, bidi controls, tag characters)."""
    return visible(unicodedata.normalize("NFKC", text))


def _is_phone(text: str, start: int, candidate: str) -> bool:
    digits = sum(ch.isdigit() for ch in candidate)
    if not MIN_PHONE_DIGITS <= digits <= MAX_PHONE_DIGITS:
        return False
    bare = candidate.strip("()+ ")
    if candidate.lstrip().startswith(("+", "(")) or bare.startswith("0"):
        return not any(p.fullmatch(bare) for p in _NOT_PHONE[:2])  # a leading 0 or + is a phone, unless a date
    if _ID_BEFORE.search(text[max(0, start - 12):start]):
        return False
    if bare.isdigit() and digits < MIN_BARE_DIGITS:  # 1234567 without separators: an amount or an id
        return False
    return not any(p.fullmatch(bare) for p in _NOT_PHONE)


def _phones(text: str) -> str:
    def repl(match: re.Match) -> str:
        candidate = match.group(0)
        lead = ""
        if candidate.startswith("(") and ")" not in candidate:  # "(call 030 1234567": keep the bracket
            lead, candidate = "(", candidate[1:]
        trail = ""
        if candidate.endswith(")") and candidate.count("(") < candidate.count(")"):
            candidate, trail = candidate[:-1], ")"
        return f"{lead}[PHONE]{trail}" if _is_phone(text, match.start(), candidate) else match.group(0)

    return PHONE_CANDIDATE.sub(repl, PHONE_LINK.sub("[PHONE]", text))


def _cued_names(text: str) -> str:
    def repl(match: re.Match) -> str:
        if match.group("cue") is not None:
            return f"{match.group('cue')}{match.group('sep')}[NAME]"
        return f"{match.group('cue2')}{match.group('sep2')}[NAME]"

    return NAME.sub(repl, text)


def names_of(texts: Iterable[str | None], person_cues_only: Iterable[str | None] = ()) -> frozenset[str]:
    """The names (lower case words) that cued mentions give ("spoke to Tom Becker": tom, becker), without the words
    the texts also use in lower case (a cue before a capitalised phrase such as "with Free Shipping" names
    nobody: "free" and "shipping" appear in lower case elsewhere).

    person_cues_only: texts (ads, landing pages) whose Title Case copy ("Shop with Free Shipping") makes the cues
    "with", "by", "from" ... unreliable: only the cues that name a person there ("contact:", "owner", "agent")
    teach names; their lower case words count as well.
    """
    found: set[str] = set()
    lower: set[str] = set()

    def learn(text: str | None, person_only: bool) -> None:
        if not isinstance(text, str) or not text:
            return
        text = normalise(text) if not text.isascii() else text
        for match in NAME.finditer(text):
            words = match.group("name2") if person_only else match.group("name") or match.group("name2")
            if words:
                found.update(w.lower() for w in NAME_WORD.findall(words) if w.lower() not in TITLES)
        # "tom.becker@example.com" says nothing about the word "tom"
        lower.update(w for w in NAME_WORD.findall(ADDRESS_LIKE.sub(" ", text)) if w.islower())

    for text in texts:
        learn(text, False)
    for text in person_cues_only:
        learn(text, True)
    return frozenset(w for w in found if w not in lower and len(w) >= MIN_NAME_CHARS)


def run_names(cases: pd.DataFrame) -> frozenset[str]:
    """`names_of` a run's reviewer notes, and of its ad and landing-page texts with person cues only."""
    def texts(column: str) -> list[str]:
        return cases[column].dropna().astype(str).unique().tolist() if column in cases.columns else []

    return names_of(texts("reviewer_note"), [*texts("ad_text"), *texts("landing_page_text")])


class Redactor:
    """Redacts the strings of one evidence pack: the same names and moderator pseudonyms throughout.

    names: learnt names (`names_of`), replaced wherever they appear; moderators: moderator ids known to be such
    (e.g. every id of the run), pseudonymised wherever they appear, in the order they are first met.
    """

    def __init__(self, names: Iterable[str] = (), moderators: Iterable[str] = (), pseudonymise: bool = True):
        self.pseudonyms: dict[str, str] = {}
        self.pseudonymise = pseudonymise
        self.known = {m.lower() for m in moderators if m and m != MISSING and len(m) >= 3}
        learnt = sorted({n.lower() for n in names}, key=len, reverse=True)
        # a whole word, not part of a dotted id such as the moderator id anna.kowalski (pseudonymised later)
        self._names = (re.compile(r"(?<![\w'’.-])(?:" + "|".join(map(re.escape, learnt)) + r")(?:['’]s)?"
                                  r"(?![\w'’-]|\.\w)", re.IGNORECASE) if learnt else None)
        self._moderators: re.Pattern | None = None

    def moderator(self, moderator: str) -> str:
        """The stable pseudonym of a moderator id (`moderator A`, ...)."""
        key = moderator.lower()
        if key not in self.pseudonyms:
            n, letters = len(self.pseudonyms), ""
            while n >= 0:
                letters = chr(ord("A") + n % 26) + letters
                n = n // 26 - 1
            self.pseudonyms[key] = f"moderator {letters}"
            self._moderators = None
        return self.pseudonyms[key]

    def text(self, text: str | None) -> str | None:
        """The text with emails, phone numbers, names and moderator ids replaced."""
        if not text:
            return text
        text = normalise(text)
        text = EMAIL_SPELLED.sub("[EMAIL]", EMAIL.sub("[EMAIL]", text))
        text = _phones(text)
        text = _cued_names(text)
        if self._names is not None:
            text = self._names.sub("[NAME]", text)
            text = re.sub(r"\[NAME\](?:\s+\[NAME\])+", "[NAME]", text)  # "[NAME] [NAME]" is one name
        return self._pseudonymise(text) if self.pseudonymise else text

    def keyword(self, term: str) -> str | None:
        """A keyword redacted as texts are; None when nothing but placeholders is left."""
        redacted = self.text(term) or ""
        return redacted if PLACEHOLDER.sub("", redacted).strip() else None

    def _pseudonymise(self, text: str) -> str:
        ids = {*self.pseudonyms, *self.known}
        if ids:
            if self._moderators is None:
                alternatives = "|".join(map(re.escape, sorted(ids, key=len, reverse=True)))
                self._moderators = re.compile(rf"(?<![\w.-])(?:{alternatives})(?![\w-]|\.\w)", re.IGNORECASE)
            text = self._moderators.sub(lambda m: self.moderator(m.group(0)), text)
        return MODERATOR_ID.sub(lambda m: self.moderator(m.group(0)), text)


def redact_text(text: str | None, pseudonyms: dict[str, str] | None = None) -> str | None:
    """Text with emails, phone numbers and cued names replaced, and with `pseudonyms`, moderator ids too.

    pseudonyms: moderator id (lower case) -> pseudonym; ids found in it or shaped like `mod_123` are replaced (and
    added to it). Without it, moderator ids are left as they are (e.g. in a draft shown on this machine).
    """
    redactor = Redactor(pseudonymise=pseudonyms is not None)
    if pseudonyms is not None:
        redactor.pseudonyms = pseudonyms
    return redactor.text(text)


def redact_pack(pack: EvidencePack, names: Iterable[str] = (), moderators: Iterable[str] = ()) -> EvidencePack:
    """A copy of the pack with personal data redacted from every string but the ids (see the module docstring).

    names: names learnt from the run's texts (`run_names`); moderators: the run's moderator ids.
    """
    redactor = Redactor(names, moderators)
    data = pack.model_dump()
    cases = [*data["cases"], *(c for contrast in data["contrasts"] for c in contrast["cases"])]
    for case in cases:  # the structured fields first: pseudonyms in the order of the pack's cases
        if case.get("moderator_id"):
            case["moderator_id"] = redactor.moderator(case["moderator_id"])
    for value in data["facets"].get("moderator_id", []):
        if value["value"] != MISSING:
            value["value"] = redactor.moderator(value["value"])
    data["over_represented"] = [_over_represented(item, redactor) for item in data["over_represented"]]
    data["keywords"] = _keywords(data["keywords"], redactor)
    for contrast in data["contrasts"]:
        contrast["keywords"] = _keywords(contrast["keywords"], redactor)
    return EvidencePack.model_validate(_walk(data, redactor))


def _over_represented(item: str, redactor: Redactor) -> str:
    match = OVER_REPRESENTED.match(item)
    if match is None or match.group("facet") not in MODERATOR_FIELDS:
        return redactor.text(item) or ""
    if match.group("value") == MISSING:
        return item
    return f"{match.group('facet')}={redactor.moderator(match.group('value'))}{match.group('rest')}"


def _keywords(terms: list[str], redactor: Redactor) -> list[str]:
    kept: list[str] = []
    for term in terms:
        redacted = redactor.keyword(term)
        if redacted is not None and redacted not in kept:
            kept.append(redacted)
    return kept


def _walk(value, redactor: Redactor, key: str | None = None):
    """Every string under `value` redacted, but for the ids and the fields redacted already."""
    if key in IDS or key in MODERATOR_FIELDS or key in DONE:
        return value
    if isinstance(value, str):
        return redactor.text(value)
    if isinstance(value, dict):
        return {k: _walk(v, redactor, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_walk(v, redactor) for v in value]
    return value
