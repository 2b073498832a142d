"""Clean a chat message without moving any character: positions found in the clean text are
positions in the original, so the description can be cut from what the user actually wrote."""
from __future__ import annotations

import re

# Full-width ASCII (＃１２，：) to half-width, one character for one.
_WIDTH = {chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)}
_WIDTH["\u3000"] = " "
_WIDTH.update({"\u00a0": " ", "\t": " ", "\r": " ", "\n": " "})
# Traditional characters people type on phones set that way (申請銷號), to the simplified ones the
# commands and word lists use; one character for one, like the widths above.
_TRADITIONAL = "銷销請请號号進进詳详報报隱隐統统計计幫帮確确認认駁驳詢询學学門门題题問问為为這这個个們们來来對对時时間间後后裡里裏里會会說说與与開开關关從从還还沒没樣样過过現现經经電电話话車车動动讓让給给於于體体區区鎮镇縣县長长師师園园無无網网點点邊边寫写處处當当發发見见將将應应歲岁負负責责導导護护欄栏衛卫醫医飯饭廳厅魚鱼險险隊队機机構构準准辦办務务態态況况則则實实際际檢检場场據据單单費费錢钱買买賣卖條条歸归傷伤齡龄災灾煙烟氣气燈灯線线總总覽览畢毕專专組组織织級级設设備备監监視视頻频攝摄頭头盡尽儘尽並并麼么嗎吗啟启補补離离難难覺觉濕湿遊游橋桥溝沟紅红綠绿駕驾駛驶證证營营運运輛辆廠厂壞坏鬆松斷断鏽锈鐵铁絲丝牆墙樓楼層层鎖锁鑰钥廁厕廚厨櫃柜熱热燒烧爐炉觸触擊击盜盗竊窃騙骗毆殴罵骂嚇吓殺杀槍枪彈弹隨随較较嚴严緊紧預预範范圍围幾几歡欢謝谢煩烦幹干塊块壓压碼码屬属響响戶户狀状驗验復复雜杂夠够課课週周歷历劃划礙碍棄弃雙双庫库"
_WIDTH.update({_TRADITIONAL[i]: _TRADITIONAL[i + 1] for i in range(0, len(_TRADITIONAL), 2)})
_TABLE = str.maketrans(_WIDTH)

# "@校园安全助手 " at the start or before a space: a mention, not part of the message.
MENTION = re.compile(r"@[^\s@，,:：]{1,24}(?:\s+|$)")
MAX_CHARS = 2000       # a 10 KB paste is not a report we can read; the start says what it is


def strip_mentions(text: str) -> str:
    return MENTION.sub("", text).strip()


def normalise(text: str, typos: tuple[tuple[str, str], ...] = ()) -> str:
    text = text.translate(_TABLE).lower()
    for wrong, right in typos:
        if wrong in text:
            text = text.replace(wrong, right)
    return text


def has_content(text: str) -> bool:
    """Any Chinese character, letter or digit at all (not just emoji and punctuation)."""
    return any(ch.isalnum() for ch in text)


def trim(text: str) -> str:
    text = re.sub(r"\s{2,}", " ", text)
    return text.strip(" ,，。.;；:：、!！~～-—")
