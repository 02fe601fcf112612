"""``rarebone cno plan`` and ``rarebone cno course``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer

from rarebone.cli.options import OutputFormat, OutputOption, write_output
from rarebone.errors import InputError

SCHEMAS = {"cno-block": "rarebone.cno.models:CnoBlock", "cno-course": "rarebone.workflows.cno_course:CnoCourse",
           "cno-plan": "rarebone.workflows.cno_plan:CnoPlan"}


def register(app: typer.Typer) -> None:
    sub = typer.Typer(help="Chronic nonbacterial osteomyelitis: treatment ladder and disease course.", no_args_is_help=True)

    @sub.command("plan")
    def plan(child: Path = typer.Argument(..., help="Phenopacket of the child."),
             start: str = typer.Option(None, "--start", help="Date of the first pamidronate infusion (YYYY-MM-DD)."),
             regimen: str = typer.Option(None, "--regimen", help="One pamidronate regimen (simm2008, miettunen2009, kerrison2004, carra_ctp)."),
             format: OutputFormat = typer.Option(OutputFormat.TEXT, "--format"), output: Path = OutputOption) -> None:
        """Where the child is on the CNO ladder, the next options, and pamidronate calendars."""
        from rarebone.knowledge import load
        from rarebone.report.cno_render import plan_html, plan_text
        from rarebone.workflows.cno_plan import build_plan

        start_date = None
        if start:
            try:
                start_date = dt.date.fromisoformat(start)
            except ValueError:
                raise InputError("not a date of the form YYYY-MM-DD", path="--start", value=start) from None
        kb = load()
        result = build_plan(child, kb, start_date, regimen)
        content = {OutputFormat.JSON: lambda: result.model_dump_json(indent=2), OutputFormat.HTML: lambda: plan_html(result, kb),
                   OutputFormat.TEXT: lambda: plan_text(result, kb)}[format]()
        write_output(content, output)

    @sub.command("course")
    def course(paths: list[Path] = typer.Argument(..., help="Phenopacket files or folders."),
               format: OutputFormat = typer.Option(OutputFormat.TEXT, "--format"), output: Path = OutputOption) -> None:
        """Activity per visit, PedCNO responses, lesion statuses and S4-style summaries."""
        from rarebone.knowledge import load
        from rarebone.report.cno_render import course_html, course_text
        from rarebone.workflows.cno_course import build_course

        kb = load()
        result = build_course(paths, kb)
        content = {OutputFormat.JSON: lambda: result.model_dump_json(indent=2), OutputFormat.HTML: lambda: course_html(result, kb),
                   OutputFormat.TEXT: lambda: course_text(result, kb)}[format]()
        write_output(content, output)

    app.add_typer(sub, name="cno")
