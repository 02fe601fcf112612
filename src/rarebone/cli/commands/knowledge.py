"""``rarebone knowledge list|show``: the clinical facts rarebone uses, with their sources."""

from __future__ import annotations

import json

import typer

from rarebone.cli.options import OutputFormat, OutputOption, write_output

knowledge_app = typer.Typer(help="List and show the knowledge entries (clinical facts with sources).", no_args_is_help=True)


@knowledge_app.command("list")
def list_entries(
    prefix: str = typer.Option("", "--prefix", help="Only ids starting with this, e.g. OP-GENE."),
    format: OutputFormat = typer.Option(OutputFormat.TEXT, "--format", "-f"),
    output=OutputOption,
) -> None:
    """One line per entry: id, certainty, statement."""
    from rarebone.knowledge import load

    kb = load()
    entries = [e for e in kb.entries.values() if e.id.startswith(prefix.upper())]
    if format is OutputFormat.JSON:
        content = json.dumps({"knowledge_version": kb.version, "entries": [
            {"id": e.id, "file": kb.files[e.id], "certainty": e.certainty, "statement": e.statement, "sources": e.sources}
            for e in entries]}, indent=2)
    else:
        lines = [f"knowledge {kb.version}: {len(entries)} entries"]
        for e in sorted(entries, key=lambda e: e.id):
            mark = {"verified": "", "secondary": " (secondary)", "unverified": " (UNVERIFIED)"}[e.certainty]
            lines.append(f"{e.id:<36} {e.statement[:90]}{'…' if len(e.statement) > 90 else ''}{mark}")
        content = "\n".join(lines) + "\n"
    write_output(content, output)


@knowledge_app.command("show")
def show(entry_id: str = typer.Argument(..., help="Entry id, e.g. OP-GENE-TCIRG1."),
         format: OutputFormat = typer.Option(OutputFormat.TEXT, "--format", "-f"), output=OutputOption) -> None:
    """Every field of one entry, and its sources in full."""
    from rarebone.knowledge import load

    from rarebone.errors import InputError

    kb = load()
    if entry_id.upper() not in kb.entries:
        raise InputError("no knowledge entry with this id (see rarebone knowledge list)", path="ID", value=entry_id)
    entry = kb.get(entry_id.upper())
    data = entry.model_dump(mode="json", exclude_none=True)
    data["file"] = kb.files[entry.id]
    data["sources_full"] = {s: kb.citation_text(s) for s in entry.sources}
    if format is OutputFormat.JSON:
        content = json.dumps(data, indent=2, ensure_ascii=False)
    else:
        import yaml

        content = f"# knowledge {kb.version}\n" + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=110)
    write_output(content, output)


def register(app: typer.Typer) -> None:
    app.add_typer(knowledge_app, name="knowledge")
