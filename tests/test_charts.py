"""The docs site's month charts: geometry worked out by hand, and one golden chart."""

from __future__ import annotations

import html
import os
import re
from pathlib import Path

from kpispec.site.charts import BAR, GAP, HEIGHT, TOP, Bar, chart, scalar

GOLDEN = Path(__file__).resolve().parent / "golden" / "site" / "chart.svg"


def esc(text) -> str:
    return html.escape(str(text), quote=True)


def rects(svg: str) -> list[dict]:
    return [dict(re.findall(r'(\w[\w-]*)="([^"]*)"', m)) for m in re.findall(r"<rect ([^>]*)/>", svg)]


def test_bars_stand_on_zero_in_proportion_to_their_values():
    # values 0..100: the chart's top is 100, so 100 fills HEIGHT, 50 half of it; zero is at TOP + HEIGHT
    svg = chart([Bar("2026-12", 100.0, None, False, "a"), Bar("2027-01", 50.0, 80.0, True, "b")], "c", esc)
    first, second = rects(svg)
    assert (float(first["y"]), float(first["height"])) == (TOP, HEIGHT)
    assert (float(second["y"]), float(second["height"])) == (TOP + HEIGHT / 2, HEIGHT / 2)
    assert (int(first["x"]), int(second["x"])) == (GAP, GAP + BAR + GAP) and int(first["width"]) == BAR
    assert second["class"] == "kp-bar kp-bar-miss" and first["class"] == "kp-bar"
    # what is due is a line across its bar, at 80 of 100
    (due,) = re.findall(r'<line class="kp-due" x1="([\d.-]+)" y1="([\d.]+)" x2="([\d.-]+)"', svg)
    assert (float(due[0]), float(due[1]), float(due[2])) == (GAP + BAR + GAP - 2, TOP + HEIGHT * 0.2, GAP + BAR + GAP + BAR + 2)
    # months without their leading zero; the year over the first bar and over January
    assert re.findall(r'text-anchor="middle">(\d+)<', svg) == ["12", "1"]
    assert re.findall(r'class="kp-year"[^>]*>(\d+)<', svg) == ["2026", "2027"]
    assert "<title>a</title>" in svg and 'aria-label="c"' in svg


def test_a_negative_month_hangs_below_zero():
    # -50 and 50: zero is half way down the bars' height
    svg = chart([Bar("2026-04", -50.0, None, False, "x"), Bar("2026-05", 50.0, None, False, "y")], "c", esc)
    low, high = rects(svg)
    middle = TOP + HEIGHT / 2
    assert (float(low["y"]), float(low["height"])) == (middle, HEIGHT / 2)
    assert (float(high["y"]), float(high["height"])) == (TOP, HEIGHT / 2)


def test_nothing_to_draw_and_amounts_beyond_a_float_draw_nothing():
    assert chart([], "c", esc) == ""
    assert chart([Bar("2026-04", scalar(10 ** 400), None, False, "x")], "c", esc) == ""
    assert scalar(-(10 ** 400)) == float("-inf") and scalar(3) == 3.0
    # all zero: a flat chart, not a division by zero
    assert float(rects(chart([Bar("2026-04", 0.0, 0.0, False, "x")], "c", esc))[0]["height"]) == 0.5


def test_the_chart_matches_its_golden_file():
    bars = [Bar(f"2026-{m:02d}", float(m * 10), 100.0, m * 10 < 100, f"2026-{m:02d}: {m * 10}件") for m in range(4, 13)]
    bars += [Bar(f"2027-{m:02d}", 120.0, 100.0, False, f"2027-{m:02d}: 120件 <&>") for m in range(1, 4)]
    svg = chart(bars, "リード <数>", esc)
    if os.environ.get("KPISPEC_UPDATE_GOLDEN"):
        GOLDEN.write_text(svg + "\n", encoding="utf-8")
    assert svg + "\n" == GOLDEN.read_text(encoding="utf-8")
    assert "&lt;&amp;&gt;" in svg and "&lt;数&gt;" in svg


def test_a_tornado_reaches_right_for_better_and_left_for_worse_in_proportion():
    from kpispec.site.charts import HALF, Swing, tornado

    svg = tornado([Swing("cvr", -100.0, 100.0, "+100", "t1"), Swing("orders", -25.0, 50.0, "+50", "t2"),
                   Swing("cpa", None, 0.0, "+0", "t3")], "c", esc, len)
    bars = rects(svg)
    assert [b["class"] for b in bars] == ["kp-bar kp-swing-down", "kp-bar kp-swing-up"] * 2  # nothing to draw for cpa
    (axis,) = re.findall(r'<line class="kp-axis" x1="([\d.]+)"', svg)
    centre = float(axis)
    down, up, down2, up2 = bars
    # the longest swing (100) takes HALF on each side; 50 half of it, 25 a quarter
    assert (float(down["x"]), float(down["width"])) == (centre - HALF, HALF)
    assert (float(up["x"]), float(up["width"])) == (centre, HALF)
    assert (float(down2["x"]), float(down2["width"])) == (centre - HALF / 4, HALF / 4)
    assert float(up2["width"]) == HALF / 2
    assert re.findall(r'text-anchor="end">([^<]+)<', svg) == ["cvr", "orders", "cpa"]
    assert "<title>t2</title>" in svg
    assert tornado([Swing("x", float("inf"), 1.0, "", "")], "c", esc, len) == ""
