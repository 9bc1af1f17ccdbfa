"""Labelled sets with planted error themes, and (with the themes issue) the scorer that measures a run."""

from pathlib import Path

DEMO_DIR = Path(__file__).parent / "demo"
DEMO_CASES = DEMO_DIR / "cases.csv"
