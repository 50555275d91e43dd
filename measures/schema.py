"""The instrument definition format: what a YAML file in measures/instruments/ may say.

The format is a contract (see docs/instruments.md): users write their own files in it, and
the loader refuses a bad one with a message naming the file, the field and the problem.
"""

from __future__ import annotations

import math
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
ITEM_ID_PATTERN = r"^[a-z0-9][a-z0-9_]*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ResponseScale(_Strict):
    """The answers an item accepts: whole steps from min to max, or any value when `step` is set."""

    min: float
    max: float
    step: float | None = Field(
        default=None,
        description="Set for a continuous scale (e.g. 0.1 for a 0-10 visual scale); "
        "leave out for a discrete scale of whole points.",
    )
    labels: dict[str, list[str]] | None = None

    @model_validator(mode="after")
    def _check(self) -> ResponseScale:
        if self.max <= self.min:
            raise ValueError(f"max ({self.max:g}) must be greater than min ({self.min:g})")
        if self.step is not None and self.step <= 0:
            raise ValueError(f"step must be positive, not {self.step:g}")
        if self.step is None:
            if not (float(self.min).is_integer() and float(self.max).is_integer()):
                raise ValueError(
                    "a discrete scale needs whole-number min and max; add `step` for a "
                    "continuous scale"
                )
            if self.labels:
                points = int(self.max - self.min) + 1
                for language, labels in self.labels.items():
                    if len(labels) != points:
                        raise ValueError(
                            f"labels.{language} has {len(labels)} labels but the scale has "
                            f"{points} points ({self.min:g} to {self.max:g})"
                        )
        return self

    @property
    def is_continuous(self) -> bool:
        """True when any value between min and max is a valid answer."""
        return self.step is not None

    @property
    def points(self) -> list[float]:
        """The answer values of a discrete scale, lowest first (empty for a continuous one)."""
        if self.is_continuous:
            return []
        return [self.min + i for i in range(int(self.max - self.min) + 1)]


class Item(_Strict):
    """One question; scoring-only definitions of licensed instruments omit its `text`."""

    id: str = Field(pattern=ITEM_ID_PATTERN)
    text: dict[str, str] | None = None
    reverse: bool = False
    theme: str | None = Field(
        default=None,
        description="What the item is about, in a word or two (e.g. 'zest', 'mutual empathy').",
    )


class Scale(_Strict):
    """A score made from items: their mean or sum, after reverse keying."""

    id: str = Field(pattern=ITEM_ID_PATTERN)
    name: str
    items: list[str] = Field(min_length=1)
    method: Literal["mean", "sum"] = "mean"
    max_missing: int = Field(default=0, ge=0)
    description: str | None = None

    @model_validator(mode="after")
    def _check(self) -> Scale:
        if len(set(self.items)) != len(self.items):
            raise ValueError("lists an item more than once")
        if self.max_missing >= len(self.items):
            raise ValueError(
                f"max_missing ({self.max_missing}) must be smaller than the number of items "
                f"({len(self.items)})"
            )
        return self


class MeanSD(_Strict):
    """A published mean and standard deviation of a reference population."""

    mean: float
    sd: float = Field(gt=0)


class Norm(_Strict):
    """Published facts about one scale, each traceable to `source`."""

    reliability: float | None = Field(default=None, gt=0, lt=1)
    cutoff: float | None = None
    functional: MeanSD | None = None
    clinical: MeanSD | None = None
    source: str = Field(min_length=1)
    note: str | None = None


class Instrument(_Strict):
    """An instrument definition, validated."""

    id: str = Field(pattern=ID_PATTERN)
    name: str
    version: str
    citation: str
    license: str
    use: Literal["pre-post", "per-session"]
    normed: bool = True
    note: str | None = None
    response_scale: ResponseScale
    higher_is: Literal["better", "worse"]
    items: list[Item] = Field(min_length=1)
    scales: list[Scale] = Field(min_length=1)
    norms: dict[str, Norm] = Field(default_factory=dict)

    @field_validator("version", mode="before")
    @classmethod
    def _version_as_text(cls, value: object) -> object:
        return str(value) if isinstance(value, int | float) else value

    @model_validator(mode="after")
    def _check(self) -> Instrument:
        item_ids = [item.id for item in self.items]
        duplicates = sorted({i for i in item_ids if item_ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"items: item id used more than once: {', '.join(duplicates)}")
        known = set(item_ids)
        scale_ids = [scale.id for scale in self.scales]
        if len(set(scale_ids)) != len(scale_ids):
            raise ValueError("scales: scale id used more than once")
        for index, scale in enumerate(self.scales):
            unknown = [i for i in scale.items if i not in known]
            if unknown:
                raise ValueError(
                    f"scales[{index}] ({scale.id}): unknown item(s) {', '.join(unknown)}; "
                    "every scale item must be listed under items"
                )
        for scale_id in self.norms:
            if scale_id not in scale_ids:
                raise ValueError(f"norms: '{scale_id}' is not one of the scales ({scale_ids})")
        return self

    # Convenience lookups -------------------------------------------------------------

    @property
    def item_ids(self) -> list[str]:
        """Item ids in questionnaire order."""
        return [item.id for item in self.items]

    def item(self, item_id: str) -> Item:
        """The item with this id (KeyError if there is none)."""
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    def scale(self, scale_id: str) -> Scale:
        """The scale with this id; ValueError naming the valid ids if there is none."""
        for scale in self.scales:
            if scale.id == scale_id:
                return scale
        raise ValueError(
            f"{self.id} has no scale '{scale_id}'; its scales are "
            + ", ".join(s.id for s in self.scales)
        )

    def subscales_of(self, scale_id: str) -> list[Scale]:
        """The instrument's other scales whose items all belong to `scale_id`.

        A scale made of three or more such subscales gets an omega hierarchical
        (see analysis.reliability).
        """
        whole = set(self.scale(scale_id).items)
        return [
            s
            for s in self.scales
            if s.id != scale_id and set(s.items) < whole and len(s.items) < len(whole)
        ]

    def higher_is_better(self) -> bool:
        """True when a higher score means the member is doing better."""
        return self.higher_is == "better"

    def reverse_keyed(self, value: float) -> float:
        """The reverse-keyed value: min + max - value."""
        return self.response_scale.min + self.response_scale.max - value

    def is_valid_answer(self, value: float) -> bool:
        """True when `value` is an answer this instrument's response scale accepts."""
        rs = self.response_scale
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return False
        if value < rs.min or value > rs.max:
            return False
        return rs.is_continuous or float(value - rs.min).is_integer()
