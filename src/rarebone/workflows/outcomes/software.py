"""The versions of the software that computed an outcomes report, recorded in the report so that its numbers can
be reproduced (statistics libraries change estimators and defaults between releases)."""

from __future__ import annotations

import platform
from importlib import metadata

from rarebone import __version__

# distribution names (as pip knows them) of the libraries whose numbers appear in the report
STATISTICS = ("lifelines", "scikit-survival", "scipy", "pandas", "numpy")


def software_versions() -> dict[str, str]:
    versions = {"rarebone": __version__, "python": platform.python_version()}
    for name in STATISTICS:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:  # an analysis that ran did import it, so this means "not used"
            versions[name] = "not installed"
    return versions
