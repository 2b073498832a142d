"""The labelled sets as a regression guard: each scored in-process the way ../shared/tools/nlp_score.py
scores `python -m bot parse` (same fields, a report's category right when it is among the labels).

The floors sit just under today's scores, so a change that loses messages a set had right fails here,
naming them. A new blind set is scored with the tool before it joins this list."""
import datetime as dt
import json
from pathlib import Path

import pytest

from bot.nlp import build_parser
from tests.conftest import ROOT

FIELDS = ("intent", "category", "issue_id", "deadline", "school", "query")
DEV = ROOT.parent / "shared" / "nlp_dev.jsonl"
SETS = sorted((ROOT / "tests" / "data").glob("nlp_holdout*.jsonl"))
FLOOR = {"nlp_dev.jsonl": 1.0}       # the others: 0.97 (a few labels are genuinely arguable)


@pytest.fixture(scope="module")
def parser(plan, directory):
    return build_parser(plan, directory)


def _misses(parser, path: Path) -> tuple[list[str], int]:
    cases = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    misses = []
    for case in cases:
        got = parser.parse(case["text"], dt.date.fromisoformat(case["today"]),
                           sender_role=case.get("sender_role")).to_json()
        want = case["expect"]
        wrong = [f for f in FIELDS if not _right(f, want, got)]
        if wrong:
            misses.append(f"{case['id']} {wrong}: {case['text']}")
    return misses, len(cases)


def _right(field: str, want: dict, got: dict) -> bool:
    if field == "category":
        return want.get("intent") != "report" or want.get("category") is None or got.get("category") in want["category"]
    return want.get(field) == got.get(field)


@pytest.mark.parametrize("path", ([DEV] if DEV.exists() else []) + SETS, ids=lambda p: p.name)
def test_labelled_set_stays_right(parser, path):
    misses, total = _misses(parser, path)
    score = 1 - len(misses) / total
    assert score >= FLOOR.get(path.name, 0.97), f"{path.name}: {score:.1%}\n" + "\n".join(misses)
