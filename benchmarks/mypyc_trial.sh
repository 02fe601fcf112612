#!/usr/bin/env bash
# Feasibility trial, not a build step (docs/cds-speed-log.md, "Trial: compiling with mypyc"): a copy of
# src/ with the hot pure-Python modules of a distinct CDS Hooks call compiled by mypyc, rebuilt from a clean tree
# (git archive HEAD), with mypy in a venv of its own (the project's venv is never touched).
#
#   PY=/path/to/project/.venv/bin/python bash benchmarks/mypyc_trial.sh build     # the compiled copy in $TRIAL/src
#   PY=... bash benchmarks/mypyc_trial.sh measure [SRC ...]  # stage profile, compiled vs pure: 3 alternating rounds
#   PY=... bash benchmarks/mypyc_trial.sh concurrent SRC_A SRC_B  # both at once, 3 pairs (see concurrent())
#   PY=... bash benchmarks/mypyc_trial.sh instructions [SRC ...]  # valgrind instruction counts (no drift)
#   PY=... bash benchmarks/mypyc_trial.sh test      # the equality tests against the compiled copy
#
# PY: the interpreter the service runs on (its site-packages are what mypy type-checks against, and the
# extensions are built for its ABI). TRIAL (default /tmp/mypyc-trial), VENV (default /tmp/mypyc-venv).
set -euo pipefail

HERE=$(cd "$(dirname "$0")/.." && pwd)
PY=${PY:-python3}
TRIAL=${TRIAL:-/tmp/mypyc-trial}
VENV=${VENV:-/tmp/mypyc-venv}
MYPY_VERSION=2.4.1
# Hot modules by cProfile (tottime per file, builtins charged to their caller) on profile_cds_stages.py's calls.
# Left out: modules defining pydantic models (knowledge/, core/evidence, results), cdshooks/cards.py (tests patch
# its uuid module: a compiled module reads an imported module from a C static, the patch would not reach it),
# phenotype/ontology.py (tests patch _TermTable's methods: a compiled class cannot be patched).
MODULES="rarebone/intake/fhir/light.py rarebone/intake/fhir/__init__.py rarebone/intake/fhir/codes.py
rarebone/intake/pbjson.py rarebone/intake/phenopacket.py rarebone/intake/plausibility.py rarebone/intake/extension.py
rarebone/osteopetrosis/matching.py rarebone/osteopetrosis/suspicion.py rarebone/osteopetrosis/genetics.py
rarebone/osteopetrosis/assessment.py rarebone/cno/findings.py rarebone/cno/hpo_lesions.py
rarebone/cdshooks/fhirdata.py rarebone/core/time.py rarebone/core/units.py"
# WIDE=1: the wider trial, the next hot modules of the rules too (ontology: tests/phenotype/test_term_table.py
# patches _TermTable, expected to fail). Tried and left out: cno/record.py and cno/suspicion.py reuse a variable name
# for a value of another type (a loop's `earlier, later` over visits then imaging studies; `target`), which mypy
# types by the first assignment and mypyc then checks: TypeError on every CNO record with imaging studies.
WIDER="rarebone/phenotype/ontology.py rarebone/patient/model.py rarebone/osteopetrosis/mimics.py
rarebone/osteopetrosis/workup.py rarebone/cno/assessment.py rarebone/phenotype/labs.py"
if [ "${WIDE:-0}" = 1 ]; then MODULES="$MODULES $WIDER"; fi

