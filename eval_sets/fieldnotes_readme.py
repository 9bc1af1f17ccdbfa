"""The README of the fieldnotes planted set, around the counts tables the generator computes."""

from __future__ import annotations

README_HEAD = """# Fieldnotes planted set (held out)

A third **synthetic** set of audited ad-moderation decisions with planted error themes, written by a generator of
its own (`eval_sets/fieldnotes_data.py`, phrase data in `eval_sets/fieldnotes_bank.py`) that shares no template,
phrase bank, theme or structure with the demo's or the marketplace's.

**It is never used to choose a default.** No setting, threshold or method is chosen, fitted or tuned on it; it is
held out and only reported, beside the sets the defaults are chosen on (`bench/quality.py` marks it
`held out`; `bench/purity_loso.py` and `bench/matching.py` never fit on it). Do not change the set to make a
method look better or worse: regenerate it only if the generator has a bug, and say so.

Nothing in it comes from a real platform, advertiser, moderator or person; ids, brands, names, prices and the
market rules the notes invoke are invented. Like the other planted sets it is an audit sample enriched with errors.

## What is different here

- **Notes as auditors write them in a hurry**: error-type tags and codes (`[FN]`, `FP/overkill`, `ovk`, `UE`,
  `pol:alc`, `rej→appr`), missing articles, abbreviations (`mdl`, `LP`, `w/`, `wt-loss`), typos, the ad quoted in
  its own language (`ad says 'garantiert 10 kg weniger'`, `headline „Mammografia”`, `LP: 「...」`). Each auditor has
  habits (layout, tag forms, quote marks, typo rate, lower case); each review hub has two auditors.
- **Notes in the auditor's language**: on non-English hubs an auditor writes a share of the notes wholly in the
  hub's language (German, French, Spanish, Portuguese, Italian, Polish, Turkish, Japanese, Arabic, Hinglish).
- **One cause, many languages**: ads and landing pages in eleven locales and four scripts (Latin, Japanese,
  Arabic, Devanagari); every theme's ads are in 4-7 languages. The gacha theme is audited by the Tokyo team:
  its notes are mostly Japanese while its ads are in five languages.
- **Hard in realistic ways**: two weight-loss themes with opposite errors and different causes (a model missing
  numeric kilo claims; moderators rejecting dietitian services), two alcohol themes (a market rule not applied;
  a model over-triggering on cooking wine), near-duplicate wording across themes ("upfront fee" for loans and
  for jobs, "guaranteed" in three themes, "kg"/"weight loss claim" in both weight-loss themes), a theme defined by
  a routing fault rather than by what the ads say (mixed policies), and a theme of ten rows.
- **Nearly empty notes** (`see LP`, `dup of prev`, `s. LP`, `同上`, `jw.`, `?`) are one-offs (`noise`), as are
  the other one-off errors, each about something else.
- Another export's column order (the loader maps columns by name), case ids `QA26-00001`, creative ids
  `cr_xxxxxxxx`, advertiser ids `acc_NNNNN`, moderators `agNNN` per review hub (`ag901`-`ag903` a new overflow
  team), queues `<hub>.<vertical>` (`dach.health`, `jp.regulated`), model scores with three decimals.

## Columns

The project's schema (DESIGN.md §1): `case_id`, `decided_at`, `audited_at` (1-6 days later), `queue`, `locale`,
`policy`, `decision_source`, `moderator_id` (human decisions), `model_score` (model decisions), `original_decision`,
`final_decision` (QA: the ground truth), `error_type`, `ad_id` (repeated when an ad was judged twice),
`advertiser_id`, `ad_text`, `landing_page_text`, `reviewer_note` (empty for most correct rows), and `theme`.

`theme` is the **answer key**: the planted theme of a misjudged row, `noise` for a one-off error, empty for a
correct row. The pipeline never reads it; score a run with `--labels eval_sets/fieldnotes/cases.csv:theme`.
Expected root-cause categories are in `root_causes.json`.

## How it was made

    python -m eval_sets.fieldnotes_data --out-dir eval_sets/fieldnotes [--seed 4711] [--summary]

Standard library only, one seeded `random.Random`; the default seed reproduces these three files byte for byte
(`tests/test_fieldnotes_data.py` checks it). Correct rows (about 1.1 per misjudged row): a third are ads of a
theme's kind rightly decided, a sixth look-alikes rightly decided, the rest ordinary ads in every locale.
Astrology ads are judged twice by moderators who disagree; 40 correct decisions have a second, agreeing one.

## Counts (seed {seed})

"""


def readme_text(summary: str, themes: dict[str, dict[str, str]], seed: int) -> str:
    """README.md: what the set is and how it was made, the counts tables (`summary`) and what each theme is."""
    rows = "\n".join(f"| `{label}` | {info['root_cause']} | {info['description']} |" for label, info in themes.items())
    return (README_HEAD.replace("{seed}", str(seed)) + summary
            + "\n\n## What each theme is\n\n| theme | root cause | what it is |\n| --- | --- | --- |\n" + rows + "\n")
