"""``rarebone registry init|demo|import|export|history|dictionary``: the patient registry."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path

import typer

from rarebone.cli.options import OutputFormat, OutputOption, resolve_format, write_output
from rarebone.errors import InputError

DbOption = typer.Option(None, "--db", help="Database URL or SQLite file (default: $RAREBONE_DB, else the user data folder).")


class ExportFormat(StrEnum):
    CSV = "csv"
    PHENOPACKETS = "phenopackets"
    RESEARCH = "research"
    REDCAP = "redcap"


class DictFormat(StrEnum):
    CSV = "csv"
    MARKDOWN = "markdown"
    JSON = "json"
    REDCAP = "redcap"
    REDCAP_REPEATING = "redcap-repeating"


def _notice_lines() -> list[str]:
    from rarebone.knowledge import load

    kb = load()
    return [kb.get("NOTICE-DECISION-SUPPORT").text, f"knowledge version {kb.version}"]


def _notice_json() -> dict:
    from rarebone.knowledge import load

    kb = load()
    return {"notice": kb.get("NOTICE-DECISION-SUPPORT").text, "knowledge_version": kb.version}


def _progress(total: int | None, label: str):
    """A rich progress bar on stderr for large imports; a no-op for small ones."""
    if total is not None and total < 200:
        return None, None
    from rich.console import Console
    from rich.progress import Progress

    progress = Progress(console=Console(stderr=True), transient=True)
    task = progress.add_task(label, total=total)
    progress.start()
    return progress, (lambda n: progress.advance(task, n))


def _summary_out(summary, fmt: OutputFormat, output: Path | None, extra: dict | None = None) -> None:
    data = {"inserted": summary.inserted, "updated": summary.updated, "unchanged": summary.unchanged,
            "rejected": summary.rejected, **(extra or {}), **_notice_json()}
    if fmt == OutputFormat.JSON:
        write_output(json.dumps(data, indent=2), output)
        return
    lines = [summary.line()] + [f"  rejected: {r}" for r in summary.rejected[:50]]
    if len(summary.rejected) > 50:
        lines.append(f"  ... and {len(summary.rejected) - 50} more")
    lines += [f"{k}: {v}" for k, v in (extra or {}).items()]
    write_output("\n".join(lines + _notice_lines()) + "\n", output)


def register(app: typer.Typer) -> None:
    sub = typer.Typer(help="The patient registry (SQLite or PostgreSQL): import, export, audit, demo data.",
                      no_args_is_help=True)
    app.add_typer(sub, name="registry")

    @sub.command("init")
    def init(db: str = DbOption, fmt: OutputFormat = typer.Option(None, "--format"),
             output: Path = OutputOption) -> None:
        """Create the registry (or bring its schema up to date)."""
        fmt = resolve_format(fmt, output, OutputFormat, OutputFormat.TEXT)
        from rarebone.registry import db as dbm

        engine = dbm.open_registry(db, create=True)
        info = {"database": dbm.mask_url(dbm.resolve_url(db)), "schema_revision": dbm.current_revision(engine)}
        if fmt == OutputFormat.JSON:
            write_output(json.dumps(info, indent=2), output)
        else:
            write_output(f"registry ready: {info['database']} (schema {info['schema_revision']})\n", output)

    @sub.command("demo")
    def demo(patients: int = typer.Option(500, "--patients", min=1, max=1_000_000), seed: int = typer.Option(1, "--seed"),
             db: str = DbOption, fmt: OutputFormat = typer.Option(None, "--format"),
             output: Path = OutputOption) -> None:
        """Fill the registry with a SYNTHETIC cohort (rates from the published figures; never real patients)."""
        fmt = resolve_format(fmt, output, OutputFormat, OutputFormat.TEXT)
        from rarebone.registry import db as dbm
        from rarebone.registry import demo as demo_mod
        from rarebone.registry.store import import_records

        engine = dbm.open_registry(db, create=True)
        progress, tick = _progress(patients, "SYNTHETIC demo")
        try:
            summary = import_records(engine, ((f"demo seed {seed}", r) for r in demo_mod.generate(patients, seed)),
                                     batch_size=500, progress=tick)
        finally:
            if progress:
                progress.stop()
        _summary_out(summary, fmt, output, {"label": "SYNTHETIC demo data (patient ids start with SYNTHETIC-)"})

    @sub.command("import")
    def import_(paths: list[Path] = typer.Argument(..., help="Phenopacket files/folders, a dictionary CSV, a REDCap flat CSV, or a CSV/XLSX with --mapping."),
                mapping: Path = typer.Option(None, "--mapping", help="YAML mapping of spreadsheet columns to registry fields."),
                batch_size: int = typer.Option(200, "--batch-size", min=1, max=100_000, help="Records per commit."),
                allow_identity_change: bool = typer.Option(False, "--allow-identity-change",
                                                           help="Let an update change sex, birth date or gene "
                                                           "(flagged in the history)."),
                db: str = DbOption, fmt: OutputFormat = typer.Option(None, "--format"),
                output: Path = OutputOption) -> None:
        """Import records: idempotent (same file twice changes nothing), one transaction per record.
        Exit status 2 when any record was rejected (the others are still imported; the summary lists them)."""
        from rarebone.registry import db as dbm
        from rarebone.registry import importers
        from rarebone.registry.store import import_records

        fmt = resolve_format(fmt, output, OutputFormat, OutputFormat.TEXT)
        for p in paths:
            if not p.exists():
                raise InputError("no such file or folder", source=str(p))
        tables = [p for p in paths if p.is_file() and p.suffix.lower() in (".csv", ".xlsx", ".xlsm")]
        if mapping is not None:
            if len(paths) != 1 or not tables:
                raise InputError("--mapping takes exactly one CSV or XLSX file", path="--mapping")
            items = importers.mapped_items(paths[0], mapping)
            total = None
        elif tables:
            if len(paths) != 1 or paths[0].suffix.lower() != ".csv":
                raise InputError("a spreadsheet needs --mapping unless it is one data-dictionary CSV", source=str(tables[0]))
            items = _csv_items(paths[0])
            total = None
        else:
            from rarebone.intake.phenopacket import expand_inputs

            files = expand_inputs(paths)
            items, total = importers.phenopacket_items(files), len(files)
        engine = dbm.open_registry(db, create=True)
        progress, tick = _progress(total, "importing")
        try:
            summary = import_records(engine, items, batch_size=batch_size, progress=tick,
                                     allow_identity_change=allow_identity_change)
        finally:
            if progress:
                progress.stop()
        _summary_out(summary, fmt, output)
        if summary.rejected:  # the good records are in; the exit status tells scripts that some were not
            typer.echo(f"{len(summary.rejected)} record(s) rejected (the others were imported); exit status 2",
                       err=True)
            raise typer.Exit(2)

    @sub.command("export")
    def export(what: ExportFormat = typer.Option(ExportFormat.CSV, "--as", help="csv, phenopackets (a folder), research (de-identified JSON lines) or redcap (REDCap flat CSV)."),
               db: str = DbOption,
               key_file: Path = typer.Option(None, "--key-file", help="Research export: the local key file (secret and date shifts; created 0600 when missing). Default: $RAREBONE_EXPORT_KEY_FILE."),
               salt: str = typer.Option(None, "--salt", hidden=True),
               output: Path = OutputOption) -> None:
        """Export the registry: flat CSV, Phenopackets v2 (one file each into -o FOLDER, with a .rarebone sidecar),
        a de-identified research export, or REDCap's flat CSV (import it into a project made from `registry dictionary --format redcap`)."""
        from rarebone.registry import db as dbm
        from rarebone.registry import export as ex

        if salt is not None:  # a secret on the command line is visible to every user through ps
            raise InputError("--salt is removed: put the secret in a key file (--key-file) or $RAREBONE_EXPORT_KEY, "
                             "never on the command line", path="--salt")
        engine = dbm.open_registry(db)
        if what == ExportFormat.CSV:
            write_output(ex.to_csv(ex.iter_records(engine)), output)
        elif what == ExportFormat.REDCAP:
            from rarebone.registry import redcap

            write_output(redcap.to_flat_csv(ex.iter_records(engine)), output)
        elif what == ExportFormat.RESEARCH:
            from rarebone.registry import deidentify as de

            key = de.open_key(key_file)
            lines = [json.dumps(r, sort_keys=True) for r in de.deidentify(ex.iter_records(engine), key)]
            key.save()
            write_output("\n".join(lines) + "\n" if lines else "", output)
            typer.echo(f"research export: {len(lines)} records; rule: {de.RULE}; key file: {key.path}", err=True)
        else:
            from rarebone.registry import phenopacket_out

            if output is None:
                raise InputError("Phenopackets are written one file per patient; give -o FOLDER", path="--output")
            output.mkdir(mode=0o700, parents=True, exist_ok=True)  # patient records: owner only (docs/security.md)
            count = 0
            for record in ex.iter_records(engine):
                phenopacket_out.write(record, output)
                count += 1
            typer.echo(f"{count} Phenopackets written to {output} (each with a .rarebone sidecar)")

    @sub.command("history")
    def history(patient: str = typer.Argument(..., help="Patient key."), db: str = DbOption,
                fmt: OutputFormat = typer.Option(None, "--format"), output: Path = OutputOption) -> None:
        """Every insert, update and delete of one patient: who, when, what changed, before and after."""
        fmt = resolve_format(fmt, output, OutputFormat, OutputFormat.TEXT)
        from rarebone.registry import db as dbm
        from rarebone.registry.store import history as hist

        entries = hist(dbm.open_registry(db), patient)
        if not entries:
            raise InputError("no history for this patient key", path="PATIENT", value=patient)
        if fmt == OutputFormat.JSON:
            write_output(json.dumps({"patient_key": patient, "history": entries, **_notice_json()}, indent=2,
                                    default=str), output)
            return
        lines = [f"history of {patient}"]
        for e in entries:
            lines.append(f"{e['at']}  {e['action']:<6}  by {e['actor']}  from {e['source'] or '-'}")
            for path in e["changed"]:
                part = path.split(".", 1)
                for leaf, b, a in field_diff(_pick(e["before"], part), _pick(e["after"], part), path):
                    lines.append(f"    {leaf}: {_short(b)} -> {_short(a)}")
        write_output("\n".join(lines + _notice_lines()) + "\n", output)

    @sub.command("delete")
    def delete(patients: list[str] = typer.Argument(None, help="Patient key(s)."),
               reason: str = typer.Option(..., "--reason", help="Why (kept in the audit trail)."),
               pattern: str = typer.Option(None, "--pattern", help="Every key matching this pattern (* and ?), "
                                           "e.g. 'SYNTHETIC-*'."),
               keys_file: Path = typer.Option(None, "--keys-file", help="A file of keys, one per line."),
               dry_run: bool = typer.Option(False, "--dry-run", help="List what would be deleted; delete nothing."),
               db: str = DbOption, output: Path = OutputOption) -> None:
        """Delete patients (keys, a pattern or a file of keys); each full record stays in the audit trail
        (registry history PATIENT). All or nothing: an unknown key deletes none."""
        import fnmatch

        from sqlalchemy import select
        from sqlalchemy.orm import Session

        from rarebone.core.files import read_text
        from rarebone.registry import db as dbm
        from rarebone.registry import models as m
        from rarebone.registry.store import delete as remove

        keys = list(patients or [])
        if keys_file is not None:
            keys += [line.strip() for line in read_text(keys_file).splitlines() if line.strip()]
        engine = dbm.open_registry(db)
        if pattern is not None:
            with Session(engine) as session:
                stored = session.scalars(select(m.PatientRow.patient_key)).all()
            matched = [k for k in stored if fnmatch.fnmatchcase(k, pattern)]
            if not matched:
                raise InputError("no patient key matches", path="--pattern", value=pattern)
            keys += matched
        keys = list(dict.fromkeys(keys))
        if not keys:
            raise InputError("give patient keys, --pattern or --keys-file", path="PATIENTS")
        if dry_run:
            with Session(engine) as session:
                known = set(session.scalars(select(m.PatientRow.patient_key)
                                            .where(m.PatientRow.patient_key.in_(keys))).all())
            lines = [f"would delete {k}" if k in known else f"not in the registry: {k}" for k in keys]
            write_output("\n".join(lines + [f"dry run: {len(known)} of {len(keys)} key(s) would be deleted; "
                                            "nothing was deleted"]) + "\n", output)
            return
        with Session(engine) as session, session.begin():
            for key in keys:
                remove(session, key, reason=reason)
        write_output("".join(f"deleted {k}; before-image kept in the audit trail\n" for k in keys), output)

    @sub.command("dictionary")
    def dictionary(fmt: DictFormat = typer.Option(None, "--format", help="(default from -o's suffix, else csv) csv, markdown, json (rarebone's flat-CSV dictionary); redcap (a REDCap data dictionary to upload); redcap-repeating (REDCap's repeating-instruments CSV)."),
                   output: Path = OutputOption) -> None:
        """The data dictionary: every field of the flat CSV and of mapping files, or a REDCap data dictionary."""
        from dataclasses import asdict

        from rarebone.registry import dictionary as dd

        fmt = resolve_format(fmt, output, DictFormat, DictFormat.CSV)
        if fmt in (DictFormat.REDCAP, DictFormat.REDCAP_REPEATING):
            from rarebone.registry import redcap

            write_output(redcap.dictionary_csv() if fmt == DictFormat.REDCAP else redcap.repeating_instruments_csv(),
                         output)
        elif fmt == DictFormat.CSV:
            write_output(dd.to_csv(), output)
        elif fmt == DictFormat.MARKDOWN:
            write_output(dd.to_markdown(), output)
        else:
            write_output(json.dumps([asdict(f) for f in dd.FIELDS], indent=2), output)


def _csv_items(path: Path):
    from rarebone.registry.importers import csv_items

    return csv_items(path)


def _pick(snapshot, part):
    if snapshot is None:
        return None
    if part[0] == "patient":
        return snapshot.get("patient", {}).get(part[1])
    return snapshot.get(part[0])


def field_diff(before, after, path: str):
    """(path, before, after) for every leaf that differs, e.g. ``transplants[0].cd34_10e6_per_kg: 7.35 -> 8.0``;
    a side that is missing (insert, delete, an added list item) is shown whole."""
    if isinstance(before, dict) and isinstance(after, dict):
        for key in [*before, *(k for k in after if k not in before)]:
            yield from field_diff(before.get(key), after.get(key), f"{path}.{key}")
    elif isinstance(before, list) and isinstance(after, list):
        for i in range(max(len(before), len(after))):
            yield from field_diff(before[i] if i < len(before) else None, after[i] if i < len(after) else None,
                                  f"{path}[{i}]")
    elif before != after:
        yield path, before, after


def _short(value) -> str:
    text = json.dumps(value, default=str)
    return text if len(text) <= 100 else text[:97] + "..."
