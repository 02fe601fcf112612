"""``rarebone cno plan`` and ``rarebone cno course``."""

from __future__ import annotations

from pathlib import Path

import typer

from rarebone.cli.options import DocumentFormat, OutputOption, resolve_format, write_output
from rarebone.errors import InputError

SCHEMAS = {"cno-block": "rarebone.cno.models:CnoBlock", "cno-course": "rarebone.workflows.cno_course:CnoCourse",
           "cno-plan": "rarebone.workflows.cno_plan:CnoPlan"}


def _need_file_for_pdf(format: DocumentFormat, output: Path | None) -> DocumentFormat:
    format = resolve_format(format, output, DocumentFormat, DocumentFormat.TEXT)
    if format == DocumentFormat.PDF and output is None:
        raise InputError("PDF is binary: give -o FILE.pdf", path="--output")
    return format


def _render(format: DocumentFormat, result, text, html) -> str | bytes:
    if format == DocumentFormat.JSON:
        return result.model_dump_json(indent=2)
    if format == DocumentFormat.HTML:
        return html()
    if format == DocumentFormat.PDF:
        from rarebone.report.pdf import html_to_pdf

        return html_to_pdf(html())
    return text()


def register(app: typer.Typer) -> None:
    sub = typer.Typer(help="Chronic nonbacterial osteomyelitis: treatment ladder and disease course.", no_args_is_help=True)

    @sub.command("plan")
    def plan(child: Path = typer.Argument(..., help="Phenopacket of the child."),
             start: str = typer.Option(None, "--start", help="Date of the first pamidronate infusion (YYYY-MM-DD)."),
             regimen: str = typer.Option(None, "--regimen", help="One pamidronate regimen (simm2008, miettunen2009, kerrison2004, carra_ctp)."),
             ladder_only: bool = typer.Option(False, "--ladder-only", help="Only the ladder: no dose, no calendar (for a child without a recorded weight)."),
             reason: str = typer.Option(None, "--reason", help="Why a pamidronate calendar is wanted although the ladder does not offer it (printed on the plan)."),
             as_of: str = typer.Option(None, "--as-of", help="Date the plan is made (YYYY-MM-DD; default today): an ongoing NSAID trial is measured to it."),
             anakinra_max: float = typer.Option(None, "--anakinra-max-mg-per-day", help="The prescriber's daily anakinra maximum (replaces the UNVERIFIED default; printed as set by the prescriber)."),
             format: DocumentFormat = typer.Option(None, "--format", help="text, json, html or pdf (pdf needs -o); default from -o's suffix."),
             output: Path = OutputOption) -> None:
        """Where the child is on the CNO ladder, the next options, and pamidronate calendars."""
        from rarebone.knowledge import load
        from rarebone.report.cno_render import plan_html, plan_text
        from rarebone.workflows.cno_plan import build_plan

        from rarebone.cli.commands.plan import parse_date

        start_date = parse_date(start, "--start") if start else None
        as_of_date = parse_date(as_of, "--as-of") if as_of else None
        kb = load()
        format = _need_file_for_pdf(format, output)
        result = build_plan(child, kb, start_date, regimen, ladder_only=ladder_only, as_of=as_of_date, reason=reason,
                            anakinra_max_mg_per_day=anakinra_max)
        write_output(_render(format, result, lambda: plan_text(result, kb), lambda: plan_html(result, kb)), output)

    @sub.command("course")
    def course(paths: list[Path] = typer.Argument(..., help="Phenopacket files or folders."),
               format: DocumentFormat = typer.Option(None, "--format", help="text, json, html or pdf (pdf needs -o); default from -o's suffix."),
               output: Path = OutputOption) -> None:
        """Activity per visit, PedCNO responses, lesion statuses and S4-style summaries."""
        from rarebone.knowledge import load
        from rarebone.report.cno_render import course_html, course_text
        from rarebone.workflows.cno_course import build_course

        kb = load()
        format = _need_file_for_pdf(format, output)
        result = build_course(paths, kb)
        warned = [f"rarebone: {p.source}: {w}" for p in result.patients for w in p.warnings]
        if warned:  # the course itself does not print record warnings: say them, and count them
            import sys

            print("\n".join(warned) + f"\nrarebone: {len(warned)} warning(s) about the records (above)", file=sys.stderr)
        if result.patients:
            write_output(_render(format, result, lambda: course_text(result, kb), lambda: course_html(result, kb)),
                         output)
        if result.errors:  # a folder with a broken file: the others are reported, the exit status says not all were
            import sys

            for error in result.errors:
                print(f"rarebone: error: {error}", file=sys.stderr)
            print(f"rarebone: {len(result.errors)} file(s) failed (listed above); the others are in the course",
                  file=sys.stderr)
            raise typer.Exit(2)

    app.add_typer(sub, name="cno")
