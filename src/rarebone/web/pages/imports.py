"""Import from the browser: Phenopacket JSON files, the data-dictionary CSV (or REDCap's flat CSV), or a
spreadsheet with its YAML mapping — the readers of ``rarebone registry import`` (registry/importers.py), run as a
background job (web/jobs.py) that shows progress and ends with the command line's per-record report.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import RedirectResponse

from rarebone.errors import InputError
from rarebone.web.deps import User, require_role, state
from rarebone.web.templating import render

router = APIRouter()
WRITERS = require_role("clinician", "admin")
MAX_UPLOAD_BYTES = 200 * 1024 * 1024  # per import, all files together
MAX_FILES = 1000  # Starlette's multipart parser refuses more (max_files); larger folders: the command line
REJECTIONS_SHOWN = 200
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


@router.get("/imports")
def import_page(request: Request, user: User = Depends(WRITERS)):
    return render(request, "imports/form.html", user=user, error=None)


def _save(uploads: list[UploadFile], folder: Path) -> list[Path]:
    total, paths = 0, []
    for i, upload in enumerate(uploads):
        name = _SAFE_NAME.sub("_", Path(upload.filename or f"file{i}").name).lstrip(".") or f"file{i}"
        target = folder / name
        if target.exists():
            target = folder / f"{i}-{name}"
        with open(target, "wb") as out:
            while chunk := upload.file.read(1 << 20):
                total += len(chunk)
                if total > MAX_UPLOAD_BYTES:
                    raise HTTPException(413, f"The files are larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB together; "
                                        "import them in parts or with `rarebone registry import`.")
                out.write(chunk)
        paths.append(target)
    return paths


def _items(paths: list[Path], mapping: Path | None):
    """(items, total or None) exactly as `rarebone registry import` picks the reader."""
    from rarebone.registry import importers

    tables = [p for p in paths if p.suffix.lower() in (".csv", ".xlsx", ".xlsm")]
    if mapping is not None:
        if len(paths) != 1 or not tables:
            raise InputError("a mapping goes with exactly one CSV or XLSX file", path="mapping")
        return importers.mapped_items(paths[0], mapping), None
    if tables:
        if len(paths) != 1 or paths[0].suffix.lower() != ".csv":
            raise InputError("a spreadsheet needs its mapping file unless it is one data-dictionary CSV",
                             source=tables[0].name)
        return importers.csv_items(paths[0]), None
    bad = [p.name for p in paths if p.suffix.lower() != ".json"]
    if bad:
        raise InputError("not a Phenopacket (.json), CSV or XLSX file", source=bad[0])
    return importers.phenopacket_items(paths, workers=1), len(paths)  # no process pool inside the server


@router.post("/imports")
def start_import(request: Request, files: list[UploadFile] = File(...), mapping: UploadFile | None = File(None),
                 allow_identity_change: str = Form(""), user: User = Depends(WRITERS)):
    from rarebone.registry.store import import_records

    files = [f for f in files if f.filename]
    if not files:
        return render(request, "imports/form.html", status_code=422, user=user, error="Choose at least one file.")
    if len(files) > MAX_FILES:
        return render(request, "imports/form.html", status_code=422, user=user,
                      error=f"At most {MAX_FILES} files at a time.")
    folder = Path(tempfile.mkdtemp(prefix="rarebone-import-"))  # 0700: patient files, owner only
    try:
        paths = _save(files, folder)
        mapping_path = None
        if mapping is not None and mapping.filename:
            (folder / "mapping").mkdir(mode=0o700)
            mapping_path = _save([mapping], folder / "mapping")[0]
        items, total = _items(paths, mapping_path)
    except (InputError, HTTPException) as exc:
        shutil.rmtree(folder, ignore_errors=True)
        message = exc.detail if isinstance(exc, HTTPException) else str(exc)
        return render(request, "imports/form.html", status_code=422, user=user, error=message)
    engine = state(request).engine

    def work(job):
        def tick(n):
            job.done += n

        try:
            summary = import_records(engine, items, who=user.actor, progress=tick,
                                     allow_identity_change=allow_identity_change == "yes")
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        rejected = [r.replace(f"{folder}/", "") for r in summary.rejected[:REJECTIONS_SHOWN]]  # no server paths
        job.result = {"line": summary.line(), "rejected": rejected,
                      "more_rejected": max(0, len(summary.rejected) - REJECTIONS_SHOWN)}

    names = ", ".join(p.name for p in paths[:3]) + (f" and {len(paths) - 3} more" if len(paths) > 3 else "")
    job = state(request).jobs.start(user.username, f"Import of {names}", work, total=total)
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


@router.get("/jobs/{job_id}")
def job_page(request: Request, job_id: str, user: User = Depends(require_role("clinician", "pharmacist", "researcher", "admin"))):
    job = state(request).jobs.get(job_id, user.username)
    if job is None:
        raise HTTPException(404, "There is no such job, or it was started by another account.")
    return render(request, "imports/job.html", user=user, job=job)
