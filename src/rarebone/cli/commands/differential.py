"""``rarebone differential``: rank every rare disease HPO annotates by how well it fits the child's features."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from rarebone.cli.options import OutputFormat, OutputOption, write_output
from rarebone.errors import InputError, RareboneError

SCHEMAS = {"differential": "rarebone.workflows.differential:Differential"}


def tell_index_build(path: Path) -> None:
    """Why the first run waits: said on stderr before the differential index is built (assess and differential)."""
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
                    results.append(differential_file(path, top=top, on_build=tell_index_build))
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

    _register_evaluation(app)


def _register_evaluation(app: typer.Typer) -> None:
    @app.command("validate-differential")
    def validate_differential(
        inputs: list[Path] = typer.Argument(None, help="Phenopacket files or folders (truth: the key, else each "
                                                          "file's diseases/interpretations)."),
        key: list[Path] = typer.Option([], "--key", help="Key CSV(s) or folder of them: columns file, disease_id "
                                                          "(and category for the group)."),
        baseline: bool = typer.Option(False, "--baseline", help="Also rank with hpo3's Resnik similarity "
                                                                "(about 1 s a case)."),
        simulate: int = typer.Option(0, "--simulate", min=0, max=100000, help="Add N simulated cases "
                                                                             "(Phenomizer protocol)."),
        seed: int = typer.Option(1, "--seed", help="Seed of the simulated cases."),
        limit: int = typer.Option(0, "--limit", min=0, help="Evaluate only the first N files (0: all)."),
        floor_top10: float = typer.Option(0.0, "--floor-top10", min=0.0, max=1.0,
                                          help="Exit 3 when overall top-10 falls below this (a regression guard)."),
        format: OutputFormat = typer.Option(OutputFormat.TEXT, "--format", "-f", help="text or json."),
        output: Path | None = OutputOption,
    ) -> None:
        """Evaluate the differential: top-1/3/10 and MRR by group with Wilson 95% intervals, beside hpo3's own
        similarity ranking.

        Example: rarebone validate-differential tests/data/real-cases --key tests/data/real-cases/keys --baseline
        """
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        from rarebone.intake import expand_inputs
        from rarebone.validation.differential_eval import evaluate, read_key, render_text

        files = expand_inputs(list(inputs)) if inputs else []
        if limit:
            files = files[:limit]
        if not files and not simulate:
            raise InputError("no cases: give Phenopacket files or folders, or --simulate N", path="INPUTS")
        truth = read_key(list(key)) if key else None
        progress = Progress(TextColumn("evaluating"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                            console=Console(stderr=True), disable=not sys.stderr.isatty(), transient=True)
        with progress:
            task = progress.add_task("evaluate", total=len(files) + simulate)
            report = evaluate(files, key=truth, baseline=baseline, simulate=simulate, seed=seed,
                              progress=lambda: progress.advance(task))
        if format is OutputFormat.JSON:
            import json

            content = json.dumps(report, indent=2)
        elif format is OutputFormat.TEXT:
            content = render_text(report)
        else:
            raise InputError("validate-differential writes text or json", path="--format", value=format.value)
        write_output(content, output)
        overall = next((g for g in report["groups"] if g["group"] == "all"), report["groups"][0] if report["groups"] else None)
        if floor_top10 and overall is not None and overall["top"]["10"] < floor_top10:
            print(f"rarebone: top-10 {overall['top']['10']:.3f} is below the floor {floor_top10:.3f}", file=sys.stderr)
            raise typer.Exit(3)
