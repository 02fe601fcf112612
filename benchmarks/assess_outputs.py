"""Write `rarebone assess FILE -f text|json|html` of every example and real case to a folder, with each exit status
and stderr, to compare two versions byte for byte (a speed change must not change an output).

    git archive <commit> | tar -x -C /tmp/before
    PYTHONPATH=/tmp/before/src python benchmarks/assess_outputs.py /tmp/out-before
    PYTHONPATH=src python benchmarks/assess_outputs.py /tmp/out-after
    diff -r /tmp/out-before /tmp/out-after   # the .status files name their folder: compare them with it removed

Both runs should read the same differential index file (same RAREBONE_CACHE_DIR): two builds of the index differ
in their last bits (docs/architecture.md, Cold start).
"""

from __future__ import annotations

import contextlib
import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    from rarebone.cli import main as cli

    files = sorted((ROOT / "examples" / "phenopackets").glob("*.json"))
    for folder in ("real-cases", "real-cases-heldout", "real-cases-fhir", "real-cases-heldout-fhir"):
        files += sorted(p for p in (ROOT / "tests" / "data" / folder).rglob("*.json") if "tools" not in p.parts)
    for path in files:
        for fmt in ("text", "json", "html"):
            name = path.relative_to(ROOT).as_posix().replace("/", "__") + "." + fmt
            err = io.StringIO()
            with contextlib.redirect_stderr(err):
                try:
                    cli(["assess", str(path), "-f", fmt, "-o", str(out / name)])
                    code = 0
                except SystemExit as exit_:
                    code = exit_.code
            (out / (name + ".status")).write_text(f"{code}\n{err.getvalue()}")
    print(f"{len(files) * 3} outputs in {out}")


if __name__ == "__main__":
    main()
