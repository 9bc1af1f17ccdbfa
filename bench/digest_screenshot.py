"""Screenshot of the weekly digest: the 2026-W47 digest of the shipped demo data, rendered by headless Chromium.

    python bench/digest_screenshot.py [--workspace workspace] [--out docs/screenshots/digest.png]

Writes (or reuses) the digest with `assistant.digest.build.write_digest` (the first run analyses two six-week windows,
a minute or two; later runs reuse them), then opens `digest.html` from disk in headless Chromium with the network
off and saves a PNG. Prints the machine, the digest's headline, the timings and the file sizes.
Needs Debian's `chromium` (`apt-get install -y chromium`) or `--chromium PATH`.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import machine_line  # noqa: E402

from assistant.digest.build import write_digest  # noqa: E402
from eval_sets import DEMO_CASES  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
WEEK = "2026-W47"


def screenshot(chromium: str, page: Path, png: Path, width: int, height: int) -> float:
    """Render a local HTML file to PNG; returns the seconds it took."""
    png.parent.mkdir(parents=True, exist_ok=True)
    command = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--no-first-run", "--hide-scrollbars", f"--screenshot={png}",
               f"--window-size={width},{height}", page.resolve().as_uri()]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    if done.returncode != 0 or not png.exists():
        raise SystemExit(f"chromium failed ({done.returncode}): {done.stderr[-2000:]}")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workspace", type=Path, default=Path("workspace"),
                        help="workspace folder (default ./workspace)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots" / "digest.png", help="PNG to write")
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium", help="browser binary")
    parser.add_argument("--width", type=int, default=1200)
    parser.add_argument("--height", type=int, default=2400)
    args = parser.parse_args()
    print(machine_line("pandas", "umap-learn", "hdbscan"))
    start = time.perf_counter()
    result = write_digest(DEMO_CASES, WEEK, args.workspace)
    digest_s = time.perf_counter() - start
    print(result.summary())
    page = result.paths["digest.html"]
    shot_s = screenshot(args.chromium, page, args.out, args.width, args.height)
    runs = ", ".join(f"{k} run {'reused' if v else 'analysed'}" for k, v in result.runs_reused.items())
    print(f"digest {digest_s:.1f} s ({runs}); "
          f"screenshot {shot_s:.1f} s at {args.width}x{args.height}")
    print(f"digest.html {page.stat().st_size / 1024:.0f} KB; "
          f"wrote {args.out} ({args.out.stat().st_size / 1024:.0f} KB)")


if __name__ == "__main__":
    main()
