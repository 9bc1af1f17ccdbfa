"""Deterministic generator of the "fieldnotes" planted set: a held-out ad-moderation audit sample.

It is never used to choose a default: it is reported beside the sets the defaults are chosen on, and that is all.
Its notes are written as QA auditors write them in a hurry: error-type tags and codes (``[FN] pol:wl``, ``ovk``,
``FP/overkill``), no articles, abbreviations, typos, the ad quoted in its own language (``ad says 'garantiert 10 kg
weniger'``), some notes wholly in the auditor's language, and nearly empty one-offs (``see LP``, ``dup of prev``).
Ads and landing pages are in eleven locales and four scripts; a planted theme is one cause across languages.
Each auditor has habits (note layout, tag forms, quoting, typo rate, how often they write in their language).

    python -m eval_sets.fieldnotes_data [--out-dir eval_sets/fieldnotes] [--seed 4711] [--summary]

writes ``cases.csv``, ``root_causes.json`` and ``README.md``. Standard library only; phrase data in
``eval_sets/fieldnotes_bank.py``.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import random
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from eval_sets import fieldnotes_bank as bank
from eval_sets.fieldnotes_notes import AUDITORS, HUB_LANG, write_note
from eval_sets.fieldnotes_readme import readme_text

DEFAULT_SEED = 4711
DEFAULT_DIR = Path(__file__).resolve().parent / "fieldnotes"
# an export with its own column order: the loader maps by name
COLUMNS = ["case_id", "decided_at", "audited_at", "queue", "locale", "policy", "decision_source", "moderator_id",
           "model_score", "original_decision", "final_decision", "error_type", "ad_id", "advertiser_id", "ad_text",
           "landing_page_text", "reviewer_note", "theme"]
FIRST_MONDAY = dt.datetime(2026, 11, 2, tzinfo=dt.timezone.utc)  # ISO week 2026-W45
WEEKS = [f"2026-W{45 + i}" for i in range(5)]
NOISE = "noise"
CORRECT_PER_MISJUDGED = 1.1
CORRECT_SPLIT = (0.35, 0.15)  # theme-kind ads rightly decided, look-alikes; the rest ordinary ads
AGREEING_TWINS = 40
OVERFLOW_TEAM = ["ag901", "ag902", "ag903"]  # new moderators covering several hubs (knives theme)
HUBS = list(dict.fromkeys(hub for _, hub in bank.LOCALES.values()))
MODERATORS = {hub: [f"ag{(k + 1) * 100 + i}" for i in range(1, 9)] for k, hub in enumerate(HUBS)}
PLANTED_THEMES = {t["label"]: {"policy": t["policy"], "root_cause": t["root"], "description": t["desc"]}
                  for t in bank.THEMES}
HOUR_WEIGHTS = [1, 1, 1, 1, 1, 2, 3, 6, 9, 10, 10, 9, 7, 9, 10, 10, 9, 7, 5, 4, 3, 2, 2, 1]


@dataclass
class Planned:
    """A generated row with what the CSV does not say: the language of its ad and of its note."""

    row: dict[str, str]
    ad_lang: str
    note_lang: str


# ---------------------------------------------------------------------------------------------- small helpers


def _spread(rng: random.Random, items: list[str], counts: list[int]) -> list[str]:
    out = [item for item, n in zip(items, counts, strict=True) for _ in range(n)]
    rng.shuffle(out)
    return out


def _brand(rng: random.Random) -> str:
    return "".join(rng.choice(bank.SYLLABLES) for _ in range(rng.choice((2, 2, 3)))).capitalize()


def _fill(rng: random.Random, text: str, lang: str, market: str | None = None) -> str:
    """Slots filled for an ad in `lang` shown in the `market` language's locale (an English ad in hi-IN names an
    Indian city in Latin script and a price in rupees)."""
    market = market or lang
    cities = bank.LATIN_CITIES[market] if lang == "en" and market != "en" else bank.CITIES[lang]
    return (text.replace("{b}", _brand(rng)).replace("{c}", rng.choice(cities))
            .replace("{p}", bank.PRICES[market].format(rng.randint(2, 99)))
            .replace("{n}", rng.choice(bank.NAMES.get(lang, ["Alex"]))))


def _split_quote(line: str) -> tuple[str, str]:
    """'Tee: [10 kg weniger] jetzt' -> ('Tee: 10 kg weniger jetzt', '10 kg weniger')."""
    found = re.search(r"\[([^\]]+)\]", line)
    return line.replace("[", "").replace("]", ""), found.group(1) if found else ""


def _moment(rng: random.Random, week: int) -> dt.datetime:
    hour = rng.choices(range(24), HOUR_WEIGHTS)[0]
    return FIRST_MONDAY + dt.timedelta(days=7 * week + rng.randrange(7), hours=hour, minutes=rng.randrange(60))


def _stamp(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_week(stamp: str) -> str:
    year, week, _ = dt.datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").isocalendar()
    return f"{year}-W{week:02d}"


# ---------------------------------------------------------------------------------------------- rows


class _Ids:
    """Unique creative and advertiser ids."""

    def __init__(self, rng: random.Random) -> None:
        self.rng, self.seen = rng, {""}

    def _new(self, make) -> str:
        value = ""
        while value in self.seen:
            value = make()
        self.seen.add(value)
        return value

    def ad(self) -> str:
        return self._new(lambda: f"cr_{self.rng.getrandbits(32):08x}")

    def advertiser(self) -> str:
        return self._new(lambda: f"acc_{self.rng.randrange(10000, 99999)}")


def _decisions(et: str) -> tuple[str, str]:
    return ("reject", "approve") if et == "FP" else ("approve", "reject")


def _source_fields(rng: random.Random, source: str, original: str, hub: str,
                   score: tuple[float, float] | None = None, mods: list[str] | None = None) -> dict[str, str]:
    if source == "model":
        lo, hi = score or ((0.55, 0.99) if original == "reject" else (0.01, 0.45))
        return {"decision_source": "model", "moderator_id": "", "model_score": f"{rng.uniform(lo, hi):.3f}"}
    pool = mods if mods and rng.random() < 0.85 else MODERATORS[hub]
    return {"decision_source": "human", "moderator_id": rng.choice(pool), "model_score": ""}


def _ad(rng: random.Random, lines: list[str], lang: str, market: str) -> tuple[str, str, int]:
    """An ad from a theme's lines in `lang` for the `market` language's locale: (text, the phrase an auditor
    quotes, index of the line)."""
    k = rng.randrange(len(lines))
    text, quote = _split_quote(_fill(rng, lines[k], lang, market))
    if rng.random() < 0.35:
        text += ("。" if lang == "ja" else " – ") + rng.choice(bank.CTA[lang])
    return text, quote, k


def _row(when: dt.datetime, rng: random.Random, **fields: str) -> dict[str, str]:
    row = dict.fromkeys(COLUMNS, "")
    row.update(fields)
    row["decided_at"] = _stamp(when)
    row["audited_at"] = _stamp(when + dt.timedelta(days=rng.randint(1, 6), minutes=rng.randrange(600)))
    return row


def _theme_rows(rng: random.Random, spec: dict, ids: _Ids, mods: dict[str, list[str]]) -> list[Planned]:
    size = spec["size"]
    langs = _spread(rng, list(spec["mix"]), list(spec["mix"].values()))
    weeks = _spread(rng, [str(w) for w in range(len(WEEKS))], list(spec["weeks"]))
    n_model = round(size * spec["model"])
    sources = _spread(rng, ["model", "human"], [n_model, size - n_model])
    if spec["et"] == "mix":
        n_fp = round(size * spec["fp_share"])
        ets = _spread(rng, ["FP", "FN"], [n_fp, size - n_fp])
    else:
        ets = [spec["et"]] * size
    advertisers = [ids.advertiser() for _ in range(max(3, size // 4))]
    out = []
    for lang, week, source, et in zip(langs, weeks, sources, ets, strict=True):
        locale, hub = bank.LOCALES[lang]
        ad_lang = "en" if rng.random() < spec.get("en_in", {}).get(lang, 0.0) else lang
        lines = spec["ads_fn"] if et == "FN" and "ads_fn" in spec else spec["ads"]
        text, quote, k = _ad(rng, lines[ad_lang], ad_lang, lang)
        lp, lp_quote = "", ""
        if spec["lp"].get(lang) and rng.random() < spec.get("lp_share", 0.5):
            lp, lp_quote = _split_quote(_fill(rng, rng.choice(spec["lp"][lang]), lang))
        from_lp = bool(lp_quote) and rng.random() < spec.get("quote_lp", 0.0)
        policy = spec["policies"][k % 2] if spec["policy"] == "mixed" else spec["policy"]
        queue_hub = spec.get("hub", hub)
        original, final = _decisions(et)
        forced = spec.get("note_lang")
        if forced and rng.random() < forced[1]:
            auditor_hub, note_lang = "jp", forced[0]
            auditor = rng.choice(AUDITORS[auditor_hub])
        else:
            auditor_hub = queue_hub
            auditor = rng.choice(AUDITORS[auditor_hub])
            own = lang if bank.LOCALES[lang][1] == auditor_hub else HUB_LANG[auditor_hub]
            note_lang = own if own in spec["local"] and rng.random() < auditor.local else "en"
        note = write_note(rng, auditor, spec, et, policy, ad_lang, lp_quote if from_lp else quote, from_lp,
                          note_lang, HUB_LANG[auditor_hub])
        vertical = "general" if "hub" in spec else bank.VERTICAL[policy]
        row = _row(_moment(rng, int(week)), rng, queue=f"{queue_hub}.{vertical}",
                   locale=locale, policy=policy, original_decision=original, final_decision=final, error_type=et,
                   ad_id=ids.ad(), advertiser_id=rng.choice(advertisers), ad_text=text, landing_page_text=lp,
                   reviewer_note=note, theme=spec["label"],
                   **_source_fields(rng, source, original, queue_hub, spec.get("score"), mods.get(spec["label"])))
        out.append(Planned(row, ad_lang, note_lang))
    return out


def _one_off_rows(rng: random.Random, ids: _Ids) -> list[Planned]:
    out = []
    for lang, policy, et, ad, lp, note in bank.ONE_OFFS:
        locale, hub = bank.LOCALES[lang]
        original, final = _decisions(et)
        source = rng.choice(["model", "human"])
        row = _row(_moment(rng, rng.randrange(len(WEEKS))), rng, queue=f"{hub}.{bank.VERTICAL[policy]}",
                   locale=locale, policy=policy, original_decision=original, final_decision=final, error_type=et,
                   ad_id=ids.ad(), advertiser_id=ids.advertiser(), ad_text=_fill(rng, ad, lang),
                   landing_page_text=lp, reviewer_note=note, theme=NOISE, **_source_fields(rng, source, original, hub))
        out.append(Planned(row, lang, ""))  # one-off notes: language not tracked
    return out


def _correct_row(rng: random.Random, ids: _Ids, lang: str, policy: str, final: str, text: str, lp: str = "",
                 locale_lang: str | None = None) -> Planned:
    locale, hub = bank.LOCALES[locale_lang or lang]
    source = "model" if rng.random() < 0.55 else "human"
    note = rng.choice(bank.AGREE_NOTES) if rng.random() < 0.12 else ""
    row = _row(_moment(rng, rng.randrange(len(WEEKS))), rng, queue=f"{hub}.{bank.VERTICAL[policy]}", locale=locale,
               policy=policy, original_decision=final, final_decision=final, ad_id=ids.ad(),
               advertiser_id=ids.advertiser(), ad_text=text, landing_page_text=lp, reviewer_note=note,
               **_source_fields(rng, source, final, hub))
    return Planned(row, lang, "")


def _correct_rows(rng: random.Random, ids: _Ids, total: int) -> list[Planned]:
    """Correct decisions: theme-kind ads rightly decided, look-alikes, ordinary ads."""
    kind, look = (round(total * share) for share in CORRECT_SPLIT)
    out = []
    for spec in rng.choices(bank.THEMES, [t["size"] for t in bank.THEMES], k=kind):
        lang = rng.choices(list(spec["mix"]), list(spec["mix"].values()))[0]
        bad = spec["et"] == "FN" or (spec["et"] == "mix" and rng.random() < 0.3)
        lines = spec["ads_fn"] if bad and "ads_fn" in spec else spec["ads"]
        text, _, k = _ad(rng, lines[lang], lang, lang)
        policy = spec["policies"][k % 2] if spec["policy"] == "mixed" else spec["policy"]
        lp = _split_quote(_fill(rng, rng.choice(spec["lp"][lang]), lang))[0] if spec["lp"].get(lang) and \
            rng.random() < 0.4 else ""
        out.append(_correct_row(rng, ids, lang, policy, "reject" if bad else "approve", text, lp))
    lookalikes = [item for spec in bank.THEMES for item in spec["look"]]
    for lang, final, policy, text in rng.choices(lookalikes, k=look):
        out.append(_correct_row(rng, ids, lang, policy, final, _split_quote(_fill(rng, text, lang))[0]))
    langs = list(bank.ORDINARY)
    for _ in range(total - kind - look):
        lang = rng.choices(langs, [20, 12, 9, 10, 9, 7, 6, 7, 8, 6, 8])[0]
        policy, final, text = rng.choice(bank.ORDINARY[lang])
        out.append(_correct_row(rng, ids, lang, policy, final, _fill(rng, text, lang)))
    return out


def _twin(rng: random.Random, planned: Planned) -> Planned:
    """The same ad judged again, correctly, by another moderator of its hub a few hours or days later."""
    row = dict(planned.row)
    hub = row["queue"].split(".")[0]
    row["moderator_id"] = rng.choice([m for m in MODERATORS[hub] if m != planned.row["moderator_id"]])
    row["original_decision"] = row["final_decision"]
    row.update(error_type="", reviewer_note="", theme="")
    when = dt.datetime.strptime(row["decided_at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.timezone.utc)
    gap = dt.timedelta(hours=rng.randint(2, 72))
    when = when + gap if when + gap < FIRST_MONDAY + dt.timedelta(weeks=len(WEEKS)) else when - gap
    row["decided_at"] = _stamp(when)
    row["audited_at"] = _stamp(when + dt.timedelta(days=rng.randint(1, 4), minutes=rng.randrange(600)))
    return Planned(row, planned.ad_lang, "")


def build(seed: int = DEFAULT_SEED) -> list[Planned]:
    """Every row of the set, in case-id order, with the language of its ad and note."""
    rng = random.Random(seed)
    ids = _Ids(rng)
    mods = {"kitchen_knives_rejected_as_weapons": OVERFLOW_TEAM}
    for spec in bank.THEMES:
        if spec.get("mods") and spec["label"] not in mods:
            hubs = [bank.LOCALES[lang][1] for lang in spec["mix"]]
            mods[spec["label"]] = [rng.choice(MODERATORS[hubs[i % len(hubs)]]) for i in range(spec["mods"])]
    planned = [p for spec in bank.THEMES for p in _theme_rows(rng, spec, ids, mods)]
    planned += _one_off_rows(rng, ids)
    twins = []
    for spec in bank.THEMES:
        humans = [p for p in planned if p.row["theme"] == spec["label"] and p.row["decision_source"] == "human"]
        twins += [_twin(rng, p) for p in rng.sample(humans, spec.get("twins", 0))]
    correct_total = round(CORRECT_PER_MISJUDGED * len(planned)) - len(twins) - AGREEING_TWINS
    correct = _correct_rows(rng, ids, correct_total)
    humans = [p for p in correct if p.row["decision_source"] == "human"]
    twins += [_twin(rng, p) for p in rng.sample(humans, AGREEING_TWINS)]
    planned += correct + twins
    planned.sort(key=lambda p: (p.row["decided_at"], p.row["ad_id"], p.row["moderator_id"]))
    for i, p in enumerate(planned, 1):
        p.row["case_id"] = f"QA26-{i:05d}"
    return planned


def generate_fieldnotes(seed: int = DEFAULT_SEED) -> list[dict[str, str]]:
    """The set's rows (the CSV's columns, `theme` = planted label, `noise` = one-off, empty = correct)."""
    return [p.row for p in build(seed)]


# ---------------------------------------------------------------------------------------------- output


def write_csv(rows: list[dict[str, str]], path: str | Path) -> Path:
    """UTF-8 CSV with a header row, csv-module quoting, '\\n' line ends."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


