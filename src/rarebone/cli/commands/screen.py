"""``rarebone screen``: population screening of an OMOP CDM for missed osteopetrosis and CNO."""

from __future__ import annotations

from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    @app.command("screen")
    def screen(
        cdm: str = typer.Option(..., "--cdm", help="duckdb:///cdm.duckdb, postgresql+psycopg://user@host/db, "
                                "parquet:///folder (Parquet or CSV tables), spark://master or sc://host (Spark)."),
        out: Path = typer.Option(None, "--out", help="Flagged children: .parquet, .csv or .tsv."),
        report: Path = typer.Option(None, "--report", help="HTML summary (counts, ages, missed opportunities)."),
        schema: str = typer.Option(None, "--schema", help="Schema (PostgreSQL) or database (Spark) of the CDM tables."),
        results_schema: str = typer.Option(None, "--results-schema",
                                           help="Write the OMOP cohort table here (cohort_definition_id 1501 "
                                                "osteopetrosis, 1502 CNO; this screen's rows are replaced)."),
        since: str = typer.Option(None, "--since", help="Only patterns completed on or after this date (YYYY-MM-DD)."),
        threads: int = typer.Option(None, "--threads", min=1, help="DuckDB threads (default: all cores)."),
        quiet: bool = typer.Option(False, "--quiet", help="No progress display."),
        no_notes: bool = typer.Option(False, "--no-notes",
                                      help="Do not read NOTE_NLP (NLP terms from notes); by default it is read when present."),
        export_concept_sets: Path = typer.Option(
            None, "--export-concept-sets",
            help="Write the concept sets as OHDSI Circe JSON (resolved in this CDM's vocabulary) to this folder and stop."),
    ) -> None:
        """Screen every child of an OMOP CDM with the red flags and criteria of the per-child assessment; list the
        children whose records show the pattern without a diagnosis, ranked and explained."""
        from rarebone.extras import require
        from rarebone.knowledge import load

        require("screen")
        from rarebone.cli.commands.plan import parse_date
        from rarebone.errors import InputError
        from rarebone.screening import output
        from rarebone.screening.cdm import connect
        from rarebone.screening.run import run_screen

        since_date = parse_date(since, "--since") if since else None
        for path, opt in ((out, "--out"), (report, "--report")):
            if path is not None and not path.parent.exists():
                raise InputError("folder does not exist", source=str(path.parent), path=opt)
        if out is not None and out.suffix.lower() not in (".parquet", ".csv", ".tsv"):
            raise InputError("output must end in .parquet, .csv or .tsv", source=str(out), path="--out")
        handle = connect(cdm, schema=schema, results_schema=results_schema, threads=threads,
                         writable=results_schema is not None)
        if export_concept_sets is not None:
            from rarebone.screening.circe import export_concept_sets as export
            from rarebone.screening.rules import load_rules

            if not export_concept_sets.parent.exists():
                raise InputError("folder does not exist", source=str(export_concept_sets.parent),
                                 path="--export-concept-sets")
            paths = export(handle, load_rules(), export_concept_sets)
            typer.echo(f"wrote {len(paths)} Circe concept-set expressions and index.json to {export_concept_sets}")
            typer.echo(load().get("NOTICE-DECISION-SUPPORT").text)
            return
        result = run_screen(handle, since=since_date, progress=not quiet, read_notes=not no_notes)
        kb = load()
        written = []
        if out is not None:
            written.append(f"flagged list: {output.write_flagged(result, out)}")
        if results_schema is not None:
            written.append(f"cohort table: {output.write_cohort(handle, result)}")
        if report is not None:
            written.append(f"HTML summary: {output.write_html(result, report)}")
        f = result.flagged
        typer.echo(f"screened {result.persons:,} persons in {result.seconds:.1f} s ({result.backend}): "
                   + ", ".join(f"{fam.family} {int((f.family == fam.family).sum())}" for fam in result.rules.families)
                   + " flagged")
        for fam in result.rules.families:
            sub = f[f.family == fam.family]
            for row in sub.head(5).itertuples():
                typer.echo(f"  {row.family:<13} {row.level:<8} score {row.score:<4g} person {int(row.person_id)}: "
                           f"complete {row.first_complete_date}, {int(row.missed_opportunities)} visit(s) since")
        typer.echo(f"NOTE_NLP: {result.note_nlp}")
        if result.skipped_lab_rows:
            typer.echo(f"note: {result.skipped_lab_rows:,} laboratory rows carry no reference range and were not read")
        for w in result.warnings[:10]:
            typer.echo(f"note: {w}")
        for line in written:
            typer.echo(f"wrote {line}")
        typer.echo("UNVERIFIED: weights, cut-offs and time windows are rarebone calibration (see the report / docs/screening.md).")
        typer.echo(kb.get("NOTICE-DECISION-SUPPORT").text)
