"""Serving the app: logins, the bind check, and the command line (`error-themes ui`, `python ui.py`).

The app listens on 127.0.0.1 unless told otherwise, and refuses any other address without a login; it answers
only its configured host names and slows repeated failed logins (`assistant.webapp.guard`).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from assistant.config import Settings, UISettings, load_settings
from assistant.hosts import is_loopback_host
from assistant.webapp.app import CSS, build_app, gradio_theme
from assistant.webapp.guard import guard_kwargs
from assistant.webapp.options import AUTH_ENV, add_arguments
from assistant.workspace.runs import DEFAULT_WORKSPACE

AUTH_MESSAGE = "error-themes: log in to see the workspace."


def read_auth(path: str | Path | None = None, environ: dict[str, str] | None = None) -> list[tuple[str, str]] | None:
    """Logins from a file of `user:password` lines, or else from $ERROR_THEMES_UI_AUTH (`user:password`)."""
    environ = os.environ if environ is None else environ
    if path is not None:
        try:
            lines = Path(path).read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise ValueError(f"{path}: cannot read the logins file: {exc}") from exc
        source = str(path)
    elif environ.get(AUTH_ENV):
        lines, source = [environ[AUTH_ENV]], f"${AUTH_ENV}"
    else:
        return None
    logins = []
    for n, line in enumerate(lines, 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        user, sep, password = line.partition(":")
        if not sep or not user.strip() or not password:
            raise ValueError(f"{source}:{n}: expected user:password")
        logins.append((user.strip(), password))
    if not logins:
        raise ValueError(f"{source}: no logins (lines of user:password)")
    return logins


def with_ui(settings: Settings, **values) -> Settings:
    """`settings` with the `ui` values given (None keeps the setting), checked again; data folders are added to
    those of the settings file."""
    ui = settings.ui.model_dump()
    ui.update({k: v for k, v in values.items() if v is not None})
    ui["data_dirs"] = [*settings.ui.data_dirs, *(values.get("data_dirs") or [])]
    return settings.model_copy(update={"ui": UISettings.model_validate(ui)})


def launch(workspace: str | Path = DEFAULT_WORKSPACE, host: str | None = None, port: int | None = None, auth=None,
           *, block: bool = True, llm_config: str | Path | None = None, max_file_size: str | int | None = None,
           quiet: bool = False, settings: Settings | None = None, data_dirs: list[str | Path] | None = None):
    """Start the app. Listening beyond this machine needs a login (`auth`: (user, password) pairs or a callable).

    settings: every setting (default: `load_settings(llm_config)`); host, port and max_file_size override its
    `ui` section; data_dirs (folders the Run tab may open files from) add to it. block=False returns once the
    server runs (tests, scripts); call `.close()` on the returned app.
    """
    settings = with_ui(settings or load_settings(llm_config), host=host, port=port, max_file_size=max_file_size,
                       data_dirs=data_dirs)
    ui = settings.ui
    if not is_loopback_host(ui.host) and not auth:
        raise ValueError(f"refusing to listen on {ui.host} without a login: anyone on the network could read the "
                         f"cases and change drafts. Give --auth-file FILE (lines of user:password) or set "
                         f"{AUTH_ENV}=user:password, or listen on 127.0.0.1")
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    # uvicorn believes X-Forwarded-For from these addresses only (its default, 127.0.0.1, would let anything on this
    # machine, or a proxy that passes the header on, pick the client address the login limit counts)
    os.environ["FORWARDED_ALLOW_IPS"] = ",".join(ui.trusted_proxies)
    app = build_app(workspace, settings)
    app.queue(default_concurrency_limit=ui.concurrency)
    app.launch(server_name=ui.host, server_port=ui.port, auth=auth, prevent_thread_lock=not block, quiet=quiet,
               show_error=False, max_file_size=ui.max_file_size, theme=gradio_theme(), css=CSS, ssr_mode=False,
               footer_links=["settings"], inbrowser=False, share=False, auth_message=AUTH_MESSAGE,
               app_kwargs=guard_kwargs(ui, auth))
    return app


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="error-themes ui", description="The error-themes web app (Gradio).")
    add_arguments(parser)
    return parser


def run_from_args(args: argparse.Namespace) -> int:
    """Start the app from parsed options, with the one Settings object of --config; 2 on a configuration error."""
    try:
        settings = load_settings(args.config)
        auth = read_auth(args.auth_file)
        launch(args.workspace, args.host, args.port, auth, max_file_size=args.max_file_size, settings=settings,
               data_dirs=args.data_dir)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


def main(argv: list[str] | None = None) -> int:
    """`error-themes ui` / `python ui.py`."""
    return run_from_args(build_parser().parse_args(argv))
