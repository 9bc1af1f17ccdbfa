"""Gradio app (arrives with the UI issue)."""
