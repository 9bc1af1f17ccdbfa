"""The Gradio app of error-themes: `error-themes ui [--workspace DIR]` or `python ui.py`.

For quality analysts (open a file, validate it, start a run, explore its themes) and policy writers (review,
edit, accept or reject drafted RCA narratives and policy clarifications). The app lives in `assistant/webapp/`
(one module per tab); this file builds it from there, launches it, and is the script's entry point.
"""

from __future__ import annotations

import sys

from assistant.webapp import launch, main, run_from_args
from assistant.webapp.app import build_app

__all__ = ["build_app", "launch", "main", "run_from_args"]

if __name__ == "__main__":
    sys.exit(main())
