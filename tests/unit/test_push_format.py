"""Notices rendered for each platform, within its size limit, with mentions that actually notify."""
from bot.push import format as push_format


def test_wecom_markdown_mentions_by_userid():
    body = push_format.render("wecom", {"text": "**新隐患 #1**", "mention_userids": ["li.na"], "mention_mobiles": ["138"]})
    assert body == {"msgtype": "markdown", "markdown": {"content": "**新隐患 #1**\n<@li.na>"}}


def test_dingtalk_mentions_need_mobile_in_text_and_at_list():
    body = push_format.render("dingtalk", {"title": "t", "text": "逾期提醒", "mention_mobiles": ["13800000004"]})
    assert body["at"] == {"atMobiles": ["13800000004"], "isAtAll": False}
    assert "@13800000004" in body["markdown"]["text"] and body["markdown"]["title"] == "t"


def test_long_notice_is_split_between_lines_within_limits():
    lines = [f"#{i} 白沙镇中学 食堂留样记录缺失，已逾期{i}天，请尽快整改" for i in range(400)]
    for platform, limit in (("wecom", 4096), ("dingtalk", 20000)):
        parts = push_format.split(platform, "**逾期提醒**", lines, {"mention_userids": ["li.na"]})
        assert len(parts) > 1
        assert all(push_format.body_size(platform, p) <= limit for p in parts)
        body_lines = [l for p in parts for l in p["text"].split("\n")[1:]]
        assert body_lines == lines                                   # nothing lost, order kept
        assert parts[0]["text"].startswith(f"**逾期提醒**（1/{len(parts)}）")


def test_one_overlong_line_is_shortened_not_refused():
    [part] = push_format.split("wecom", "head", ["很" * 3000], {})
    assert push_format.body_size("wecom", part) <= 4096 and part["text"].endswith("…")
