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


def write_output(content: str | bytes, output: Path | None) -> None:
    """Print, or write atomically (temp file + rename) so a failed run leaves nothing half-written."""
    if output is None:
        if isinstance(content, bytes):
            raise InputError("this format is binary; give -o FILE", path="--output")
        typer.echo(strip_controls(content), nl=not content.endswith("\n"))
        return
    output = Path(output)
    if output.parent and not output.parent.exists():
        raise InputError("folder does not exist", source=str(output.parent), path="--output")
    data = strip_controls(content).encode("utf-8") if isinstance(content, str) else content
    fd, tmp = tempfile.mkstemp(dir=output.parent or ".", prefix=f".{output.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        # mkstemp creates the file 0600 and it stays so: reports, plans and exports hold patient data, so they are
        # readable by their owner only whatever the umask (share them on purpose; docs/security.md).
        os.replace(tmp, output)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
