"""How a p value is written, once for every door: the page, the reports and the command line.

APA style: three decimals without a leading zero, and ``p < .001`` below that.
"""

from __future__ import annotations

import math


def p_words(p: float | None) -> str:
    """A p value in words: ``p < .001``, ``p = .034``, or ``p n/a`` when there is none.

    Examples
    --------
    >>> p_words(0.0004), p_words(0.0342), p_words(0.5), p_words(None)
    ('p < .001', 'p = .034', 'p = .500', 'p n/a')
    """
    if p is None or not math.isfinite(p):
        return "p n/a"
    return "p < .001" if p < 0.001 else f"p = {p:.3f}".replace("0.", ".", 1)
