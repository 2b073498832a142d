"""`python -m bot parse`: JSON lines in and out, one answer per line, errors in-line."""
import io
import json
import subprocess
import sys
from argparse import Namespace
from pathlib import Path

from bot.nlp.cli import run_parse

ROOT = Path(__file__).resolve().parents[2]


def run(lines, today="2023-06-12"):
    out = io.StringIO()
    code = run_parse(Namespace(config=None, today=today), io.StringIO("".join(l + "\n" for l in lines)), out)
    return code, [json.loads(line) for line in out.getvalue().splitlines()]


def test_one_answer_per_line_with_errors_in_place():
    code, answers = run([
        json.dumps({"text": "上报 鱼峰一中 鱼塘没有护栏 6月20日前"}, ensure_ascii=False),
        "not json",
        json.dumps({"text": 5}),
        json.dumps({"text": "鱼塘没有护栏", "today": "bad"}),
        json.dumps({"text": "鱼塘没有护栏 明天", "today": "2023-07-01", "sender_unit": "白沙镇中学"}, ensure_ascii=False),
    ])
    assert code == 0 and len(answers) == 5
    assert answers[0]["school"] == "鱼峰区第一中学" and answers[0]["deadline"] == "2023-06-20"
    assert "error" in answers[1] and "error" in answers[2] and "error" in answers[3]
    assert answers[4]["deadline"] == "2023-07-02" and answers[4]["school"] == "白沙镇中学"


def test_default_today_comes_from_the_argument():
    _, [answer] = run([json.dumps({"text": "上报 一中 鱼塘没有护栏 明天"}, ensure_ascii=False)], today="2024-01-31")
    assert answer["deadline"] == "2024-02-01"


def test_bad_today_argument_is_refused():
    assert run_parse(Namespace(config=None, today="June"), io.StringIO(""), io.StringIO()) == 2


def test_module_command_does_not_load_the_web_stack():
    probe = ("import sys, io; from bot.cli import main; sys.stdin = io.StringIO('{\"text\": \"统计\"}\\n'); "
             "main(['parse', '--today', '2023-06-12']); "
             "print('HEAVY' if {'flask', 'sqlalchemy'} & set(sys.modules) else 'LIGHT')")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=True)
    lines = out.stdout.splitlines()
    assert json.loads(lines[0])["query"] == "overview"
    assert lines[-1] == "LIGHT"
