"""Plan, directory and settings files: loaded as written, and errors that name file, line and field."""
import datetime as dt
import shutil

import pytest

from bot.directory import load_directory
from bot.plan import load_plan
from bot.settings import load_settings
from bot.yamlfile import ConfigError
from tests.conftest import ROOT


def test_seed_plan_has_the_nine_areas_and_milestones(plan):
    assert [a.id for a in plan.areas] == list(range(1, 10))
    assert plan.area(6).name == "食品安全" and "区市场监管局" in plan.area(6).units
    assert plan.area(1).all_units
    assert [m.date for m in plan.milestones] == [dt.date(2023, 5, 15), dt.date(2023, 5, 25), dt.date(2023, 6, 15),
                                                 dt.date(2023, 6, 20), dt.date(2023, 6, 30)]
    assert plan.default_deadline_days == {"一般": 14, "较大": 7, "重大": 1}


def test_sample_directory(directory):
    assert len(directory.schools()) == 15
    assert directory.person("li.na").role == "leader"
    assert directory.group_for_chat("cid-bszx").secret == "SECsample-bszx"


def _copy(tmp_path, name):
    target = tmp_path / name
    shutil.copy(ROOT / "config" / name, target)
    if name == "plan.yaml":
        shutil.copy(ROOT / "config/vocabulary.yaml", tmp_path / "vocabulary.yaml")
    return target


def test_plan_error_names_file_line_and_field(tmp_path):
    path = _copy(tmp_path, "plan.yaml")
    text = path.read_text(encoding="utf-8").replace("  - id: 6\n", "  - id: six\n")
    path.write_text(text, encoding="utf-8")
    line = text.splitlines().index("  - id: six") + 1
    with pytest.raises(ConfigError) as exc:
        load_plan(path)
    assert str(exc.value).startswith(f"{path}:{line}: areas[5].id: expected int")


def test_directory_error_names_unknown_unit(tmp_path):
    path = _copy(tmp_path, "directory.yaml")
    text = path.read_text(encoding="utf-8").replace("unit: 白沙镇中学, role: teacher", "unit: 白沙中学X, role: teacher")
    path.write_text(text, encoding="utf-8")
    line = next(i for i, l in enumerate(text.splitlines(), 1) if "白沙中学X" in l)
    with pytest.raises(ConfigError) as exc:
        load_directory(path)
    assert f"{path}:{line}: people[2].unit: '白沙中学X' is not a unit" in str(exc.value)


def test_directory_error_names_bad_role(tmp_path):
    path = _copy(tmp_path, "directory.yaml")
    path.write_text(path.read_text(encoding="utf-8").replace("role: taskforce}", "role: boss}", 1), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"people\[8\]\.role: 'boss' is not one of"):
        load_directory(path)


def test_broken_yaml_names_line(tmp_path):
    path = tmp_path / "plan.yaml"
    path.write_text("name: x\nareas: [\n  - {id: 1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"plan\.yaml:\d+: not valid YAML"):
        load_plan(path)


def test_settings_defaults_file_then_environment(tmp_path):
    cfg = tmp_path / "bot.yaml"
    cfg.write_text("database_url: sqlite:///x.db\nwecom: {token: from-file, corp_id: c1}\n", encoding="utf-8")
    s = load_settings(str(cfg), env={"BOT_WECOM__TOKEN": "from-env", "BOT_SWEEP_INTERVAL_SECONDS": "60"})
    assert s.database_url == "sqlite:///x.db"
    assert s.wecom.token == "from-env" and s.wecom.corp_id == "c1"
    assert s.sweep_interval_seconds == 60
    assert s.plan == "config/plan.yaml"        # a key left out keeps its default


def test_settings_config_from_environment_variable(tmp_path):
    cfg = tmp_path / "bot.yaml"
    cfg.write_text("timezone: Asia/Shanghai\ndatabase_url: sqlite:///y.db\n", encoding="utf-8")
    assert load_settings(None, env={"BOT_CONFIG": str(cfg)}).database_url == "sqlite:///y.db"


def test_settings_unknown_key_and_bad_number(tmp_path):
    cfg = tmp_path / "bot.yaml"
    cfg.write_text("databse_url: sqlite:///x.db\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"bot\.yaml:1: databse_url: unknown setting"):
        load_settings(str(cfg), env={})
    cfg.write_text("security: {timestamp_window_seconds: soon}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="security.timestamp_window_seconds: expected a whole number"):
        load_settings(str(cfg), env={})


def test_embedded_default_prints_pushes_and_a_config_file_sends_them(tmp_path):
    assert load_settings(None, env={}).push_mode == "console"        # sample groups: no real webhooks
    assert load_settings(None, env={"BOT_PUSH_MODE": "send"}).push_mode == "send"
    assert load_settings(None, env={"BOT_PUSH_BASE_WECOM": "http://127.0.0.1:9"}).push_mode == "send"
    cfg = tmp_path / "c.yaml"
    cfg.write_text("database_url: sqlite:///x.db\n", encoding="utf-8")
    assert load_settings(str(cfg), env={}).push_mode == "send"
    cfg.write_text("push_mode: loudly\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="push_mode"):
        load_settings(str(cfg), env={})


def test_a_key_written_twice_is_an_error_not_a_silent_loss(tmp_path):
    from bot.yamlfile import load
    path = tmp_path / "v.yaml"
    path.write_text("areas:\n  6:\n    3: [食堂]\n    3: [留样]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"v.yaml:4: .*appears twice"):
        load(path)
