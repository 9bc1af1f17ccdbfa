"""The `error-themes` command line: parse, call the packages, render. No analysis lives here.

One module per command group adds its sub-commands to the parser (`register(sub, load_opts)`) and names the
function of each (`COMMANDS`); `main` runs the chosen one and turns the errors a user can fix into exit code 2
(`assistant.exit_codes`), and a file that could not be written (a full disk) into exit code 5, with a one-line
message instead of a traceback.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from assistant.cli import config, demo, digest, drafts, eval_drafts, input, options, registry, serve, themes
from assistant.cli.output import echo
from assistant.drafting.backends.base import BackendError
from assistant.exit_codes import EXIT_BAD_INPUT, EXIT_CANNOT_WRITE
from clustering.files import CannotWrite, DamagedCacheWarning, no_room
from clustering.problems import LoadError, ValidationError, format_problems

GROUPS = (input, themes, registry, drafts, eval_drafts, digest, config, demo, serve)  # in the order `--help` lists them
COMMANDS = {name: command for group in GROUPS for name, command in group.COMMANDS.items()}


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of `error-themes`."""
    parser = argparse.ArgumentParser(
        prog="error-themes",
        description="Find, explain and track the error themes behind misjudged ad-moderation decisions.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    load_opts = options.load_options()
    for group in GROUPS:
        group.register(sub, load_opts)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code (None: the process's own arguments, and a stop by a signal
    ends the process at once once cleaned up, see `Stopped`)."""
    own_process = argv is None
    argv = sys.argv[1:] if argv is None else argv
    args = build_parser().parse_args(registry.route(argv))
    not_utf8 = undecodable(args, argv)
    if not_utf8:
        echo(f"error: {not_utf8}", err=True)
        return EXIT_BAD_INPUT
    warnings.showwarning = _show_warning
    try:
        with _stopped_cleanly(args.command != "ui"):  # the web server stops itself on Ctrl-C
            return COMMANDS[args.command](args)
    except Stopped as exc:
        echo(f"error: stopped by {exc.name}; nothing half-written was kept (a run, a cache entry, a digest file or a "
             "store change is written whole or not at all)", err=True)
        if own_process:  # native worker threads (the embedding runtimes) may still run: Python's shutdown would
            sys.stdout.flush()  # abort on them ("FATAL: exception not rethrown"); what was ours is cleaned up
            sys.stderr.flush()
            os._exit(128 + exc.signum)
        return 128 + exc.signum
    except ValidationError as exc:
        max_errors = getattr(args, "max_errors", options.DEFAULT_MAX_ERRORS)
        echo(format_problems(exc.problems, max_errors, exc.total), err=True)
        echo(f"error: {exc.path}: {exc.total:,} problem(s) in {exc.bad_rows:,} row(s); nothing was loaded. "
              "Fix them, or use --lenient to skip bad rows.", err=True)
        return EXIT_BAD_INPUT
    except CannotWrite as exc:
        echo(f"error: {exc}", err=True)
        return EXIT_CANNOT_WRITE
    except (LoadError, ValueError, FileNotFoundError, KeyError, BackendError) as exc:
        echo(f"error: {_message(exc)}", err=True)
        return EXIT_BAD_INPUT
    except BrokenPipeError:  # `error-themes ... | head`: the reader has gone; say nothing more, as `cat` would
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # (Python's own flush at exit would fail)
        return 128 + signal.SIGPIPE
    except OSError as exc:  # the rest the system refused (a full disk outside the atomic writes, a permission)
        where = f"{exc.filename}: " if exc.filename else ("the output: " if no_room(exc) else "")
        echo(f"error: {where}{exc.strerror or exc}", err=True)
        return EXIT_CANNOT_WRITE if no_room(exc) else EXIT_BAD_INPUT


class Stopped(BaseException):
    """The command was stopped by a signal (Ctrl-C, or `timeout`/`kill` sending SIGTERM to a cron job)."""

    def __init__(self, signum: int):
        self.signum, self.name = signum, signal.Signals(signum).name
        super().__init__(self.name)


@contextmanager
def _stopped_cleanly(enabled: bool = True) -> Iterator[None]:
    """SIGINT and SIGTERM raise `Stopped`, so the writes under way clean up after themselves (a temporary run
    folder, a claimed run id, an open transaction) instead of the process dying with them half-done. The handlers
    of before are put back on leaving; outside the main thread nothing is changed."""
    def stop(signum, frame):
        raise Stopped(signum)

    if not enabled or threading.current_thread() is not threading.main_thread():
        yield
        return
    before = {signum: signal.signal(signum, stop) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for signum, handler in before.items():
            signal.signal(signum, handler)


def undecodable(args: argparse.Namespace, argv: list[str]) -> str | None:
    """What is wrong with the first argument that is not UTF-8 (the option or argument, and its bytes), or None.
    Python keeps such bytes as lone surrogates, which no store, file or terminal here can take."""
    for dest, value in vars(args).items():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str | Path) and not _utf8(str(item)):
                flag = "--" + dest.replace("_", "-")
                where = flag if any(a == flag or a.startswith(f"{flag}=") for a in argv) else dest.upper()
                return (f"{where} is not valid UTF-8: {os.fsencode(str(item))!r}; give text and file names in "
                        "UTF-8 (rename the file, or convert the text with iconv)")
    return None


def _utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


_python_show_warning = warnings.showwarning


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """A damaged cache entry as one line `warning: ...` (what to know, not where in the code); others as Python
    shows them."""
    if issubclass(category, DamagedCacheWarning):
        echo(f"warning: {message}", err=True)
    else:
        _python_show_warning(message, category, filename, lineno, file, line)


def _message(exc: Exception) -> str:
    """The exception's message (a KeyError's without the quotes str() adds)."""
    if isinstance(exc, KeyError) and exc.args:
        return str(exc.args[0])
    return str(exc)


__all__ = ["COMMANDS", "build_parser", "main"]
