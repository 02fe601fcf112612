"""``rarebone monitor``: engraftment, graft failure, chimerism, GVHD, VOD and hypercalcaemia after HSCT."""

from __future__ import annotations

from pathlib import Path

import typer

from rarebone.cli.options import DocumentFormat, OutputOption, refuse_fhir, resolve_format, write_output

SCHEMAS = {"monitoring-report": "rarebone.workflows.monitor:MonitoringReport"}



def register(app: typer.Typer) -> None:
    @app.command("monitor")
    def monitor(
        phenopacket: Path = typer.Argument(..., help="Post-transplant Phenopacket v2 JSON with dated measurements."),
        day0: str = typer.Option(None, "--day0", help="Day 0 (YYYY-MM-DD); else the HSCT procedure's date."),
        platelet_definition: str = typer.Option("beijing", "--platelet-definition",
                                                help="beijing (> 50 x10^9/L, 7 days; default) or astct (>= 20)."),
        format: DocumentFormat = typer.Option(None, "--format", help="text, json, html or pdf (default from -o's suffix)."),
        output: Path = OutputOption,
    ) -> None:
        """Post-transplant monitoring report with engraftment chart."""
        from rarebone.cli.commands.plan import parse_date
        from rarebone.intake.phenopacket import read_phenopacket
        from rarebone.knowledge import load
        from rarebone.report import transplant
        from rarebone.workflows.monitor import monitor as run

        format = resolve_format(format, output, DocumentFormat, DocumentFormat.TEXT)
        refuse_fhir(format)
        kb = load()
        intake = read_phenopacket(phenopacket)
        report = run(kb, intake.patient, day0=parse_date(day0, "--day0") if day0 else None,
                     platelet_definition=platelet_definition)
        report.warnings[:0] = [w for w in intake.warnings if w.startswith("warning:")]  # e.g. dates after today
        if format == DocumentFormat.JSON:
            write_output(report.model_dump_json(indent=2), output)
        elif format == DocumentFormat.HTML:
            write_output(transplant.monitor_html(report, kb), output)
        elif format == DocumentFormat.PDF:
            from rarebone.report.pdf import html_to_pdf

            write_output(html_to_pdf(transplant.monitor_html(report, kb)), output)
        else:
            write_output(transplant.monitor_text(report), output)
