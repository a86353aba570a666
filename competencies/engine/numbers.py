"""Exact numbers: thresholds are compared as integers or fractions, never as binary floats.

A weight of 0.1 arriving through JSON is the float nearest 0.1; ``Fraction(str(0.1))`` is
exactly one tenth, which is what the designer typed. NaN, infinities, booleans and numbers too
large to be a mark are refused (``None``), for the caller to report with a path.
"""

from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

DECIMAL_PLACES_MAX = 6  # 0.000001 is finer than any weight or mark a designer means
DIGITS_MAX = 12  # no weight or mark needs more digits; refuses 10**400 before any arithmetic


def exact(value: Any) -> Fraction | None:
    """The exact value of a finite number written with few digits, else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Fraction(value) if len(str(abs(value))) <= DIGITS_MAX else None
    if isinstance(value, Fraction):
        return value if value.denominator <= 10**DECIMAL_PLACES_MAX and abs(value) < 10**DIGITS_MAX else None
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        text = repr(value)
    elif isinstance(value, Decimal):
        text = str(value)
    else:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:  # pragma: no cover - repr of a finite float is always valid
        return None
    if not number.is_finite():
        return None
    sign, digits, exponent = number.as_tuple()
    if not isinstance(exponent, int) or -exponent > DECIMAL_PLACES_MAX or len(digits) + max(exponent, 0) > DIGITS_MAX:
        return None
    return Fraction(number)


def whole(value: Any) -> int | None:
    """An int that is really an int (True is not 1 here), else None."""
    if type(value) is int and len(str(abs(value))) <= DIGITS_MAX:
        return value
    return None


def plain(value: Fraction | int) -> int | float:
    """A number for JSON and for reading: an int when whole, else the float of its decimal text."""
    if isinstance(value, int) or value.denominator == 1:
        return int(value)
    return float(Decimal(value.numerator) / Decimal(value.denominator))


def shown(value: float) -> str:
    """A percent or level as a person reads it: rounded, never deciding anything."""
    return f"{value:.0f}" if abs(value - round(value)) < 0.05 or abs(value) >= 10 else f"{value:.1f}"
