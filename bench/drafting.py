"""Benchmark: wall time to draft every theme of the demo run, offline and through an OpenAI-compatible server.

    python bench/drafting.py [--workspace DIR] [--concurrency 4] [--latency 0.5]

The server is the scripted OpenAI-compatible server of the tests (`devtools/llm_server.py`) on 127.0.0.1, answering each
request after `--latency` seconds (a stand-in for model time) with the offline drafter's draft for the evidence
it received, so prompt rendering, HTTP, parsing, validation, grounding and storage are all measured.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]  # bench/ (machine.py) and the repository (devtools/)
from machine import machine_line  # noqa: E402

from assistant.analysis import analyse  # noqa: E402
from assistant.config import LLMSettings  # noqa: E402
from assistant.drafting.backends.offline import OfflineDrafter  # noqa: E402
from assistant.drafting.drafter import make_drafter  # noqa: E402
from assistant.drafting.evidence import EvidencePack  # noqa: E402
from assistant.workspace.runs import Workspace  # noqa: E402
from devtools.llm_server import LLMServer, completion  # noqa: E402
from eval_sets import DEMO_CASES  # noqa: E402

KIND_OF_SCHEMA = {"ThemeLabel": "label", "RcaNarrative": "rca", "PolicyClarification": "policy"}


def answer_like_the_offline_drafter(latency: float):
    """A responder: the offline drafter's draft for the evidence in the request."""

    def respond(request):
        system, user = request.content("system"), request.content("user")
        kind = next(k for title, k in KIND_OF_SCHEMA.items() if f'"title":"{title}"' in system)
        evidence = user.split("<<<EVIDENCE", 1)[1].rsplit("EVIDENCE>>>", 1)[0]
        pack = EvidencePack.model_validate(json.loads(evidence))
        text = OfflineDrafter().generate(kind, pack, []).text
        return completion(text, prompt_tokens=len(system + user) // 4, completion_tokens=len(text) // 4,
                          delay_s=latency)

    return respond


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workspace", type=Path, help="workspace with a demo run (default: a fresh one)")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--latency", type=float, default=0.5, help="seconds the server waits before answering")
    args = parser.parse_args()
    print(machine_line("openai", "langchain-core", "pydantic"))
    with tempfile.TemporaryDirectory() as tmp:
        workspace = Workspace(args.workspace or tmp)
        run_dir = workspace.run_dir("latest") if workspace.run_ids() else analyse(DEMO_CASES, workspace)[0]
        offline = LLMSettings(concurrency=args.concurrency)
        start = time.perf_counter()
        outcomes = make_drafter(Workspace(Path(tmp) / "offline"), run_dir, offline).draft_all()
        print(f"offline drafter: {len(outcomes)} drafts in {time.perf_counter() - start:.2f} s")
        server = LLMServer().start()
        try:
            server.responder = answer_like_the_offline_drafter(args.latency)
            settings = LLMSettings(backend="openai", base_url=server.base_url, model="bench-model",
                                   concurrency=args.concurrency)
            drafter = make_drafter(Workspace(Path(tmp) / "server"), run_dir, settings)
            start = time.perf_counter()
            outcomes = drafter.draft_all()
            seconds = time.perf_counter() - start
            store = drafter.store
        finally:
            server.stop()
        failed = sum(o.outcome == "failed" for o in outcomes)
        usage = store.usage(run_dir.name)
        print(f"OpenAI-compatible server on 127.0.0.1 ({args.latency} s per answer, concurrency "
              f"{args.concurrency}): {len(outcomes)} drafts in {seconds:.2f} s, {failed} failed, "
              f"{server.request_count} requests, tokens {usage['prompt_tokens']:,} in / "
              f"{usage['completion_tokens']:,} out")


if __name__ == "__main__":
    main()
