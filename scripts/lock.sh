#!/usr/bin/env bash
# Regenerate requirements.lock: every package of the full developer install (.[registry,postgres,test]), pinned,
# resolved in a throwaway virtualenv. pip freeze based: pip-tools and uv were not available from the package
# index this was made with, so the lock pins versions but carries no hashes.
# Usage: scripts/lock.sh [python]   (the Python the lock is for; default python3)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${1:-python3}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
"$PY" -m venv "$TMP/venv"
"$TMP/venv/bin/pip" install --quiet --disable-pip-version-check '.[registry,postgres,test]'
{
  echo "# requirements.lock: pinned versions of rarebone's full developer install (.[registry,postgres,test])"
  echo "# for $("$TMP/venv/bin/python" -c 'import platform; print("Python", platform.python_version(), platform.system(), platform.machine())')."
  echo "# Regenerate with scripts/lock.sh. Use: pip install -r requirements.lock && pip install --no-deps -e ."
  echo "# pip freeze based (no hashes: pip-tools/uv were not available from the package index)."
  "$TMP/venv/bin/pip" freeze --disable-pip-version-check --exclude-editable | grep -vi '^rarebone[ =@]'
} > requirements.lock
echo "wrote requirements.lock ($(grep -vc '^#' requirements.lock) packages)"
