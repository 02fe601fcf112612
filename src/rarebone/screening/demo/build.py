"""Generate a synthetic CDM and write it with its vocabulary subset and the planted truth table."""

from __future__ import annotations

import resource
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from rarebone.screening.demo.writers import open_writer


@dataclass
class DemoResult:
    persons: int
    rows: dict
    planted: int
    seconds: float
    peak_rss_mb: float
    truth_path: Path
    out: str
    fmt: str


def default_truth_path(out: str, fmt: str) -> Path:
    if fmt == "postgresql":
        return Path("planted.parquet")
    path = Path(out)
    return path.with_name(f"{path.stem if fmt == 'duckdb' else path.name}-planted.parquet")


def peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024  # bytes on macOS, KiB on Linux


def build_demo(persons: int, out: str, fmt: str, seed: int = 0, replace: bool = False, truth: Path | None = None,
               schema: str = "cdm", chunk_persons: int = 25_000, show_progress: bool = True,
               planted_scale: float = 1.0, notes: bool = True) -> DemoResult:
    import pyarrow.parquet as pq
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from rarebone.screening import vocabulary
    from rarebone.screening.demo.generator import Generator

    started = time.perf_counter()
    generator = Generator(persons, seed=seed, chunk_persons=chunk_persons, planted_scale=planted_scale, notes=notes)
    generator.persons  # validates the size before anything is written
    writer = open_writer(out, fmt, replace=replace, schema=schema)
    rows: dict[str, int] = {}
    chunks = -(-persons // chunk_persons) + 3  # persons, periods, background chunks, planted
    progress = Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                        TimeElapsedColumn(), TextColumn("{task.fields[rows]:,} rows, peak {task.fields[mem]:.0f} MB"),
                        disable=not show_progress, transient=False, console=_stderr_console())
    with progress:
        task = progress.add_task("synthetic CDM", total=chunks, rows=0, mem=0.0)
        last = None
        try:
            for table, data in generator.generate():
                writer.write(table, data)
                rows[table] = rows.get(table, 0) + data.num_rows
                if table != last and table in ("observation_period", "visit_occurrence"):
                    progress.advance(task)
                last = table
                progress.update(task, rows=sum(rows.values()), mem=peak_rss_mb())
            for table, data in vocabulary.arrow_tables().items():
                writer.write(table, data)
                rows[table] = data.num_rows
        finally:
            writer.close()
        progress.update(task, completed=chunks, rows=sum(rows.values()), mem=peak_rss_mb())
    truth_path = Path(truth) if truth else default_truth_path(out, fmt)
    truth_table = generator.truth_table()
    pq.write_table(truth_table, truth_path)
    return DemoResult(persons=persons, rows=rows, planted=truth_table.num_rows,
                      seconds=time.perf_counter() - started, peak_rss_mb=peak_rss_mb(), truth_path=truth_path,
                      out=out, fmt=fmt)


def _stderr_console():
    from rich.console import Console

    return Console(stderr=True)
