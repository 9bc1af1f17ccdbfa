"""How figures are written, once for every rendering (command line, web app, digest, run summary)."""

from __future__ import annotations

from clustering.metrics import Rate

NOT_AVAILABLE = "n/a"


def pct(value: float | None, digits: int = 1) -> str:
    """A proportion as a percentage (`12.3%`), or `n/a`."""
    return NOT_AVAILABLE if value is None else f"{value * 100:.{digits}f}%"


def pp(value: float | None, digits: int = 2) -> str:
    """A change in percentage points with its sign (`+0.42`), or `n/a`."""
    return NOT_AVAILABLE if value is None else f"{value:+.{digits}f}"


def interval(rate: Rate | None) -> str:
    """A rate's 95% interval (`9.1-16.4%`), or empty when it has none."""
    if rate is None or rate.ci_low is None or rate.ci_high is None:
        return ""
    return f"{rate.ci_low * 100:.1f}-{rate.ci_high * 100:.1f}%"


def count(rate: Rate | None) -> str:
    """A rate's numerator and denominator (`25/203`), or empty."""
    if rate is None or rate.numerator is None or rate.denominator is None:
        return ""
    return f"{rate.numerator:,}/{rate.denominator:,}"


def rate_cell(rate: Rate) -> str:
    """`12.3% (9.1-16.4%) 25/203`, or `n/a` for an unavailable rate."""
    if rate.value is None:
        return NOT_AVAILABLE
    ci = f" ({interval(rate)})" if rate.ci_low is not None else ""
    return f"{pct(rate.value)}{ci} {count(rate)}"
