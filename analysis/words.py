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


def members_words(n: int) -> str:
    """A count of members as the analyses word it: ``1 member``, ``3 members``."""
    return f"{n} member" + ("" if n == 1 else "s")


class CountedText(str):
    """A message that quotes counts of members, carrying the counts as fields.

    It reads as an ordinary string (worded with `members_words`); `words` words it again
    with another wording of each count, e.g. `privacy.suppression.Suppressor.members`, which
    hides a count of 1-4 members on the number itself: nothing re-reads the sentence.

    Examples
    --------
    >>> text = CountedText("only {pairs} with both scores", pairs=2)
    >>> str(text), text.words(lambda n: "fewer than 5 members")
    ('only 2 members with both scores', 'only fewer than 5 members with both scores')
    """

    template: str
    counts: dict[str, int]

    def __new__(cls, template: str, **counts: int) -> CountedText:  # noqa: D102
        text = super().__new__(
            cls, template.format(**{k: members_words(v) for k, v in counts.items()})
        )
        text.template, text.counts = template, dict(counts)
        return text

    def __reduce__(self):
        """Pickled (st.cache_data) with its template and counts, not only its words."""
        return (_counted_text, (self.template, self.counts))

    def words(self, members) -> str:
        """The message with each count worded by `members` (a function of the count)."""
        return self.template.format(**{k: members(v) for k, v in self.counts.items()})


def _counted_text(template: str, counts: dict[str, int]) -> CountedText:
    return CountedText(template, **counts)
