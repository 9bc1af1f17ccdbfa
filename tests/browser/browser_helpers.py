"""Helpers of the browser tests: Gradio's components as a person uses them."""

from __future__ import annotations


def choose(page, elem_id: str, text: str) -> None:
    """Pick the option holding `text` in a Gradio dropdown."""
    page.locator(f"#{elem_id} input").click()
    page.get_by_role("option").filter(has_text=text).first.click()


def field(page, elem_id: str):
    return page.locator(f"#{elem_id}").locator("textarea, input").first
