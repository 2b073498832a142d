"""Benchmark the parser against bare jieba on the same messages.

    .venv/bin/python bench/parse_bench.py [--seconds 3] [--runs 5]

Warm throughput: messages per second on one core once the parser is built and has parsed once,
beside `jieba.lcut` (default dictionary, loaded) on the same messages.
Cold start: a fresh interpreter that imports, builds and parses one message, beside a fresh
interpreter that does `import jieba; jieba.lcut(...)`; the median of several runs of each, timed
inside the process (from before the first import to after the first result).
Targets: warm >= 1/3 of jieba's throughput; cold <= 1.3x jieba's cold start.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEV_SET = ROOT.parent / "shared" / "nlp_dev.jsonl"
FALLBACK = [
    "上报 鱼峰一中 后门鱼塘没有护栏，放学孩子常去玩 6月20日前",
    "#12 进展：已联系交警，下周装红绿灯",
    "销号 #7 护栏已装好",
    "食堂的猪肉没有检疫合格证明，一周内整改",
    "不是溺水的问题，是门卫晚上没人值班",
    "查 白沙镇中学",
    "哪些学校超期了",
    "好的",
]
FIRST = "上报 鱼峰一中 后门鱼塘没有护栏 6月20日前"

COLD_PARSER = f"""
import time
t0 = time.perf_counter()
import datetime as dt
from bot.directory import load_directory
from bot.nlp import build_parser
from bot.plan import load_plan
parser = build_parser(load_plan({str(ROOT / 'config/plan.yaml')!r}), load_directory({str(ROOT / 'config/directory.yaml')!r}))
parser.parse({FIRST!r}, dt.date(2023, 6, 1))
print(time.perf_counter() - t0)
"""
COLD_JIEBA = f"""
import time
t0 = time.perf_counter()
import jieba
jieba.setLogLevel(60)
jieba.lcut({FIRST!r})
print(time.perf_counter() - t0)
"""


def messages() -> list[str]:
    if DEV_SET.exists():
        return [json.loads(line)["text"] for line in DEV_SET.read_text(encoding="utf-8").splitlines() if line.strip()]
    return FALLBACK


def pin_one_core() -> None:
    if hasattr(os, "sched_setaffinity"):
        try:
            os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
        except OSError:
            pass


def rate(func, texts: list[str], seconds: float) -> float:
    for text in texts:          # warm: first calls load whatever is lazy
        func(text)
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for text in texts:
            func(text)
        done += len(texts)
    return done / (time.perf_counter() - start)


def cold(script: str, runs: int) -> float:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    times = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, cwd=ROOT,
                             check=True)
        times.append(float(out.stdout.strip().splitlines()[-1]))
    return statistics.median(times)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=3.0, help="time per warm measurement")
    ap.add_argument("--runs", type=int, default=5, help="fresh processes per cold measurement")
    a = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    pin_one_core()

    import jieba
    from bot.directory import load_directory
    from bot.nlp import build_parser
    from bot.plan import load_plan

    jieba.setLogLevel(60)
    texts = messages()
    parser = build_parser(load_plan(ROOT / "config/plan.yaml"), load_directory(ROOT / "config/directory.yaml"))
    today = dt.date(2023, 6, 15)
    ours = rate(lambda t: parser.parse(t, today), texts, a.seconds)
    bare = rate(jieba.lcut, texts, a.seconds)
    cold(COLD_JIEBA, 1)         # jieba's first-ever run writes its dictionary cache: not a cold start
    cold_ours, cold_jieba = cold(COLD_PARSER, a.runs), cold(COLD_JIEBA, a.runs)

    print(f"messages: {len(texts)} ({'dev set' if DEV_SET.exists() else 'built-in sample'}), one core")
    print(f"warm  parser.parse : {ours:10.0f} msg/s")
    print(f"warm  jieba.lcut   : {bare:10.0f} msg/s")
    print(f"warm  ratio        : {ours / bare:10.2f}  (target >= 0.33)")
    print(f"cold  parser       : {cold_ours * 1000:10.0f} ms  (import + build + first parse, median of {a.runs})")
    print(f"cold  jieba        : {cold_jieba * 1000:10.0f} ms  (import jieba + first lcut, median of {a.runs})")
    print(f"cold  ratio        : {cold_ours / cold_jieba:10.2f}  (target <= 1.30)")
    ok = ours / bare >= 1 / 3 and cold_ours / cold_jieba <= 1.3
    print("targets met" if ok else "TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
