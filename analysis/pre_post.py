"""One pipeline for pre/post change: paired change, reliable change and clinical significance.

Every door calls :func:`pre_post_change`: the Change page (``services.analyses.change``),
``cli.py change`` (``commands.change``) and the reports (``reports.content``). So one file,
instrument and set of choices give the same numbers, categories, cutoff and the same words for
where the reliability and the cutoff came from, on the page, in ``--json``, in the Excel
workbook and in the PDF.

Choices, the same at every door:

- **Reliability**: given by the user; else the instrument's published reliability for the
  scale (its norms); else this sample's Cronbach's alpha at the pre timepoint
  (:func:`analysis.reliable_change.reliability_for_change`).
- **Cutoff** (:data:`CUTOFF_CHOICES`): ``"published"`` (the instrument's norms cutoff for the
  scale), ``"a"``, ``"b"``, ``"c"`` (Jacobson & Truax 1991), a number, or ``None`` (no cutoff:
  no recovered or harmed). ``b`` and ``c`` need the functional population's mean and SD, given
  by the user or in the instrument's norms. A choice that cannot be used is not an error here:
  the result is computed without a cutoff and ``cutoff_problem`` says, in plain words, what is
  missing and what to choose instead (a door may refuse it, as the CLI does).

Messages say what to change in the file or the choices, never which command-line flag to pass.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import pandas as pd

from analysis.change import PairedChange, paired_change
from analysis.reliable_change import (
    METHODS,
    Cutoff,
    ReliableChange,
    ReliableChangeError,
    clinical_cutoff,
    hlm_input,
    reliability_for_change,
    reliable_change,
    reliable_change_hlm,
)
from measures.schema import Instrument

__all__ = [
    "CUTOFF_CHOICES",
    "CUTOFF_NAMES",
    "PUBLISHED",
    "PrePostChange",
    "cutoff_words",
    "default_cutoff",
    "parse_cutoff",
    "pre_post_change",
    "published_cutoff",
    "reliability_words",
]

#: The instrument's own cutoff for the scale, from its norms.
PUBLISHED = "published"
#: The named cutoff choices; a number and ``None`` (no cutoff) are the others.
CUTOFF_CHOICES = (PUBLISHED, "a", "b", "c")
#: What each Jacobson-Truax cutoff is, in words.
CUTOFF_NAMES = {
    "a": "2 SD beyond the pre mean",
    "b": "2 SD within the functional mean",
    "c": "between the two populations",
}


@dataclass
class PrePostChange:
    """Pre/post change of one scale with every requested reliable change method.

    ``methods`` maps each method (``"jt"``, ..., ``"hlm"``) to its ReliableChange.
    ``reliability_source`` is ``"user"``, ``"norms"``, ``"sample_alpha_pre"`` or None;
    ``reliability_words`` says the same in the one wording every door prints.
    ``cutoff_choice`` is the choice as asked (``"published"``, ``"a"``, ``"b"``, ``"c"``, a
    number, None); ``cutoff`` the cutoff used (that of the first method that used one, JT's
    when JT ran; HA's own "true score" cutoffs are in its ReliableChange; when no method
    could use it, the Jacobson-Truax cutoff of the pairs' pre scores), with its type
    ``"published"`` for the published cutoff. ``cutoff_problem`` says why a requested cutoff
    could not be used (the result then has no recovered or harmed), else None.
    ``reliability_problem`` says why no reliability could be used, else None.
    """

    instrument: str
    scale: str
    change: PairedChange
    methods: dict[str, ReliableChange]
    reliability: float | None
    reliability_source: str | None
    reliability_words: str
    cutoff_choice: str | float | None
    cutoff: Cutoff | None
    cutoff_words: str
    reliability_problem: str | None = None
    cutoff_problem: str | None = None
    functional_mean: float | None = None
    functional_sd: float | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def reliability_sentence(self) -> str:
        """The sentence on the reliability used, as every door prints it."""
        value = "–" if self.reliability is None else f"{self.reliability:.2f}"
        return f"Reliability used for reliable change: {value}, {self.reliability_words}."

    @property
    def cutoff_sentence(self) -> str:
        """The sentence on the clinical cutoff used, as every door prints it."""
        return f"Clinical cutoff used: {self.cutoff_words}."

    @property
    def used(self) -> list[str]:
        """The two sentences on the reliability and the cutoff used."""
        return [self.reliability_sentence, self.cutoff_sentence]


def parse_cutoff(value: object) -> str | float | None:
    """A cutoff choice as typed (``"Published"``, ``"a"``, ``"12.5"``, ``"none"``), normalised.

    Returns ``"published"``, ``"a"``, ``"b"``, ``"c"``, a float, or None for no cutoff.
    Raises ReliableChangeError for anything else.

    Examples
    --------
    >>> parse_cutoff("Published"), parse_cutoff("B"), parse_cutoff("12"), parse_cutoff("none")
    ('published', 'b', 12.0, None)
    """
    if value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        if not math.isfinite(value):
            raise ReliableChangeError(f"a cutoff must be a finite number, not {value!r}")
        return float(value)
    text = str(value).strip().lower()
    if text in ("", "none"):
        return None
    if text in CUTOFF_CHOICES:
        return text
    try:
        number = float(text)
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        raise ReliableChangeError(
            f"the cutoff must be published, a, b, c, a number or none, not {value!r}"
        )
    return number


def published_cutoff(instrument: Instrument, scale: str) -> float | None:
    """The instrument's published cutoff for `scale` (its norms), or None."""
    norm = instrument.norms.get(scale)
    return None if norm is None else norm.cutoff


def default_cutoff(instrument: Instrument, scale: str) -> str | None:
    """The cutoff the page and the reports start from: published when the norms have one."""
    return PUBLISHED if published_cutoff(instrument, scale) is not None else None


def reliability_words(
    source: str | None, instrument: Instrument, scale: str, pre: object = None
) -> str:
    """Where the reliability of reliable change came from, in the one wording of every door.

    `source` is ``"user"``, ``"norms"``, ``"sample_alpha_pre"`` (``"sample_alpha"``) or None.

    Examples
    --------
    >>> from measures import load_instrument
    >>> reliability_words("sample_alpha_pre", load_instrument("who5"), "total", "pre")
    "this sample's Cronbach's alpha at pre"
    """
    if source == "user":
        return "given by the user"
    if source == "norms":
        norm = instrument.norms.get(scale)
        where = norm.source.strip() if norm is not None and norm.source else "instrument norms"
        return f"published ({where})"
    if source == "sample_alpha_pre":
        return f"this sample's Cronbach's alpha at {pre}"
    if source == "sample_alpha":
        return "this sample's Cronbach's alpha over every administration"
    return "none: no published reliability and the sample's alpha cannot be used"


def cutoff_words(cutoff: Cutoff | None) -> str:
    """The cutoff used, in the one wording of every door (``"no cutoff"`` when None).

    Examples
    --------
    >>> cutoff_words(Cutoff("published", 10.0)), cutoff_words(Cutoff("a", 19.1622))
    ('published cutoff, 10', 'cutoff a (2 SD beyond the pre mean), 19.16')
    """
    if cutoff is None:
        return "no cutoff (recovered and harmed are not counted)"
    if cutoff.type == PUBLISHED:
        return f"published cutoff, {cutoff.value:g}"
    if cutoff.type == "number":
        return f"cutoff {cutoff.value:g} (given)"
    kind = cutoff.type.removesuffix("_true")
    true_score = ", true score" if cutoff.type.endswith("_true") else ""
    return f"cutoff {kind} ({CUTOFF_NAMES.get(kind, kind)}{true_score}), {cutoff.value:.2f}"


def _functional(instrument, scale, functional_mean, functional_sd):
    if (functional_mean is None) != (functional_sd is None):
        raise ReliableChangeError(
            "give both the functional population's mean and its SD, or neither"
        )
    if functional_mean is not None:
        if not functional_sd > 0:
            raise ReliableChangeError(
                f"the functional population's SD must be positive, not {functional_sd:g}"
            )
        return float(functional_mean), float(functional_sd)
    norm = instrument.norms.get(scale)
    if norm is not None and norm.functional is not None:
        return norm.functional.mean, norm.functional.sd
    return None, None


def _cutoff_for_methods(
    choice, instrument: Instrument, scale: str, functional: tuple
) -> tuple[str | float | None, str | None]:
    """The cutoff to hand to the methods, and why the choice cannot be used (when it cannot)."""
    name = instrument.scale(scale).name
    published = published_cutoff(instrument, scale)
    if choice is None or choice == "a" or isinstance(choice, float):
        return choice, None
    if choice == PUBLISHED:
        if published is None:
            return None, (
                f"{instrument.name} has no published cutoff for {name} in its norms; choose "
                "cutoff a, b or c, a number, or no cutoff"
            )
        return published, None
    if functional[0] is None:
        others = "a, a number, the published cutoff" if published is not None else "a, a number"
        return None, (
            f"cutoff {choice} needs the functional population's mean and SD: the norms of "
            f"{instrument.name} have none for {name}; give them, or choose cutoff {others} "
            "or no cutoff"
        )
    return choice, None


def pre_post_change(
    scored: pd.DataFrame,
    wide: pd.DataFrame,
    instrument: Instrument,
    scale: str,
    pre: object,
    post: object,
    *,
    methods: tuple[str, ...] | list[str] = METHODS,
    cutoff: object = None,
    reliability: float | None = None,
    functional_mean: float | None = None,
    functional_sd: float | None = None,
) -> PrePostChange:
    """Paired change, reliable change by each of `methods` and clinical significance.

    Parameters
    ----------
    scored
        Scored administrations (``measures.score``): ``member``, ``timepoint``, the `scale`
        column, optionally ``group`` and ``session``.
    wide
        The item answers the scores come from (one row per administration), for the sample's
        Cronbach's alpha at `pre` when the instrument publishes no reliability.
    instrument
        The instrument definition (direction, norms).
    scale
        Scale id.
    pre, post
        Timepoint labels (as ``analysis.change.paired_change`` reads them).
    methods
        Reliable change methods, from ``analysis.reliable_change.METHODS``.
    cutoff
        ``"published"``, ``"a"``, ``"b"``, ``"c"``, a number (or its text) or None / ``"none"``.
    reliability
        The user's reliability for the scale, in (0, 1); None: the norms', else the sample's.
    functional_mean, functional_sd
        The user's functional population (both or neither); None: the norms', when they
        have one. Needed for cutoffs b and c.

    Returns
    -------
    PrePostChange
        With ``cutoff_problem`` set (and no recovered or harmed) when the cutoff choice needs
        norms the instrument lacks; with ``reliability_problem`` set (and no categories for
        the two-timepoint methods) when no reliability can be used.

    Raises
    ------
    analysis.change.ChangeInputError
        An unknown scale or timepoint, or pre equal to post.
    analysis.reliable_change.ReliableChangeError
        An unknown method or cutoff, a reliability outside (0, 1), or only one of the
        functional mean and SD.

    Examples
    --------
    >>> from measures import load_instrument, score
    >>> phq9 = load_instrument("phq9")
    >>> wide = pd.DataFrame(
    ...     [{"member": m, "timepoint": t, **{f"phq9_{i}": v for i in range(1, 10)}}
    ...      for m, (a, b) in enumerate([(3, 0), (2, 1), (2, 2), (3, 1)])
    ...      for t, v in (("pre", a), ("post", b))]
    ... )
    >>> result = pre_post_change(score(wide, phq9), wide, phq9, "total", "pre", "post",
    ...                          methods=["jt"], cutoff="published")
    >>> result.cutoff_words, result.methods["jt"].counts["recovered"]
    ('published cutoff, 10', 3)
    """
    for method in methods:
        if method not in METHODS:
            raise ReliableChangeError(f"method must be one of {', '.join(METHODS)}, not {method!r}")
    choice = parse_cutoff(cutoff)
    if reliability is not None and not 0 < reliability < 1:
        raise ReliableChangeError(f"the reliability must be between 0 and 1, not {reliability:g}")
    functional = _functional(instrument, scale, functional_mean, functional_sd)
    change = paired_change(scored, scale, pre, post)
    if reliability is not None:
        used, source, reliability_problem = float(reliability), "user", None
    else:
        used, source = reliability_for_change(instrument, scale, wide, pre)
        reliability_problem = None
        if used is None:
            reliability_problem = (
                f"{instrument.name} publishes no reliability for "
                f"{instrument.scale(scale).name} and this sample's Cronbach's alpha at {pre} "
                "cannot be used (a single item, too few members, or alpha not between 0 and "
                "1); give the scale's reliability"
            )
    given, cutoff_problem = _cutoff_for_methods(choice, instrument, scale, functional)
    options = {
        "higher_is": instrument.higher_is,
        "functional_mean": functional[0],
        "functional_sd": functional[1],
    }
    results: dict[str, ReliableChange] = {}
    for method in methods:
        results[method] = _one_method(method, scored, scale, change, used, given, options)
        if method != "hlm" and used is None:
            results[method].problem = reliability_problem
        if choice == PUBLISHED and results[method].cutoff is not None:
            results[method].cutoff = replace(results[method].cutoff, type=PUBLISHED)
    chosen = next((r.cutoff for r in results.values() if r.cutoff is not None), None)
    if chosen is None and given is not None:
        # No method could judge anyone (too few pairs, HLM without sessions): the cutoff
        # chosen is still the one the Jacobson-Truax rule gives.
        chosen = _pairs_cutoff(given, change, instrument.higher_is, functional)
        if chosen is not None and choice == PUBLISHED:
            chosen = replace(chosen, type=PUBLISHED)
    problems = list(change.problems)
    problems += [p for p in (reliability_problem, cutoff_problem) if p]
    return PrePostChange(
        instrument=instrument.id,
        scale=scale,
        change=change,
        methods=results,
        reliability=used,
        reliability_source=source,
        reliability_words=reliability_words(source, instrument, scale, pre),
        cutoff_choice=choice,
        cutoff=chosen,
        cutoff_words=cutoff_words(chosen),
        reliability_problem=reliability_problem,
        cutoff_problem=cutoff_problem,
        functional_mean=functional[0],
        functional_sd=functional[1],
        problems=problems,
    )


def _pairs_cutoff(cutoff, change: PairedChange, higher_is: str, functional) -> Cutoff | None:
    """The Jacobson-Truax cutoff of the pairs' pre scores (None when it cannot be computed)."""
    pre = change.pairs["pre"].astype(float)
    if isinstance(cutoff, float):
        return Cutoff("number", cutoff)
    if len(pre) < 2:
        return None
    return clinical_cutoff(
        cutoff,
        m_clinical=float(pre.mean()),
        sd_clinical=float(pre.std(ddof=1)),
        higher_is=higher_is,
        m_functional=functional[0],
        sd_functional=functional[1],
    )


def _one_method(method, scored, scale, change, reliability, cutoff, options) -> ReliableChange:
    """One method's ReliableChange; a cutoff it cannot use is dropped, and said why."""

    def run(with_cutoff):
        if method == "hlm":
            return reliable_change_hlm(hlm_input(scored, scale), cutoff=with_cutoff, **options)
        return reliable_change(
            change.pairs, method=method, reliability=reliability, cutoff=with_cutoff, **options
        )

    try:
        return run(cutoff)
    except ReliableChangeError as error:
        if cutoff is None:
            raise
        # e.g. the Hageman-Arrindell cutoff c when the functional SD is below the SEM.
        result = run(None)
        result.problem = f"{error}; shown without a cutoff"
        return result
