"""Drafting backends behind one small interface (`base.DraftingBackend`); adding a backend is adding a file.

- `offline`: the deterministic offline drafter, the default: writes drafts from the evidence by explainable rules.
- `openai_compat`: any OpenAI-compatible Chat Completions endpoint (OpenAI, Azure, vLLM, Ollama, llama.cpp).
"""

from assistant.config import LLMSettings
from assistant.drafting.backends.base import BackendError, DraftingBackend, Generation


def make_backend(settings: LLMSettings) -> DraftingBackend:
    """The backend the settings ask for."""
    if settings.backend == "offline":
        from assistant.drafting.backends.offline import OfflineDrafter

        return OfflineDrafter(settings.offline_min_score)
    from assistant.drafting.backends.openai_compat import OpenAICompatibleBackend

    return OpenAICompatibleBackend(settings)


__all__ = ["BackendError", "DraftingBackend", "Generation", "make_backend"]
