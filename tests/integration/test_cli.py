"""The command-line contract (DESIGN.md §4), run as real processes on a real config file."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT


def run(config_file, *args, stdin: str | None = None, ok=True) -> str:
    proc = subprocess.run([sys.executable, "-m", "bot", *args, "--config", str(config_file)], input=stdin,
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    if ok:
        assert proc.returncode == 0, proc.stderr
    return proc.stdout if ok else proc.stdout + proc.stderr


@pytest.fixture
def db_url(tmp_path):
    """The CLI contract is the same on every database: these run on a SQLite file only."""
    return f"sqlite:///{tmp_path}/bot.db"


@pytest.fixture
def cfg(config_file):
    return config_file


def test_ask_runs_the_whole_pipeline_at_a_given_time(cfg):
    out = run(cfg, "ask", "--as", "zhang.wei", "--now", "2023-06-12T10:00", "后门鱼塘没有护栏，学生放学常去玩")
    assert "#1" in out and "防溺水" in out and "6月26日" in out
    out = run(cfg, "ask", "--as", "wu.hao", "--now", "2023-06-30T09:00", "逾期")
    assert "#1" in out and "已逾期4天" in out


def test_outbox_lists_what_waits(cfg):
    run(cfg, "ask", "--as", "zhang.wei", "--now", "2023-06-12T10:00", "后门鱼塘没有护栏")
    out = run(cfg, "outbox")
    assert "待发送" in out and "鱼峰一中安全工作群" in out and "区教育局工作群" in out
    assert "sample-key" not in out        # webhook keys are secrets


def test_chat_in_a_terminal(cfg):
    out = run(cfg, "chat", "--as", "zhang.wei", stdin="帮助\n后门鱼塘没有护栏\n/as li.na\n进展 #1 已联系施工队\n/quit\n")
    assert "终端对话" in out and "用法" in out and "#1" in out and "已切换为 李娜" in out and "已记录 #1" in out


def test_parse_reads_and_writes_json_lines(cfg):
    lines = [{"text": "上报 白沙中学 两个村的学生打群架 本周五前", "today": "2023-06-13"}, {"text": "统计"}]
    out = run(cfg, "parse", "--today", "2023-06-13", stdin="".join(json.dumps(l, ensure_ascii=False) + "\n" for l in lines))
    first, second = [json.loads(l) for l in out.splitlines()]
    assert (first["intent"], first["school"], first["deadline"], first["category"]) == ("report", "白沙镇中学", "2023-06-16", 3)
    assert (second["intent"], second["query"]) == ("query", "overview")


def test_bad_config_is_a_clear_error(tmp_path):
    bad = tmp_path / "bot.yaml"
    bad.write_text("databse_url: x\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "bot", "ask", "--config", str(bad), "--as", "x", "统计"],
                          capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert proc.returncode == 2 and "配置错误" in proc.stderr and "databse_url: unknown setting" in proc.stderr
