"""``rarebone report``: a cohort paper's results from the registry (tables, survival, log-rank, Cox, CIF)."""

from __future__ import annotations

from pathlib import Path

import typer

from rarebone.cli.options import DocumentFormat, OutputOption, refuse_fhir, write_output

SCHEMAS = {"outcomes": "rarebone.workflows.outcomes:OutcomesReport"}



def register(app: typer.Typer) -> None:
    @app.command("report")
    def report(
        cohort: str = typer.Option(None, "--cohort", help="Filter, e.g. \"diagnosis in (MIOP, IOP) and transplant.donor_type == 'haploidentical'\"."),
        by: list[str] = typer.Option(None, "--by", help="Compare groups by this field (repeatable), e.g. donor_relation."),
        at: list[float] = typer.Option(None, "--at", help="Survival at this time (repeatable), in --time-unit; default 5 years."),
        time_unit: str = typer.Option("months", "--time-unit", help="days, months or years."),
        origin: str = typer.Option("transplant", "--origin", help="Time origin: transplant or diagnosis."),
        covariate: list[str] = typer.Option(None, "--covariate", help="Cox covariate (repeatable); default age at transplant and CD34+ dose."),
        spread: str = typer.Option("range", "--spread", help="Numbers in the tables as median (range) or median (iqr)."),
        db: str = typer.Option(None, "--db", help="Database URL or SQLite file (default: $RAREBONE_DB, else the user data folder)."),
        fmt: DocumentFormat = typer.Option(None, "--format", help="text, json, html or pdf (default from -o's suffix, else text)."),
        output: Path = OutputOption,
    ) -> None:
        """Outcomes report from the registry: Table 1/2, Kaplan-Meier, log-rank, Cox, cumulative incidence."""
        from rarebone.registry import db as dbm
        from rarebone.report import outcomes as render
        from rarebone.workflows import outcomes

        if fmt is None:
            suffix = output.suffix.lower().lstrip(".") if output else ""
            fmt = DocumentFormat(suffix) if suffix in ("json", "html", "pdf") else DocumentFormat.TEXT
        refuse_fhir(fmt)
        engine = dbm.open_registry(db)
        result, figures = outcomes.run(engine, cohort=cohort, by=by or [], at=at or None, time_unit=time_unit,
                                       origin=origin, covariates=covariate or None, spread=spread,
                                       figures=fmt in (DocumentFormat.HTML, DocumentFormat.PDF))
        if fmt == DocumentFormat.JSON:
            write_output(result.model_dump_json(indent=2), output)
        elif fmt == DocumentFormat.TEXT:
            write_output(render.to_text(result), output)
        else:
            html = render.to_html(result, figures)
            if fmt == DocumentFormat.HTML:
                write_output(html, output)
            else:
                from rarebone.report.pdf import html_to_pdf

                write_output(html_to_pdf(html), output)
