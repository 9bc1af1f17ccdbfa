"""`config`: the settings in force, from defaults, the settings file and the environment (never an API key, nor
credentials in llm.base_url)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import yaml

from assistant.cli import options
from assistant.cli.output import echo
from assistant.exit_codes import EXIT_OK
from assistant.urls import masked


def register(sub, load_opts: argparse.ArgumentParser) -> None:
    p = sub.add_parser("config", help="show the settings in force (never an API key)",
                       description="Show the settings in force, from defaults, the settings file and the "
                                   "environment. API keys are never shown; only whether their variable is set.")
    p.add_argument("--config", type=Path, help="settings file (YAML)")


def cmd_config(args: argparse.Namespace) -> int:
    settings = options.settings(args)
    echo("# settings in force (defaults, then the settings file, then ERROR_THEMES_* variables)")
    shown = settings.model_dump(mode="json")
    if shown["llm"]["base_url"]:
        shown["llm"]["base_url"] = masked(shown["llm"]["base_url"])  # a password in it is not shown either
    echo(yaml.safe_dump(shown, sort_keys=False).rstrip())
    key_set = bool(os.environ.get(settings.llm.api_key_env))
    echo(f"# API key: {'set' if key_set else 'not set'} in ${settings.llm.api_key_env} (never shown)")
    return EXIT_OK


COMMANDS = {"config": cmd_config}
