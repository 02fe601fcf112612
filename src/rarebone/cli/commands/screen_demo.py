"""``rarebone screen-demo``: write a SYNTHETIC OMOP CDM with planted osteopetrosis, CNO and look-alike cases."""

from __future__ import annotations

from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    @app.command("screen-demo")
    def screen_demo(
        persons: int = typer.Option(100_000, "--persons", min=1, help="Number of synthetic children."),
        out: str = typer.Option(..., "--out", help="cdm.duckdb, a folder (parquet/csv) or a postgresql:// URL."),
        format: str = typer.Option(None, "--format",
                                   help="duckdb, parquet, csv or postgresql (default from --out)."),
        seed: int = typer.Option(0, "--seed", help="Random seed; the same seed gives the same CDM."),
        schema: str = typer.Option("cdm", "--schema", help="PostgreSQL schema for the CDM tables."),
        truth: Path = typer.Option(None, "--truth",
                                   help="Where the planted truth table goes (default: beside the CDM)."),
        replace: bool = typer.Option(False, "--replace", help="Overwrite an existing CDM at --out."),
        chunk: int = typer.Option(25_000, "--chunk", min=1000, help="Persons generated per chunk (memory)."),
        planted_scale: float = typer.Option(1.0, "--planted-scale", min=0.0,
                                            help="Multiply the planted cases per million (tighter recall)."),
        quiet: bool = typer.Option(False, "--quiet", help="No progress bar."),
        notes: bool = typer.Option(True, "--notes/--no-notes",
                                   help="Radiology reports (NOTE) with NLP terms (NOTE_NLP) for every radiograph and "
                                        "MRI (default); --no-notes leaves both tables empty, as at a site without NLP."),
    ) -> None:
        """Generate a SYNTHETIC OMOP CDM v5.4 (children's hospital background plus planted trajectories) to try
        and benchmark `rarebone screen`. Not patient data; the planted truth table is written beside it."""
        from rarebone.errors import InputError
        from rarebone.screening.demo.build import build_demo
        from rarebone.screening.demo.writers import guess_format

        fmt = (format or guess_format(out)).lower()
        if fmt not in ("duckdb", "parquet", "csv", "postgresql"):
            raise InputError("unknown format (duckdb, parquet, csv, postgresql)", path="--format", value=format)
        result = build_demo(persons, out, fmt, seed=seed, replace=replace, truth=truth, schema=schema,
                            chunk_persons=chunk, show_progress=not quiet,
                            planted_scale=planted_scale, notes=notes)
        clinical = sum(v for k, v in result.rows.items() if not k.startswith("concept"))
        typer.echo(f"SYNTHETIC CDM ({fmt}) written to {out}: {result.persons:,} persons, {clinical:,} rows "
                   f"in the person and clinical tables, {result.planted:,} planted cases "
                   f"in {result.seconds:.1f} s, peak memory {result.peak_rss_mb:.0f} MB")
        for table, count in sorted(result.rows.items()):
            typer.echo(f"  {table}: {count:,}")
        typer.echo(f"planted truth table (for benchmarks, not part of the CDM): {result.truth_path}")
        typer.echo("Synthetic data for testing the screening only; never a basis for a decision about a child.")