build() {
    local base
    base=$("$PY" -c 'import sys; print(sys._base_executable)')
    if [ ! -x "$VENV/bin/mypy" ]; then
        "$base" -m venv "$VENV"
        timeout 600 "$VENV/bin/pip" install -q "mypy==$MYPY_VERSION" setuptools
    fi
    rm -rf "$TRIAL" && mkdir -p "$TRIAL"
    git -C "$HERE" archive HEAD src | tar -x -C "$TRIAL"
    cd "$TRIAL/src"
    # The changes mypyc needs that matter at run time (a compiled function checks its declared types on entry and
    # converts int <-> float): each one below was a TypeError or a refusal to compile in the trial.
    "$PY" - <<'EOF'
def sub(path, old, new, count=1):
    s = open(path).read()
    assert s.count(old) == count, (path, old, s.count(old))
    open(path, "w").write(s.replace(old, new))
# a tuple default for a parameter declared list: a compiled function would refuse the default
sub("rarebone/intake/fhir/__init__.py", "modifiers: list[dict] = ()", "modifiers: Iterable[dict] = ()", 2)
# a variable inferred as dict_items, later given an enumerate: TypeError on a list node
sub("rarebone/intake/phenopacket.py", "        children = node.items()\n", "        children: Any = node.items()\n")
# an attribute inferred as None (its first value), later given HpoLesions: TypeError
sub("rarebone/cno/findings.py", "from dataclasses import dataclass\n", "from dataclasses import dataclass\nfrom typing import Any\n")
sub("rarebone/cno/findings.py", "        self._hpo_lesions = None\n", "        self._hpo_lesions: Any = None\n")
# the knowledge base's threshold is a float (2.0), declared int: "int object expected; got float"
sub("rarebone/cno/hpo_lesions.py", "def rule(self, rule: str, min_sites: int)", "def rule(self, rule: str, min_sites: float)")
# mypyc refuses surrogate code points in a string literal: the same pattern with re's own \u escapes
sub("rarebone/intake/pbjson.py", '_SURROGATE = re.compile("[', '_SURROGATE = re.compile(r"[')
# isinstance(x, (int, float)) narrows x to float for mypy (int promotes to float) and mypyc then converts x to a
# C double: an int beyond a double (10 ** 400) raised TypeError instead of the refusal; narrow a copy instead
sub("rarebone/intake/plausibility.py",
    "        elif isinstance(node, (int, float)) and not isinstance(node, bool) and abs(node) > MAX_NUMBER:",
    "        elif isinstance(raw := node, (int, float)) and not isinstance(node, bool) and abs(node) > MAX_NUMBER:")
# the package re-exports the function ontology() under its submodule's name; with the submodule compiled too
# (WIDE=1), mypy takes the name for the module ("Module not callable"): import the function from the submodule
sub("rarebone/intake/phenopacket.py", "from rarebone.phenotype import ontology\n", "from rarebone.phenotype.ontology import ontology\n")
sub("rarebone/intake/fhir/__init__.py", "from rarebone.phenotype import ontology\n", "from rarebone.phenotype.ontology import ontology\n")
# a property without a return annotation: an internal mypyc error (AssertionError in prepare_method_def)
sub("rarebone/phenotype/ontology.py", "    def _ontology(self):\n", "    def _ontology(self) -> Any:\n")
sub("rarebone/phenotype/ontology.py", "import threading\n", "import threading\nfrom typing import Any\n")
for name in ("age", "days"):
    sub("rarebone/intake/extension.py", f"(not isinstance({name}, (int, float))", f"(not isinstance(_n := {name}, (int, float))")
EOF
    local mypy_args=(--python-executable "$PY" --ignore-missing-imports --follow-imports=silent)
    # The remaining type errors are static only (knowledge entries typed as the base Entry, Optional values the code
    # knows are set): silenced line by line, as a shipped build would have to fix or silence them.
    timeout 600 "$VENV/bin/mypy" "${mypy_args[@]}" --cache-dir "$TRIAL/.mypy_cache" $MODULES > "$TRIAL/mypy-before.txt" || true
    echo "mypy before silencing: $(tail -1 "$TRIAL/mypy-before.txt")"
    "$PY" - "$TRIAL/mypy-before.txt" <<'EOF'
import collections, re, sys
lines = collections.defaultdict(set)
for row in open(sys.argv[1]):
    m = re.match(r"^(\S+\.py):(\d+): error:", row)
    if m:
        lines[m.group(1)].add(int(m.group(2)))
for path, nums in sorted(lines.items()):
    text = open(path).read().split("\n")
    for n in nums:
        code, sep, comment = text[n - 1].partition("  # ")
        text[n - 1] = f"{code}  # type: ignore{sep and '  # '}{comment}"
    open(path, "w").write("\n".join(text))
print(f"silenced: {sum(map(len, lines.values()))} lines in {len(lines)} files")
EOF
    cat > "$TRIAL/setup_mypyc.py" <<EOF
from setuptools import setup
from mypyc.build import mypycify

setup(name="rarebone-mypyc-trial", packages=[],
      ext_modules=mypycify([*"${mypy_args[*]}".split(), *"""$MODULES""".split()], opt_level="3"))
EOF
    local start=$SECONDS
    timeout 900 "$VENV/bin/python" "$TRIAL/setup_mypyc.py" build_ext --inplace > "$TRIAL/build.log" 2>&1 \
        || { tail -20 "$TRIAL/build.log"; exit 1; }
    echo "build: $((SECONDS - start)) s (load $(cut -d' ' -f1-3 /proc/loadavg))"
    find "$TRIAL/src" -name '*.so' -not -path '*/build/*' -printf '%s\n' | awk '{n++; s+=$1} END {printf "%d .so files, %.2f MB\n", n, s/1e6}'
}

