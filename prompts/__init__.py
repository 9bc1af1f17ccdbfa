"""Prompt templates, one YAML file each (see README.md here); `assistant.drafting.prompting` loads them by name."""

from pathlib import Path

PROMPTS_DIR = Path(__file__).parent
