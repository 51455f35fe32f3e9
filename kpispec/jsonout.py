"""A small JSON writer that emits Decimal values as exact JSON numbers."""

from __future__ import annotations

import json
from decimal import MAX_EMAX, MAX_PREC, MIN_EMIN, Context, Decimal

_encode_str = json.encoder.encode_basestring  # keeps non-ASCII (日本語) as is
# normalize() rounds to its context's precision: the default 28 digits would print
# 1000000000000000000000000000000.5 as 1000000000000000000000000000000.
_EXACT = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN)


def number(d: Decimal) -> str:
    if not d.is_finite():
        raise ValueError(f"not a finite number: {d}")
    if d == d.to_integral_value():
        return format(d.to_integral_value(), "f")
    return format(d.normalize(_EXACT), "f")


def dumps(obj, indent: int = 2) -> str:
    parts: list[str] = []
    _write(obj, parts, 0, indent)
    parts.append("\n")
    return "".join(parts)


def dump_streaming(parts: dict, write, indent: int = 2) -> None:
    """Write a top-level object whose values may be generators (written item by item)."""
    pad1 = "\n" + " " * indent
    pad2 = "\n" + " " * (2 * indent)
    write("{")
    for index, (key, value) in enumerate(parts.items()):
        write(("," if index else "") + pad1 + _encode_str(key) + ": ")
        if isinstance(value, (dict, str, int, Decimal, type(None))) or isinstance(value, (list, tuple)) and not value:
            out: list[str] = []
            _write(value, out, 1, indent)
            write("".join(out))
            continue
        first = True
        for item in value:
            out = ["[" if first else ",", pad2]
            _write(item, out, 2, indent)
            write("".join(out))
            first = False
        write("[]" if first else pad1 + "]")
    write("\n}\n")


def _write(obj, out: list[str], level: int, indent: int) -> None:
    if obj is None:
        out.append("null")
    elif obj is True:
        out.append("true")
    elif obj is False:
        out.append("false")
    elif isinstance(obj, str):
        out.append(_encode_str(obj))
    elif isinstance(obj, Decimal):
        out.append(number(obj))
    elif isinstance(obj, int):
        out.append(str(obj))
    elif isinstance(obj, float):
        out.append(json.dumps(obj))
    elif isinstance(obj, dict):
        if not obj:
            out.append("{}")
            return
        pad = "\n" + " " * (indent * (level + 1))
        out.append("{")
        first = True
        for key, value in obj.items():
            out.append(pad if first else "," + pad)
            first = False
            out.append(_encode_str(str(key)))
            out.append(": ")
            _write(value, out, level + 1, indent)
        out.append("\n" + " " * (indent * level) + "}")
    elif isinstance(obj, (list, tuple)):
        if not obj:
            out.append("[]")
            return
        pad = "\n" + " " * (indent * (level + 1))
        out.append("[")
        for i, value in enumerate(obj):
            out.append(pad if i == 0 else "," + pad)
            _write(value, out, level + 1, indent)
        out.append("\n" + " " * (indent * level) + "]")
    else:
        raise TypeError(f"cannot write {type(obj).__name__} as JSON")
