"""Options every command shares (``--format``, ``-o``) and the atomic output writer."""

from __future__ import annotations

import os
import tempfile
from enum import StrEnum
from pathlib import Path

import typer

from rarebone.errors import InputError
from rarebone.report.terminal import strip_controls


class OutputFormat(StrEnum):
    TEXT = "text"
    JSON = "json"
    HTML = "html"


class DocumentFormat(StrEnum):
    """For commands whose result a person may also print: PDF is rendered from the HTML."""

    TEXT = "text"
    JSON = "json"
    HTML = "html"
    PDF = "pdf"
    FHIR = "fhir"  # FHIR R4 Bundle (docs/ehr-integration.md); assess only


def refuse_fhir(fmt) -> None:
    """FHIR output exists for assess (RiskAssessment) and plan (CarePlan) only; elsewhere say so, never print text."""
    if fmt == DocumentFormat.FHIR:
        raise InputError("FHIR output is written by assess and plan only", path="--format", value="fhir")


OutputOption = typer.Option(None, "-o", "--output", help="Write to this file instead of the terminal.")


SUFFIX_FORMATS = {".txt": "text", ".text": "text", ".json": "json", ".jsonl": "json", ".html": "html", ".htm": "html",
                  ".pdf": "pdf", ".ics": "ics", ".csv": "csv", ".md": "markdown"}


def resolve_format(fmt, output: Path | None, choices, default):
    """``--format`` if given, else inferred from ``-o``'s suffix (``-o x.pdf`` means PDF), else ``default``.
    A suffix that names another known format than ``--format`` is refused: ``--format html -o x.json`` is a slip."""
    implied = SUFFIX_FORMATS.get(Path(output).suffix.lower()) if output else None
    values = {c.value for c in choices}
    if output is not None:
        check_output_path(Path(output))
    if fmt is None:
        return choices(implied) if implied in values else default
    # FHIR output is JSON: -o bundle.json with --format fhir is no slip
    compatible = implied == fmt.value or (implied == "json" and fmt.value == "fhir")
    if implied is not None and not compatible and implied in values:
        raise InputError(f"--format {fmt.value} contradicts the file name's suffix ({implied}); give one",
                         path="--output", value=str(output))
    return fmt


def check_output_path(output: Path) -> Path:
    """Refuse, before any work, an output path that cannot be written: empty, a folder, a missing or read-only
    folder, a read-only file."""
    if str(output).strip() in ("", "."):
        raise InputError("empty file name", path="--output", value=str(output))
    output = Path(output)
    if output.is_dir():
        raise InputError("is a folder; give a file name", path="--output", value=str(output))
    parent = output.parent
    if not parent.exists():
        raise InputError("folder does not exist", source=str(parent), path="--output")
    if not parent.is_dir():
        raise InputError("not a folder", source=str(parent), path="--output")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise InputError("folder is not writable", source=str(parent), path="--output")
    if output.exists() and not os.access(output, os.W_OK):
        raise InputError("file is read-only", path="--output", value=str(output))
    return output


def write_output(content: str | bytes, output: Path | None) -> None:
    """Print, or write atomically (temp file + rename) so a failed run leaves nothing half-written; a written
    file is announced on stderr ("wrote PATH") so a script's log shows where the output went."""
    if output is None:
        if isinstance(content, bytes):
            raise InputError("this format is binary; give -o FILE", path="--output")
        typer.echo(strip_controls(content), nl=not content.endswith("\n"))
        return
    output = check_output_path(Path(output))
    data = strip_controls(content).encode("utf-8") if isinstance(content, str) else content
    try:
        fd, tmp = tempfile.mkstemp(dir=output.parent or ".", prefix=f".{output.name}.", suffix=".tmp")
    except OSError as exc:
        raise InputError(f"cannot write: {exc.strerror}", path="--output", value=str(output)) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        # mkstemp creates the file 0600 and it stays so: reports, plans and exports hold patient data, so they are
        # readable by their owner only whatever the umask (share them on purpose; docs/security.md).
        os.replace(tmp, output)
    except BaseException as exc:
        if os.path.exists(tmp):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise InputError(f"cannot write: {exc.strerror}", path="--output", value=str(output)) from None
        raise
    typer.echo(f"wrote {output}", err=True)
