"""``rarebone differential``: rank every rare disease HPO annotates by how well it fits the child's features."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from rarebone.cli.options import OutputFormat, OutputOption, write_output
from rarebone.errors import InputError, RareboneError

SCHEMAS = {"differential": "rarebone.workflows.differential:Differential"}


def _tell_build(path: Path) -> None:
    print(f"rarebone: building the differential index once for this HPO release (about 15 s); cached in {path.parent}",
          file=sys.stderr)


def register(app: typer.Typer) -> None:
    @app.command("differential")
    def differential(
        inputs: list[Path] = typer.Argument(..., help="Phenopacket v2 JSON files or folders of them."),
        top: int = typer.Option(20, "--top", min=1, max=500, help="How many diseases to list (1-500)."),
        format: OutputFormat = typer.Option(OutputFormat.TEXT, "--format", "-f",
                                            help="text, json (JSON Lines for several files) or html."),
        output: Path | None = OutputOption,
    ) -> None:
        """Phenotype-driven differential over all rare diseases (OMIM and Orphanet, HPO annotations): each with
        the child's matching features, the features against it and what to look for next.

        Example: rarebone differential examples/phenopackets/tcirg1-infant.json --top 10
        """
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        from rarebone.intake import expand_inputs
        from rarebone.workflows.differential import differential_file

        files = expand_inputs(list(inputs))
        if not files:
            raise InputError("no .json files found", source=", ".join(map(str, inputs)))
        single = len(files) == 1 and not inputs[0].is_dir()
        results, failures = [], 0
        progress = Progress(TextColumn("ranking"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                            console=Console(stderr=True), disable=len(files) < 5 or not sys.stderr.isatty(),
                            transient=True)
        with progress:
            task = progress.add_task("differential", total=len(files))
            for path in files:
                try:
                    results.append(differential_file(path, top=top, on_build=_tell_build))
                except RareboneError as error:
                    if single:
                        raise
                    failures += 1
                    print(f"rarebone: error: {error}", file=sys.stderr)
                progress.advance(task)
        if format is OutputFormat.JSON:
            content = (results[0].model_dump_json(indent=2) if single
                       else "\n".join(r.model_dump_json() for r in results) + ("\n" if results else ""))
        elif format is OutputFormat.HTML:
            from rarebone.report.differential_render import render_html

            content = render_html(results)
        else:
            from rarebone.report.differential_render import render_text

            content = ("\n" + "=" * 100 + "\n\n").join(render_text(r) for r in results)
        if results:
            write_output(content, output)
        if failures:
            print(f"rarebone: {failures} of {len(files)} files failed (listed above); the others were ranked",
                  file=sys.stderr)
            raise typer.Exit(2)
