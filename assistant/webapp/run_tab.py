"""The Run tab: open a saved run, or validate a cases file and start a run on it (then draft its themes)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import gradio as gr

from assistant.config import Settings
from assistant.views.markdown import md
from assistant.webapp.components import markdown
from assistant.webapp.display import load_error_text, parse_column_map, run_title_md
from assistant.webapp.drafters import draft_run
from assistant.webapp.paths import INBOX, AllowedFiles
from assistant.webapp.state import Explorer, RunData
from clustering.problems import LoadError, format_problems
from clustering.settings import LoadSettings

UPLOAD_TYPES = [".csv", ".tsv", ".jsonl", ".ndjson", ".gz", ".parquet"]
NO_RUNS = "_No runs in the workspace yet: upload a file and start a run._"
READ_ONLY = ("This workspace is read-only: a run cannot be saved in it. Validate works; start the app on a writable "
             "workspace to run.")


@dataclass
class RunTab:
    picker: gr.Dropdown
    info: gr.Markdown
    upload: gr.File
    path_box: gr.Textbox
    lenient: gr.Checkbox
    column_map: gr.Textbox
    week: gr.Textbox
    draft_after: gr.Checkbox
    validate_btn: gr.Button
    run_btn: gr.Button
    status: gr.Markdown
    details: gr.Textbox

    @property
    def file_inputs(self) -> list:
        return [self.upload, self.path_box, self.lenient, self.column_map]


def build(max_file_size: str | int | None, lenient: bool = False) -> RunTab:
    """The tab's components (max_file_size only labels the upload box; the server enforces it; lenient: the
    checkbox's first state, the settings' load.lenient)."""
    with gr.Tab("Run", id="run"):
        with gr.Row(), gr.Column(scale=3):
            picker = gr.Dropdown(label="Open a run in the workspace (no recomputation)", choices=[], interactive=True,
                                 elem_id="run-picker")
            info = markdown(elem_id="run-info")
        with gr.Row():
            with gr.Column(scale=2):
                limit = f"; up to {max_file_size}" if max_file_size else ""
                upload = gr.File(label=f"Upload a cases file (CSV, TSV, JSON Lines, Parquet{limit})",
                                 file_types=UPLOAD_TYPES, type="filepath", elem_id="upload")
                path_box = gr.Textbox(label=f"... or its path on the server (in the workspace's {INBOX}/ folder or "
                                            "a --data-dir)", placeholder="cases.csv", elem_id="path-box")
            with gr.Column(scale=2):
                lenient = gr.Checkbox(label="Skip bad rows (lenient) instead of rejecting the file", value=lenient)
                column_map = gr.Textbox(label="Column mapping (their column=field, one a line)", lines=2,
                                        placeholder="Ticket=case_id\nQA comment=reviewer_note")
                week = gr.Textbox(label="Only this ISO week (optional)", placeholder="2026-W45")
                draft_after = gr.Checkbox(label="Draft labels, RCAs and policy clarifications after the run",
                                          value=True)
        with gr.Row():
            validate_btn = gr.Button("Validate", elem_id="validate-btn")
            run_btn = gr.Button("Start run", variant="primary", elem_id="run-btn")
        status = markdown(elem_id="load-status")
        details = gr.Textbox(label="Problems and warnings (file:row:field: message)", lines=8, max_lines=30,
                             interactive=False, elem_id="load-details")
    return RunTab(picker, info, upload, path_box, lenient, column_map, week, draft_after, validate_btn, run_btn,
                  status, details)


def run_values(tab: RunTab, explorer: Explorer, data: RunData | None) -> dict:
    """The run picker and the line on the open run."""
    choices = explorer.run_choices()
    if data is None:
        return {tab.picker: gr.update(choices=choices, value=None), tab.info: NO_RUNS}
    return {tab.picker: gr.update(choices=choices, value=data.run_id),
            tab.info: run_title_md(data.run).removeprefix("### ")}


def file_and_name(upload_path: str | None, path_text: str | None, allowed: AllowedFiles) -> tuple[Path, str | None]:
    """The file to read and, for an upload, the name the user gave it. A typed path must lie in an allowed
    folder (Gradio itself accepts only files uploaded to it as `upload_path`)."""
    if upload_path:
        return Path(upload_path), Path(upload_path).name
    if (path_text or "").strip():
        return allowed.resolve(path_text), None
    raise ValueError("Upload a file or type its path first.")


def load_settings_of(lenient: bool, mapping_text: str | None, settings: Settings) -> LoadSettings:
    """How the app loads a file: the settings' `load` section with the tab's choices (the mapping typed overlays
    load.column_map key by key) and the app's input limit; the messages name file, row, field and the kind of
    problem, never a cell value or a column name (the person in the browser may not be allowed to read the file)."""
    mapping = {**settings.load.column_map, **parse_column_map(mapping_text)}
    return settings.load.model_copy(update={"column_map": mapping, "lenient": bool(lenient),
                                            "max_input_bytes": settings.ui.input_limit}).hiding_values()


def validate(upload_path: str | None, path_text: str | None, lenient: bool, mapping_text: str | None,
             allowed: AllowedFiles, settings: Settings) -> tuple[str, str]:
    """(status line, details) of validating an uploaded file or one typed by path."""
    from assistant.views.text import load_summary
    from clustering.load import load_cases

    problems_shown = settings.ui.max_problems_shown
    path = shown = None
    try:
        path, shown = file_and_name(upload_path, path_text, allowed)
        result = load_cases(path, load_settings_of(lenient, mapping_text, settings))
    except LoadError as exc:
        status, details = load_error_text(exc, path, shown, problems_shown)
        return f"❌ **{status}**", details
    except MemoryError:
        return "❌ **The file is too large to load in this server's memory.**", ""
    except ValueError as exc:
        return f"❌ **{md(exc)}**", ""
    summary = load_summary(result)
    if shown:
        summary = summary.replace(str(path), shown)
    warnings = ""
    if result.warnings:
        warnings = "\n\n" + format_problems(result.warnings, problems_shown)
        warnings = warnings.replace(str(path), shown) if shown else warnings
    return "✅ **The file is usable.** Start a run to find its themes.", summary + warnings


def wire(tab: RunTab, explorer: Explorer, settings: Settings, open_run: Callable[[str | None], dict],
         run_outputs: list) -> gr.events.Dependency:
    """Validate and Start run; returns the run's event, for the app to refresh the other tabs after it.

    open_run(run_id): the values of every component showing the open run (listed in run_outputs).
    """
    problems_shown = settings.ui.max_problems_shown
    allowed = AllowedFiles(explorer.workspace.root, settings.ui.data_dirs)

    def validate_file(upload_path, path_text, lenient, mapping_text):
        status, details = validate(upload_path, path_text, lenient, mapping_text, allowed, settings)
        return {tab.status: status, tab.details: details}

    def start_run(upload_path, path_text, lenient, mapping_text, week, draft_too,
                  progress=gr.Progress(track_tqdm=True)):  # noqa: B008
        from assistant.analysis import analyse

        if explorer.read_only:
            return {tab.status: f"❌ **{READ_ONLY}**", tab.details: ""}
        path = shown = None
        try:
            path, shown = file_and_name(upload_path, path_text, allowed)
            progress(0.02, desc="Loading and validating")
            load = load_settings_of(lenient, mapping_text, settings)
            progress(0.1, desc="Embedding, reducing and clustering (a minute or two)")
            run_dir, run = analyse(path, explorer.workspace, settings.theme, load, (week or "").strip() or None)
        except LoadError as exc:
            status, details = load_error_text(exc, path, shown, problems_shown)
            return {tab.status: f"❌ **{status}**", tab.details: details}
        except MemoryError:
            return {tab.status: "❌ **The file is too large to analyse in this server's memory.**", tab.details: ""}
        except (ValueError, OSError) as exc:
            return {tab.status: f"❌ **{md(exc)}**", tab.details: ""}
        note = ""
        if draft_too:
            progress(0.85, desc="Drafting labels, RCA narratives and policy clarifications")
            note = draft_run(explorer, run_dir, settings.llm)
        progress(1.0, desc="Done")
        return {tab.status: f"✅ **Run {run.run_id} saved**: {len(run.themes)} themes, {run.unthemed:,} unthemed. "
                            f"{md(note)}",
                tab.details: "", **open_run(run.run_id)}

    inputs = tab.file_inputs
    tab.validate_btn.click(validate_file, inputs, [tab.status, tab.details], api_name="validate")
    tab.upload.upload(validate_file, inputs, [tab.status, tab.details])
    return tab.run_btn.click(start_run, [*inputs, tab.week, tab.draft_after], [tab.status, tab.details, *run_outputs],
                             concurrency_limit=1)
