"""The interface every drafting backend implements."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from assistant.drafting.evidence import EvidencePack


@dataclass
class Generation:
    """What a backend returned: the raw text (JSON expected), the model that wrote it, token usage."""

    text: str
    model: str
    usage: dict[str, int] = field(default_factory=dict)
    attempts: int = 1
    structured_output: str = "off"  # the form of decoding constraint the answer was made under (`structured.FORMS`)


class BackendError(Exception):
    """The backend gave no usable answer (after its retries); the message says why."""


class DraftingBackend(Protocol):
    """Writes the raw text of a draft of `kind` for an evidence pack, given the rendered chat messages."""

    model_id: str  # stored with every draft, e.g. "offline-drafter/1" or "gpt-4o-mini@api.openai.com"
    leaves_machine: bool  # whether data is sent to another machine (then personal data is redacted first)

    def generate(self, kind: str, pack: EvidencePack, messages: list[dict[str, str]]) -> Generation: ...
