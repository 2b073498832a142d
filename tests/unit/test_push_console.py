"""Console pushes: each notice shown as the group would see it, and answered as a webhook that took it."""
import json

from bot.push import format as push_format
from bot.push.console import ConsolePushes, describe


def _body(platform, text, **mentions):
    return push_format.render(platform, {"title": "新隐患", "text": text, **mentions})


def test_a_wecom_notice_names_the_group_and_whom_it_mentions(directory):
    group = directory.group_for_chat("wr-yf1z")
    body = _body("wecom", "**新隐患 #3**\n问题：后门鱼塘没有护栏", mention_userids=["li.na"], mention_mobiles=["13800000002"])
    shown = describe(directory, group.webhook, body)
    assert shown.splitlines() == [f"📣 推送到「{group.name}」（企业微信），@李娜：",
                                  "    **新隐患 #3**", "    问题：后门鱼塘没有护栏"]


def test_a_signed_dingtalk_push_is_matched_to_its_group_and_mobiles_to_names(directory):
    group = directory.group_for_chat("cid-bszx")
    body = _body("dingtalk", "**#5 已销号**", mention_mobiles=["13800000004"])
    shown = describe(directory, group.webhook + "&timestamp=1&sign=abc", body)
    assert shown.splitlines()[0] == f"📣 推送到「{group.name}」（钉钉），@刘洋："
    assert "@13800000004" not in shown


def test_post_writes_once_and_answers_like_a_webhook_that_took_it(directory):
    seen = []
    pushes = ConsolePushes(directory, write=seen.append)
    body = _body("wecom", "你好")
    resp = pushes.post("http://127.0.0.1:9/hook?key=x", data=json.dumps(body).encode())
    assert (resp.status_code, resp.json()) == (200, {"errcode": 0, "errmsg": "ok"})
    assert seen == ["📣 推送到http://127.0.0.1:9/hook：\n    你好"]
