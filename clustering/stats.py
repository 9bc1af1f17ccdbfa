"""Whether two proportions differ by more than chance: the test behind the digest's "beyond noise".

(The Wilson interval of one rate is in `clustering.metrics`; the Poisson test of a theme's weekly trend in
`clustering.describe`: other questions, other tests.)
"""

from __future__ import annotations

from scipy.stats import chi2_contingency, fisher_exact

FISHER_BELOW_EXPECTED = 5  # Cochran's rule: Fisher's exact test when an expected count of the 2x2 table is below this
MAD_TO_SD = 1.4826  # the median absolute deviation to the standard deviation of a normal distribution
BEYOND_NOISE = "beyond noise"
WITHIN_NOISE = "within noise"
NO_COMPARISON = "no comparison"


def two_proportion_test(x1: int, n1: int, x2: int, n2: int) -> tuple[float, str] | None:
    """p-value of "the two proportions x1/n1 and x2/n2 are equal", and the test used; None without trials.

    Pearson's chi-square on the 2x2 table (with Yates' correction, scipy's default), or Fisher's exact test
    when an expected count is below FISHER_BELOW_EXPECTED (small weeks, rare events).
    """
    if n1 <= 0 or n2 <= 0:
        return None
    table = [[x1, n1 - x1], [x2, n2 - x2]]
    column = (x1 + x2, n1 + n2 - x1 - x2)
    expected_min = min(n * c / (n1 + n2) for n in (n1, n2) for c in column)
    if expected_min < FISHER_BELOW_EXPECTED:
        return float(fisher_exact(table).pvalue), "Fisher exact"
    return float(chi2_contingency(table).pvalue), "chi-square"


def noise_call(p_value: float | None, alpha: float) -> str:
    """`beyond noise` when p < alpha, `within noise` otherwise, `no comparison` without a p-value."""
    if p_value is None:
        return NO_COMPARISON
    return BEYOND_NOISE if p_value < alpha else WITHIN_NOISE
