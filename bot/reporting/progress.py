"""Progress lines on stderr for long work: a line every few seconds or every tenth, never a flood."""
from __future__ import annotations

import sys
import time


class ProgressLine:
    def __init__(self, label: str, stream=None, every_s: float = 2.0):
        self.label = label
        self.stream = stream or sys.stderr
        self.every_s = every_s
        self._last_time = 0.0
        self._last_tenth = -1
        self.started = time.monotonic()

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        tenth = done * 10 // total if total else 10
        if tenth == self._last_tenth and now - self._last_time < self.every_s:
            return
        self._last_time, self._last_tenth = now, tenth
        pct = done * 100 // total if total else 100
        print(f"{self.label}：{done}/{total} 条（{pct}%，{now - self.started:.1f} 秒）", file=self.stream, flush=True)

    def step(self, text: str) -> None:
        print(f"{text}…", file=self.stream, flush=True)
