"""``rarebone assess``: one Assessment per Phenopacket (file, several files, or folders)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from rarebone.cli.commands.differential import tell_index_build
from rarebone.cli.options import DocumentFormat, OutputOption, resolve_format, write_output
from rarebone.errors import InputError, RareboneError
from rarebone.report.terminal import strip_controls

SCHEMAS = {"assessment": "rarebone.workflows.assess:Assessment"}


class _NoProgress:
    """Stands in for rich's progress bar when none is shown: importing rich.progress costs ~60 ms of the
    single-child cold start."""

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        return None

    def add_task(self, *args, **kwargs) -> int:
        return 0

    def advance(self, *args) -> None:
        return None


def _progress(total: int):
    if total < 20 or not sys.stderr.isatty():
        return _NoProgress()
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
    from rich.console import Console

    return Progress(TextColumn("assessing"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                    console=Console(stderr=True), disable=total < 20 or not sys.stderr.isatty(), transient=True)


def register(app: typer.Typer) -> None:
    @app.command("assess")
    def assess(
        inputs: list[Path] = typer.Argument(..., help="Phenopacket v2 JSON or FHIR R4 Bundle files, or folders of them."),
        format: DocumentFormat = typer.Option(None, "--format", "-f",
                                              help="text, json (JSON Lines for several files), html, pdf (needs -o) or "
                                                   "fhir (an R4 Bundle); default from -o's suffix, else text."),
        output: Path | None = OutputOption,
        differential: int = typer.Option(10, "--differential", min=0, max=500,
                                         help="How many diseases the phenotype-driven differential lists (0: leave "
                                              "it out)."),
    ) -> None:
        """Assess children for osteopetrosis (and CNO): suspicion with evidence, genetics, HSCT indication, urgency,
        work-up and donor ranking. Decision support: to be checked by the responsible clinician."""
        from rarebone.intake import expand_inputs
        from rarebone.workflows.assess import assess_file

        format = resolve_format(format, output, DocumentFormat, DocumentFormat.TEXT)
        if format is DocumentFormat.PDF and output is None:
            raise InputError("PDF is binary; give -o FILE", path="--output")
        files = expand_inputs(list(inputs))
        if not files:
            raise InputError("no .json files found", source=", ".join(map(str, inputs)))
        single = len(files) == 1 and not inputs[0].is_dir()
        results, failures, bugs = [], [], 0
        with _progress(len(files)) as progress:
            task = progress.add_task("assess", total=len(files))
            for path in files:
                try:
                    results.append(assess_file(path, differential_top=differential, on_build=tell_index_build))
                except RareboneError as error:
                    if single:
                        raise
                    failures.append(str(error))
                    print(f"rarebone: error: {strip_controls(str(error))}", file=sys.stderr)
                except Exception as error:  # noqa: BLE001 - a bug on one file must not lose the whole folder
                    if single:
                        raise
                    bugs += 1
                    failures.append(f"{path}: internal error ({type(error).__name__}); please report it")
                    print(f"rarebone: bug: {failures[-1]}", file=sys.stderr)
                progress.advance(task)
        if format is DocumentFormat.JSON:
            if single:
                content = results[0].model_dump_json(indent=2)
            else:
                content = "\n".join(r.model_dump_json() for r in results) + ("\n" if results else "")
        elif format is DocumentFormat.FHIR:
            from rarebone.report.fhir_out import assessment_bundle, dumps

            content = (dumps(assessment_bundle(results[0])) if single else
                       "".join(json.dumps(assessment_bundle(r)) + "\n" for r in results))
        elif format in (DocumentFormat.HTML, DocumentFormat.PDF):
            from rarebone.report.html import render

            content = render("assessment_batch.html" if not single else "assessment.html",
                             a=results[0] if single else None, results=results, failures=failures)
            if format is DocumentFormat.PDF and results:
                from rarebone.report.pdf import html_to_pdf

                content = html_to_pdf(content)
        else:
            from rarebone.report.assessment_text import render_text

            content = ("\n" + "=" * 100 + "\n\n").join(render_text(r) for r in results)
            if not single:
                levels = {}
                for r in results:
                    key = r.suspicion["osteopetrosis"].level.value
                    levels[key] = levels.get(key, 0) + 1
                content += (f"\nSUMMARY: {len(files)} files, {len(results)} assessed, {len(failures)} failed; "
                            f"osteopetrosis suspicion {json.dumps(levels)}\n")
        if results:
            write_output(content, output)
        if failures:
            print(f"rarebone: {len(failures)} of {len(files)} files failed (listed above); the others were assessed",
                  file=sys.stderr)
            raise typer.Exit(1 if bugs else 2)
