"""One line describing the machine and library versions, printed by every benchmark."""

from __future__ import annotations

import os
import platform
import resource
import sys
from importlib.metadata import PackageNotFoundError, version


def machine_line(*packages: str) -> str:
    """`machine: 2 cores, x86_64, Linux ..., Python 3.11.7; pandas 3.1.1, ...`"""
    versions = []
    for name in packages:
        try:
            versions.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            versions.append(f"{name} (not installed)")
    return (f"machine: {os.cpu_count()} cores, {platform.machine()}, {platform.system()} {platform.release()}, "
            f"Python {sys.version.split()[0]}; " + ", ".join(versions))


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