measure() {  # measure [SRC ...]: default the compiled copy, then the pure tree; 3 rounds, alternating
    cd "$HERE"
    local srcs=("$@")
    [ ${#srcs[@]} -gt 0 ] || srcs=("$TRIAL/src" "$HERE/src")
    for pair in 1 2 3; do
        for src in "${srcs[@]}"; do
            echo "== pair $pair, $src, load $(cut -d' ' -f1-3 /proc/loadavg)"
            PYTHONPATH=$src timeout 600 "$PY" benchmarks/profile_cds_stages.py --calls 300
        done
    done
}

concurrent() {  # concurrent A B: A and B at the same time (one per core), 3 pairs, launch order alternated; on
    # this machine, whose speed drifts by up to 2x within minutes, only a concurrent pair compares like with like
    cd "$HERE"
    local out=${TMPDIR:-/tmp}/mypyc-trial-concurrent.$$ a=$1 b=$2 src which
    mkdir -p "$out"
    for pair in 1 2 3; do
        echo "== pair $pair, load $(cut -d' ' -f1-3 /proc/loadavg)"
        if [ $pair = 2 ]; then set -- b a; else set -- a b; fi  # which one starts first
        for which in "$@"; do
            if [ $which = a ]; then src=$a; else src=$b; fi
            PYTHONPATH=$src timeout 600 "$PY" benchmarks/profile_cds_stages.py --calls 600 > "$out/$pair-$which" 2>&1 &
        done
        wait
        echo "-- $a"; cat "$out/$pair-a"; echo "-- $b"; cat "$out/$pair-b"
    done
    # per stage both profiles have: median (range) of the 3 paired ratios b / a
    "$PY" - "$out" <<'EOF'
import pathlib, re, statistics, sys

def stages(path):
    text = path.read_text()
    got = {"total": float(re.search(r"per call: ([0-9.]+) ms", text).group(1))}
    for m in re.finditer(r"^[|] (.+?) [|] ([0-9.]+) [|]$", text, re.M):
        got[m.group(1).replace("&nbsp;", "")] = float(m.group(2))
    return got

pairs = [(stages(pathlib.Path(sys.argv[1], f"{n}-a")), stages(pathlib.Path(sys.argv[1], f"{n}-b"))) for n in (1, 2, 3)]
print("paired ratios, second / first (median, range):")
for name in pairs[0][0]:
    if all(name in x and name in y and x[name] for x, y in pairs):
        ratios = [y[name] / x[name] for x, y in pairs]
        print(f"  {name}: {statistics.median(ratios):.3f} ({min(ratios):.2f}-{max(ratios):.2f})")
EOF
    rm -rf "$out"
}

instructions() {  # instructions [SRC ...]: valgrind callgrind's instruction count of the stage profile with 1 and
    # with 301 calls (the difference / 300 is one call plus the benchmark's signing of its token); no drift
    cd "$HERE"
    local srcs=("$@")
    [ ${#srcs[@]} -gt 0 ] || srcs=("$TRIAL/src" "$HERE/src")
    for src in "${srcs[@]}"; do
        for n in 1 301; do
            echo "== $src, $n calls: $(PYTHONPATH=$src timeout 1200 valgrind --tool=callgrind --callgrind-out-file=/dev/null \
                "$PY" benchmarks/profile_cds_stages.py --calls $n 2>&1 | grep -E 'I +refs')"
        done
    done
}

run_tests() {
    cd "$HERE"
    PYTHONPATH="$TRIAL/src" timeout 900 "$PY" -m pytest tests/cdshooks/test_cards_unchanged.py tests/intake tests/fhir \
        tests/cdshooks tests/osteopetrosis tests/cno tests/phenotype tests/workflows tests/core tests/adversarial -q \
        -o addopts="" -p no:cacheprovider
}

case "${1:-build}" in
    build) build ;;
    measure) shift; measure "$@" ;;
    test) run_tests ;;
    concurrent) concurrent "$2" "$3" ;;
    instructions) shift; instructions "$@" ;;
    *) echo "usage: mypyc_trial.sh build|measure|concurrent|instructions|test" >&2; exit 2 ;;
esac