def root_causes() -> dict[str, str]:
    """Planted theme -> expected root-cause category (DESIGN.md §3)."""
    return {label: info["root_cause"] for label, info in sorted(PLANTED_THEMES.items())}


def _top(counter: Counter, n: int = 8) -> str:
    return ", ".join(f"{k} {v}" for k, v in counter.most_common(n))


def summary(planned: list[Planned]) -> str:
    """Markdown tables of the set's figures."""
    rows = [p.row for p in planned]
    misjudged = [r for r in rows if r["theme"]]
    noise = [r for r in misjudged if r["theme"] == NOISE]
    by_ad = Counter(r["ad_id"] for r in rows)
    repeated = {a for a, n in by_ad.items() if n > 1}
    differing = {a for a in repeated if len({r["original_decision"] for r in rows if r["ad_id"] == a}) > 1}
    et = Counter(r["error_type"] for r in misjudged)
    themed = [p for p in planned if p.row["theme"] not in ("", NOISE)]
    local_notes = sum(p.note_lang != "en" for p in themed)
    lines = ["| count | value |", "| --- | --- |", f"| rows (audited decisions) | {len(rows)} |",
             f"| correct decisions | {len(rows) - len(misjudged)} |",
             f"| misjudged | {len(misjudged)} (FP {et['FP']}, FN {et['FN']}) |",
             f"| planted-theme rows | {len(misjudged) - len(noise)} in {len(PLANTED_THEMES)} themes |",
             f"| one-off rows (`noise`) | {len(noise)} ({len(noise) / len(misjudged):.1%} of misjudged) |",
             f"| locales | {len({r['locale'] for r in rows})} ({_top(Counter(r['locale'] for r in rows), 11)}) |",
             f"| planted-theme notes not in English | {local_notes} ({local_notes / len(themed):.0%}) |",
             f"| ads judged twice | {len(repeated)} (differing original decisions: {len(differing)}) |",
             "", "| week | rows | misjudged |", "| --- | --- | --- |"]
    for week in WEEKS:
        lines.append(f"| {week} | {sum(iso_week(r['decided_at']) == week for r in rows)} | "
                     f"{sum(iso_week(r['decided_at']) == week for r in misjudged)} |")
    lines += ["", "| theme | policy | rows | FP/FN | model/human | ad languages | note languages | rows per week "
              f"{WEEKS[0][-3:]}..{WEEKS[-1][-3:]} | root cause |", "|" + " --- |" * 9]
    for label in [*PLANTED_THEMES, NOISE]:
        group = [p for p in planned if p.row["theme"] == label]
        r = [p.row for p in group]
        ets = Counter(x["error_type"] for x in r)
        src = Counter(x["decision_source"] for x in r)
        weeks = Counter(iso_week(x["decided_at"]) for x in r)
        note_langs = _top(Counter(p.note_lang for p in group if p.note_lang), 4)
        policies = sorted({x["policy"] for x in r})
        policy = " / ".join(policies) if len(policies) <= 2 else f"{len(policies)} policies"
        cause = PLANTED_THEMES[label]["root_cause"] if label in PLANTED_THEMES else "(none)"
        lines.append(f"| `{label}` | {policy} | {len(r)} | {ets['FP']}/{ets['FN']} | {src['model']}/{src['human']} | "
                     f"{_top(Counter(p.ad_lang for p in group))} | {note_langs or '-'} | "
                     f"{' '.join(str(weeks[w]) for w in WEEKS)} | {cause} |")
    return "\n".join(lines)


def write_set(out_dir: str | Path = DEFAULT_DIR, seed: int = DEFAULT_SEED) -> list[Planned]:
    """Write cases.csv, root_causes.json and README.md to `out_dir`."""
    out_dir = Path(out_dir)
    planned = build(seed)
    write_csv([p.row for p in planned], out_dir / "cases.csv")
    (out_dir / "root_causes.json").write_text(json.dumps(root_causes(), indent=2) + "\n", encoding="utf-8")
    (out_dir / "README.md").write_text(readme_text(summary(planned), PLANTED_THEMES, seed), encoding="utf-8")
    return planned


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out-dir", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--summary", action="store_true", help="print the counts tables")
    args = parser.parse_args(argv)
    planned = write_set(args.out_dir, args.seed)
    print(f"wrote {len(planned)} rows to {args.out_dir / 'cases.csv'}")
    if args.summary:
        print(summary(planned))
    return 0


if __name__ == "__main__":
    sys.exit(main())
