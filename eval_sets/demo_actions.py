"""The dated actions of the demo set (`eval_sets/demo/actions.csv`): what the quality team did about two planted themes.

One row per action: `date` (YYYY-MM-DD), `planted_theme` (a label of `eval_sets.demo_data.PLANTED_THEMES`), `kind`
(an action kind of the theme registry), `text` and `who`. The generator plants their effect: the theme with the
policy clarification drops after its date (*fixed*), the one with the moderator training does not (*no change
yet*). `error-themes demo` records them on the registry themes that best match the planted themes.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from eval_sets import DEMO_DIR

DEMO_ACTIONS = DEMO_DIR / "actions.csv"
COLUMNS = ("date", "planted_theme", "kind", "text", "who")


@dataclass(frozen=True)
class PlantedAction:
    """An action on a planted theme."""

    date: str
    planted_theme: str
    kind: str
    text: str
    who: str


def read_actions(path: str | Path = DEMO_ACTIONS) -> list[PlantedAction]:
    """The actions of a file with the columns above (ValueError on a missing column, an empty value or a bad date)."""
    with Path(path).open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(f"{path}: missing column(s) {', '.join(missing)}")
        out = []
        for line, row in enumerate(reader, start=2):
            values = {c: (row[c] or "").strip() for c in COLUMNS}
            if not all(values.values()):
                raise ValueError(f"{path} line {line}: every column needs a value")
            values["date"] = date.fromisoformat(values["date"]).isoformat()
            out.append(PlantedAction(**values))
    return out
