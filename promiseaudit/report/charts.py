"""Geometry for the inline SVG charts (the templates draw them; no JavaScript)."""
from __future__ import annotations

from typing import Callable, Optional

from .formatting import DUE_STATUSES, percent

WIDTH, HEIGHT = 1000, 220
LEFT, RIGHT, TOP, BOTTOM = 48, 48, 20, 40


def kept_rate(counts: dict) -> tuple[Optional[float], int]:
    """(kept on time / fallen due, fallen due) for one snapshot's counts by status."""
    due = sum(int(counts.get(s, 0) or 0) for s in DUE_STATUSES)
    kept = int(counts.get("kept", 0) or 0)
    return (kept / due if due else None), due


def trend_chart(history, fmt: Callable, points: int = 12) -> Optional[dict]:
    """Line chart of the kept rate over the last ``points`` stored audits.

    history: (as_of, counts by status) pairs, oldest first (``AuditData.history``).
    RETURNS (dict | None): coordinates and labels, or None with fewer than two audits
    that had promises due.
    """
    rows = []
    for as_of, counts in list(history)[-points:]:
        rate, due = kept_rate(counts or {})
        if rate is not None:
            rows.append((as_of, rate, due, int((counts or {}).get("broken", 0) or 0)))
    if len(rows) < 2:
        return None
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / (len(rows) - 1)
    # Thin the date labels so they never overlap (about 90 px per label).
    every = max(1, -(-len(rows) * 90 // plot_w))
    dots = []
    for i, (as_of, rate, due, broken) in enumerate(rows):
        x = round(LEFT + i * step, 1)
        y = round(TOP + (1 - rate) * plot_h, 1)
        last = i == len(rows) - 1
        dots.append({
            "x": x, "y": y, "rate": percent(rate), "date": fmt(as_of), "due": due,
            "broken": broken, "label": (i % every == 0 and i + every <= len(rows) - 1) or last,
        })
    line = " ".join(f"{d['x']},{d['y']}" for d in dots)
    base = TOP + plot_h
    area = f"{dots[0]['x']},{base} {line} {dots[-1]['x']},{base}"
    grid = [{"y": round(TOP + (1 - v / 100) * plot_h, 1), "label": f"{v}%"}
            for v in (0, 25, 50, 75, 100)]
    first, last = dots[0], dots[-1]
    summary = (f"Kept on time: {first['rate']} on {first['date']}, {last['rate']} on "
               f"{last['date']} ({len(dots)} audits).")
    return {
        "width": WIDTH, "height": HEIGHT, "left": LEFT, "right": WIDTH - RIGHT,
        "top": TOP, "bottom": base, "dots": dots, "line": line, "area": area,
        "grid": grid, "summary": summary, "label_y": base + 22,
    }


def bar_width(rate: Optional[float], full: int = 120) -> int:
    return 0 if rate is None else round(rate * full)
