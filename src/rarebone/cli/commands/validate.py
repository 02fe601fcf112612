"""``rarebone validate``: the clinical validation report on a set of real cases with an answer key.

Exit status: 0 report written; 2 bad input (key file missing or malformed, unknown category, a case file that
cannot be read: the report is still written and lists it); 3 a figure is below its ``--floor`` (one line each).
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from rarebone.cli.options import OutputFormat, OutputOption, write_output
from rarebone.errors import InputError

SCHEMAS = {"validation": "rarebone.validation.models:ValidationReport"}
EXIT_BELOW_FLOOR = 3


def register(app: typer.Typer) -> None:
    @app.command("validate")
    def validate(
        cases: list[Path] = typer.Argument(..., help="Phenopacket files or folders of them (the cases of the key)."),
        key: list[Path] = typer.Option(..., "--key", help="Answer key: CSV or JSON file, or a folder of them (repeatable)."),
        negatives: list[Path] = typer.Option([], "--negatives", help="Files/folders of cases with neither condition (no key needed)."),
        phenotype_only: bool = typer.Option(False, "--phenotype-only", help="Remove diseases and interpretations first."),
        format: OutputFormat = typer.Option(OutputFormat.TEXT, "--format", "-f", help="text, json or html."),
        output: Path | None = OutputOption,
        floor: Path | None = typer.Option(None, "--floor", help="YAML of minimum figures; exit 3 below any of them."),
    ) -> None:
        """Clinical validation report: sensitivity and specificity per condition with Wilson 95% intervals,
        levels per category, HSCT agreement, every miss and false alarm with its evidence."""
        from rarebone.cli.commands.assess import _progress
        from rarebone.intake import expand_inputs
        from rarebone.validation import read_keys, run_validation
        from rarebone.validation.floor import check_floor, read_floor

        rows = read_keys(key)
        floor_spec = read_floor(floor) if floor else None
        key_paths = {p.resolve() for p in key if p.is_file()} | {p.resolve() for d in key if d.is_dir() for p in d.iterdir()}
        negative_files = expand_inputs(list(negatives))
        # A key folder or a --negatives folder inside CASES is not a case of the key.
        skip = key_paths | {p.resolve() for p in negative_files}
        files = [p for p in expand_inputs(list(cases)) if p.resolve() not in skip]
        if not files:
            raise InputError("no .json case files found", source=", ".join(map(str, cases)))
        with _progress(len(files) + len(negative_files)) as progress:
            task = progress.add_task("validate", total=len(files) + len(negative_files))
            report = run_validation(files, rows, negatives=negative_files, phenotype_only=phenotype_only,
                                    key_paths=[str(p) for p in key], on_case=lambda _: progress.advance(task))
        failures = check_floor(report, floor_spec, str(floor)) if floor_spec else []
        report = report.model_copy(update={"floor_failures": failures})
        if format is OutputFormat.JSON:
            content = report.model_dump_json(indent=2) + "\n"
        elif format is OutputFormat.HTML:
            from rarebone.validation.render import render_html

            content = render_html(report)
        else:
            from rarebone.validation.render import render_text

            content = render_text(report)
        write_output(content, output)
        for line in report.errors:
            print(f"rarebone: error: {line}", file=sys.stderr)
        for line in failures:
            print(f"rarebone: floor check failed: {line}", file=sys.stderr)
        if report.errors:
            raise typer.Exit(2)
        if failures:
            raise typer.Exit(EXIT_BELOW_FLOOR)
