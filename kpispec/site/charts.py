"""Small bar charts of months, as inline SVG: a target month by month, or a goal's months against
what is due in each. Numbers and escaped text only; no script, no fonts or images from a network."""

from __future__ import annotations

import math

from ..records import record

BAR, GAP, HEIGHT, TOP, LABELS = 22, 6, 80, 14, 16  # pixels: a bar and its gap, the bars, the year above, the months below


@record(frozen=True, slots=True)
class Bar:
    """One month: its label (`2026-07`), its value, what is due (or None), whether it misses, and the
    text shown when the bar is pointed at (already in the page's language)."""

    label: str
    value: float
    due: float | None
    miss: bool
    title: str


def scalar(x) -> float:
    """An exact amount as a chart height; one beyond a float's range is infinite (and not drawn)."""
    try:
        return float(x)
    except OverflowError:
        return math.inf if x > 0 else -math.inf


def chart(bars: list[Bar], caption: str, esc) -> str:
    """An SVG bar chart; `esc` escapes text for HTML (the page's own escaping)."""
    if not bars or not all(math.isfinite(v) for b in bars for v in (b.value, b.due if b.due is not None else 0.0)):
        return ""  # nothing to draw, or amounts beyond what a picture can scale (their table still has them)
    top = max([b.value for b in bars] + [b.due for b in bars if b.due is not None] + [0.0])
    low = min([b.value for b in bars] + [b.due for b in bars if b.due is not None] + [0.0])
    span = (top - low) or 1.0
    width = len(bars) * (BAR + GAP) + GAP
    height = TOP + HEIGHT + LABELS
    zero = TOP + HEIGHT * top / span  # where 0 is: bars grow up from it (down, for a negative value)

    def y(v: float) -> float:
        return TOP + HEIGHT * (top - v) / span

    parts = [f'<svg class="kp-chart" role="img" aria-label="{esc(caption)}" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">']
    parts.append(f'<line class="kp-axis" x1="0" y1="{zero:.1f}" x2="{width}" y2="{zero:.1f}"/>')
    for n, b in enumerate(bars):
        x = GAP + n * (BAR + GAP)
        y0, y1 = sorted((zero, y(b.value)))
        cls = "kp-bar kp-bar-miss" if b.miss else "kp-bar"
        parts.append(f'<g><title>{esc(b.title)}</title>'
                     f'<rect class="{cls}" x="{x}" y="{y0:.1f}" width="{BAR}" height="{max(y1 - y0, 0.5):.1f}"/>')
        if b.due is not None:
            parts.append(f'<line class="kp-due" x1="{x - 2}" y1="{y(b.due):.1f}" x2="{x + BAR + 2}" y2="{y(b.due):.1f}"/>')
        month = b.label[5:7].lstrip("0")
        year = b.label[:4] if n == 0 or month == "1" else ""
        parts.append(f'<text x="{x + BAR / 2}" y="{TOP + HEIGHT + 12}" text-anchor="middle">{esc(month)}</text>')
        if year:
            parts.append(f'<text class="kp-year" x="{x}" y="{TOP - 4}">{esc(year)}</text>')
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)


@record(frozen=True, slots=True)
class Swing:
    """One input of a tornado chart: its label, the goal's change when the input's target is 10% worse
    (`low`, None when it cannot be evaluated) and 10% better (`high`), and the text shown beside and over it."""

    label: str
    low: float | None
    high: float
    text: str
    title: str


ROW, HALF, NAME_PX, TEXT_PX = 16, 60, 6, 6  # pixels: a row, each side's longest bar, per character of a name and of a value


def tornado(swings: list[Swing], caption: str, esc, width_of) -> str:
    """A horizontal bar chart centred on the goal's value at the targets: each input's bar reaches left
    and right by what a 10% worse and a 10% better target do to the goal. `width_of` gives a text's
    width in character cells (a CJK character takes two)."""
    values = [abs(v) for s in swings for v in (s.low, s.high) if v is not None]
    if not swings or not all(math.isfinite(v) for v in values):
        return ""
    scale = max(values + [0.0]) or 1.0
    names = max(width_of(s.label) for s in swings) * NAME_PX + 8
    texts = max(width_of(s.text) for s in swings) * TEXT_PX + 8
    centre = names + HALF
    width = int(centre + HALF + texts)
    height = len(swings) * ROW + 4
    parts = [f'<svg class="kp-chart kp-tornado" role="img" aria-label="{esc(caption)}" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">',
             f'<line class="kp-axis" x1="{centre}" y1="0" x2="{centre}" y2="{height}"/>']
    for n, s in enumerate(swings):
        y = 2 + n * ROW
        parts.append(f'<g><title>{esc(s.title)}</title>')
        parts.append(f'<text x="{names - 6}" y="{y + 12}" text-anchor="end">{esc(s.label)}</text>')
        for value, cls in ((s.low, "kp-swing-down"), (s.high, "kp-swing-up")):
            if value is None or value == 0:
                continue
            length = HALF * abs(value) / scale
            x = centre if value > 0 else centre - length
            parts.append(f'<rect class="kp-bar {cls}" x="{x:.1f}" y="{y + 2}" width="{max(length, 0.5):.1f}" '
                         f'height="{ROW - 6}"/>')
        parts.append(f'<text x="{centre + HALF + 6}" y="{y + 12}">{esc(s.text)}</text></g>')
    parts.append("</svg>")
    return "".join(parts)
