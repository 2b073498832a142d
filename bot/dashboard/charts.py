"""Charts as inline SVG drawn on the server: no script, no CDN, readable on a phone."""
from __future__ import annotations

from markupsafe import Markup, escape

from bot.dashboard.data import Week

W, H, PAD_B, PAD_T = 640, 220, 34, 14
FOUND, CLOSED = "#d9534f", "#2e8b57"


def _nice_max(n: int) -> int:
    for step in (2, 4, 10, 20, 40, 100, 200, 400, 1000, 2000, 4000, 10000, 20000, 40000, 100000):
        if n <= step:
            return step
    return n + n % 2     # even, so the half-way grid line is a whole number


def weekly(weeks: list[Week]) -> Markup:
    """Found and closed per week as paired columns, with a light grid and week labels."""
    top = _nice_max(max([w.found for w in weeks] + [w.closed for w in weeks] + [1]))
    pad_l = 14 + 8 * len(str(top))      # room for the axis labels, however many digits
    plot_w, plot_h = W - pad_l - 6, H - PAD_B - PAD_T
    slot = plot_w / len(weeks)
    bar = slot * 0.36
    y = lambda n: PAD_T + plot_h - plot_h * n / top  # noqa: E731
    parts = [f'<svg class="chart" viewBox="0 0 {W} {H}" role="img" aria-label="每周新发现与销号">']
    for frac in (0, 0.5, 1):
        gy = y(top * frac)
        parts.append(f'<line x1="{pad_l}" x2="{W - 6}" y1="{gy:.1f}" y2="{gy:.1f}" class="grid"/>'
                     f'<text x="{pad_l - 4}" y="{gy + 4:.1f}" class="axis" text-anchor="end">{int(top * frac)}</text>')
    for i, w in enumerate(weeks):
        x = pad_l + i * slot + slot * 0.12
        label = f"{w.start.month}/{w.start.day}"
        for j, (n, color, what) in enumerate(((w.found, FOUND, "新发现"), (w.closed, CLOSED, "销号"))):
            bx = x + j * bar
            parts.append(f'<rect x="{bx:.1f}" y="{y(n):.1f}" width="{bar:.1f}" height="{y(0) - y(n):.1f}" fill="{color}">'
                         f'<title>{escape(label)}起一周 {what} {n} 条</title></rect>')
            if n:
                parts.append(f'<text x="{bx + bar / 2:.1f}" y="{y(n) - 3:.1f}" class="val" text-anchor="middle">{n}</text>')
        parts.append(f'<text x="{x + bar:.1f}" y="{H - PAD_B + 16}" class="axis" text-anchor="middle">{label}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
