"""Scoring: answers in, a result out. Pure functions, nothing stored or logged.

The form posts one field per item, ``q-<item id>`` = the chosen option's value.
:func:`read_answers` checks them against the tool (missing, unknown item,
unknown option, not a number) and :func:`score` applies the tool's rule:
sum of points (reverse-scored items count from the other end) times the
multiplier, the band that score falls in, and the alerts that fire.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ..params import ascii_int
from .schema import Alert, Band, Tool

FIELD_PREFIX = "q-"
MAX_FIELDS = 200
MAX_VALUE_LENGTH = 8


@dataclass
class Answers:
    """What came in: valid answers (kept to refill the form), plus what was wrong."""

    values: dict[str, int] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    tampered: bool = False

    @property
    def complete(self) -> bool:
        return not self.missing and not self.tampered


@dataclass
class Result:
    tool: Tool
    raw: int
    score: int
    band: Band
    alerts: list[Alert]
    low: int
    high: int

    @property
    def crisis(self) -> bool:
        return any(alert.crisis for alert in self.alerts)

    @property
    def urgent(self) -> bool:
        return self.band.urgent

    @property
    def fraction(self) -> float:
        """Where the score sits between the lowest and highest possible score (0..1)."""
        return 0.0 if self.high == self.low else (self.score - self.low) / (self.high - self.low)


def read_answers(tool: Tool, form: Mapping[str, str]) -> Answers:
    """Check a submitted form against the tool. Never raises on bad input."""
    answers = Answers()
    keys = list(form.keys())
    if len(keys) > MAX_FIELDS:
        answers.tampered = True
        keys = keys[:MAX_FIELDS]
    known = {item.id: item for item in tool.items}
    for key in keys:
        if key.startswith(FIELD_PREFIX) and key[len(FIELD_PREFIX) :] not in known:
            answers.tampered = True  # an item this tool does not have
    for item in tool.items:
        raw = form.get(FIELD_PREFIX + item.id)
        if raw is None or raw == "":
            answers.missing.append(item.id)
            continue
        value = ascii_int(raw, -(10**6), 10**6) if len(raw) <= MAX_VALUE_LENGTH else None
        if value is None:  # "²" passes str.isdigit() but not int(): never let a form reach a traceback
            answers.tampered = True
            continue
        if value not in {option.value for option in item.options}:
            answers.tampered = True
            continue
        answers.values[item.id] = value
    return answers


def score(tool: Tool, values: Mapping[str, int]) -> Result:
    """Score complete answers (option values keyed by item id)."""
    raw = sum(item.points(values[item.id]) for item in tool.items)
    total = raw * tool.multiplier
    low, high = tool.score_range
    fired = [alert for alert in tool.alerts if alert.fires(dict(values))]
    return Result(tool, raw, total, tool.band_for(total), fired, low, high)
