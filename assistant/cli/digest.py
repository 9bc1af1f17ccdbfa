"""`digest`: write the weekly theme digest of one ISO week (Markdown, HTML, JSON), and post it to a webhook."""

from __future__ import annotations

import argparse
from pathlib import Path

from assistant.cli import options
from assistant.cli.output import echo
from assistant.config import DigestSettings
from assistant.exit_codes import EXIT_DELIVERY_FAILED

DEFAULTS = DigestSettings()


def register(sub, load_opts: argparse.ArgumentParser) -> None:
    p = sub.add_parser("digest", parents=[load_opts], help="write the weekly theme digest (Markdown, HTML, JSON)",
                       description="Write the digest of one ISO week: the headline metrics with intervals and the "
                                   "change from the previous week (beyond or within noise), the themes matched to "
                                   "last week's (new, growing, shrinking, steady, gone) ranked by impact, the "
                                   "drafted label, RCA and action of the top ones, policy clarifications accepted "
                                   "since the previous digest, drafts waiting for review, and what the run covered. "
                                   "Saved runs and drafts are reused, so a re-run is quick and gives the same "
                                   "digest. Exit codes: 0 written; 1 written, some drafts failed; 2 bad input; "
                                   "3 no data in that week (a short digest saying so is still written); 4 written, "
                                   "but the webhook delivery failed.")
    p.add_argument("file", type=Path, help="cases file: .csv, .tsv, .jsonl or .parquet")
    p.add_argument("--week", required=True, metavar="YYYY-Www", help="the ISO week of the digest, e.g. 2026-W45")
    options.add_workspace(p)
    p.add_argument("--out", type=Path, metavar="DIR",
                   help="write digest.md, digest.html and digest.json here (default WORKSPACE/digests/WEEK/)")
    p.add_argument("--config", type=Path, help="settings file (YAML): the theme, load, llm, digest and stats sections")
    # no argparse defaults: an option overlays the settings (file, environment) only when the user typed it
    p.add_argument("--top", type=int, metavar="N",
                   help="themes shown in full, by impact; new and growing ones are added (default: the settings' "
                        f"digest.top, {DEFAULTS.top})")
    p.add_argument("--window", type=int, metavar="WEEKS",
                   help="ISO weeks analysed, ending at --week (default: the settings' digest.window, "
                        f"{DEFAULTS.window})")
    p.add_argument("--match-threshold", type=options.similarity, default=None, metavar="SIM",
                   help="a fixed centroid cosine (-1 to 1) from which a theme is last week's theme (default: the "
                        "run's same-theme bar, relative to its themes' spread; see the tracking settings)")
    p.add_argument("--webhook", metavar="URL",
                   help="also post a summary to this Slack-compatible incoming webhook (http or https; a user and "
                        "password in the URL are sent as basic auth and never shown; a redirect is not followed "
                        "and counts as a failed delivery; digest.webhook_timeout_s bounds the whole delivery)")


def cmd_digest(args: argparse.Namespace) -> int:
    from assistant.digest.build import write_digest

    workspace = options.writable_workspace(args.workspace, *([args.out.parent] if args.out is not None else []))
    result = write_digest(args.file, args.week, workspace, out=args.out, config=args.config,
                          webhook=args.webhook, top=args.top, window=args.window,
                          match_threshold=args.match_threshold, settings=options.theme_settings(args),
                          load_settings=options.loading(args))
    echo(result.summary())
    for failure in result.digest.drafts_failed:
        echo(f"failed: {failure}", err=True)
    if result.exit_code == EXIT_DELIVERY_FAILED:
        echo(f"error: webhook {result.delivery}; the digest files were written", err=True)
    return result.exit_code


COMMANDS = {"digest": cmd_digest}
