"""Parser: (text, reference date, plan, directory) -> Parsed. Pure: no I/O, and it never raises."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from bot.nlp import intent as cues
from bot.nlp.areas import AreaScores, classify, negated_spans, score
from bot.nlp.deadlines import Deadline, find_deadline
from bot.nlp.details import Details
from bot.nlp.intent import Command
from bot.nlp.issues import IssueRef, find_issue, issue_after_command
from bot.nlp.result import Parsed
from bot.nlp.schools import UnitIndex, UnitMention
from bot.nlp.text import MAX_CHARS, has_content, normalise, strip_mentions, trim
from bot.nlp.tokenizer import build_tokenizer, tokens
from bot.nlp.vocabulary import build_lexicon

BARE = re.compile(r"[\s,，。.!！?？:：、~～的呢呀啊]+")
EXPLICIT_KINDS = ("blacklist", "overdue", "due_soon", "report", "mine")
LABEL = re.compile(r"^\s*(?:进展|进度|整改情况|整改进展|情况|更新|说明|理由|原因)\s*[:：]?\s*")
# "能不能延到7月5日" asks for more time; "#12 限期 6月20日" sets it.
ASKS_FOR_TIME = re.compile(r"(?:能不能|能否|可否|可不可以|可以|申请|想|希望|请求|请)\s*(?:再)?\s*(?:延|推迟|宽限|顺延)")


def _blank(text: str, spans) -> str:
    """text with the spans replaced by spaces: "不是食堂的问题" says nothing about a 食堂."""
    for start, end in spans:
        text = text[:start] + " " * (end - start) + text[end:]
    return text


@dataclass(frozen=True)
class Message:
    """One message as the rules see it: what was written, its cleaned form and its tokens."""
    raw: str
    text: str
    tokens: list
    bounds: tuple[set[int], set[int]]

    def without(self, *spans) -> str:
        """The written text with the given spans cut out (each span may be None)."""
        source = self.raw if len(self.raw) == len(self.text) else self.text
        keep = [True] * len(source)
        for span in spans:
            if span:
                for i in range(max(0, span[0]), min(len(source), span[1])):
                    keep[i] = False
        return "".join(ch if k else " " for ch, k in zip(source, keep))


class Parser:
    def __init__(self, plan, directory):
        self.plan = plan
        self.directory = directory
        self.lexicon = build_lexicon(plan)
        self.units = UnitIndex(directory)
        self.tokenizer = build_tokenizer(self.lexicon.words() | set(self.units.words()))
        self.details = Details(self.lexicon)

    # ---- entry point -------------------------------------------------------------------------
    def parse(self, text: str, today: dt.date, sender_role: str | None = None,
              sender_unit: str | None = None) -> Parsed:
        try:
            return self._parse(text if isinstance(text, str) else str(text or ""), today, sender_unit)
        except Exception:       # a parser bug must cost one message its meaning, never the request
            return Parsed(intent="other", description=str(text or "")[:200])

    def _parse(self, text: str, today: dt.date, sender_unit: str | None) -> Parsed:
        raw = strip_mentions(text[:MAX_CHARS])
        norm = normalise(raw, self.lexicon.typos)
        if not has_content(norm):
            return Parsed(intent="help" if "?" in norm else "other")
        toks = tokens(self.tokenizer, norm)
        msg = Message(raw, norm, toks, ({s for _, s, _ in toks}, {e for _, _, e in toks}))
        cmd = cues.match_command(norm)
        issue = self._issue(norm, cmd)
        mentions = self.units.find(norm, msg.bounds)
        negated = negated_spans(norm)
        areas = score(toks, self.lexicon, negated)
        deadline = self._deadline(norm, today, cmd, issue)
        intent, action, query = self._decide(msg, cmd, issue, mentions, areas, deadline)
        return self._result(msg, intent, action, query, cmd, issue, mentions, areas, deadline, sender_unit, negated)

    # ---- pieces ------------------------------------------------------------------------------
    @staticmethod
    def _issue(text: str, cmd: Command | None) -> IssueRef | None:
        if cmd and cmd.takes_issue:
            found = issue_after_command(text, cmd.end)
            if found:
                return found
        return find_issue(text)

    @staticmethod
    def _deadline(text: str, today: dt.date, cmd: Command | None, issue: IssueRef | None) -> Deadline | None:
        if issue:     # "隐患20 7月3号": the number is not part of any date
            text = text[:issue.start] + " " * (issue.end - issue.start) + text[issue.end:]
        bare_tail = bool(cmd and (cmd.intent == "report" or cmd.action == "set_deadline"))
        follow_up = bool(issue) or bool(cmd and cmd.intent in ("progress", "close"))
        return find_deadline(text, today, bare_tail=bare_tail, follow_up=follow_up)

    def _decide(self, msg: Message, cmd, issue, mentions, areas: AreaScores, deadline):
        text = msg.text
        if cmd:
            return self._command(msg, cmd, issue, mentions, areas, deadline)
        if cues.ADDRESSED.search(text) and not cues.HELP_HOW.search(text) and not self._reports_strongly(text, areas):
            return "other", None, None     # "王老师，…能发我一份吗": to a colleague, not to the bot
        if cues.is_help(text):
            return "help", None, None
        if issue:
            return self._about_issue(msg, issue, deadline)
        loose = cues.loose_query(text)
        if loose and len(text) - loose.end <= 16 and areas.hazard < 3 and (
                mentions or areas.named or cues.query_kind(text[loose.end:])):
            return "query", None, self._query_kind(text[loose.end:], issue, mentions, areas)
        if cues.all_clear(text) and not cues.ENDS_AS_QUESTION.search(text):
            return "other", None, None     # "今天查了食堂 没发现问题": a check that found nothing
        kind = self._free_query(text, mentions, areas)
        if kind:
            return "query", None, kind
        if cues.FORWARDED_DOC.search(text):
            return "other", None, None
        if cues.THANKS_FIRST.search(text) and not cues.has_problem(text):
            return "other", None, None
        if (cues.EARLIER.search(text) and not cues.BESIDES.search(text)) or cues.NEWS.search(text) or cues.OWN_NEWS.search(text) \
                or self._relayed_news(text, areas) \
                or cues.refers_back_with_news(text) or self._status_only(text) or cues.FIXING.search(text):
            return cues.progress_or_close(text), None, None
        if cues.all_clear(text):
            return "other", None, None
        if cues.is_notice(text) and not cues.has_problem(text):
            return "other", None, None
        if self._reports(text, areas) and self._readable(msg):
            return "report", None, None
        return "other", None, None

    def _command(self, msg: Message, cmd: Command, issue, mentions, areas, deadline):
        if cmd.intent == "report" and issue:     # "报告 #12 已整改": news of a known issue
            return self._about_issue(msg, issue, deadline)
        if cmd.intent == "query":
            return "query", None, cmd.query or self._query_kind(msg.text[cmd.end:], issue, mentions, areas)
        if cmd.intent == "progress" and cmd.action is None and deadline and cues.SET_DEADLINE.search(msg.text):
            return "progress", self._deadline_action(msg.text), None
        return cmd.intent, cmd.action, None

    def _about_issue(self, msg: Message, issue: IssueRef, deadline):
        rest = msg.text[:issue.start] + " " + msg.text[issue.end:]
        if deadline and cues.SET_DEADLINE.search(rest):
            return "progress", self._deadline_action(rest), None
        if cues.REJECT.search(rest):
            return "close", "reject", None
        if cues.APPROVE.search(rest) and not cues.REQUESTS_CLOSE.search(rest):
            return "close", "approve", None
        if not cues.asks_to_close(rest) and cues.asks_about_issue(rest):
            return "query", None, "detail"
        if cues.REOPEN.search(rest) and not cues.asks_to_close(rest):
            return "progress", "reopen", None
        return cues.progress_or_close(rest), None, None

    @staticmethod
    def _deadline_action(text: str) -> str | None:
        return None if ASKS_FOR_TIME.search(text) else "set_deadline"

    def _free_query(self, text: str, mentions, areas: AreaScores) -> str | None:
        """A question about the ledger (统计, 哪些逾期, 查 某校, 食品安全的进度 …), not a described hazard."""
        if len(text) > 40 or cues.LOGISTICS.search(text):
            return None           # "王校长电话多少": a person's number, not the ledger's
        if mentions and not BARE.sub("", _blank(text, [(m.start, m.end) for m in mentions])):
            return self._query_kind(text, None, mentions, areas)     # "白沙镇中学" alone: its ledger
        kind = cues.query_kind(text)
        if kind in EXPLICIT_KINDS and cues.ENDS_AS_QUESTION.search(text):
            return kind           # "我上报的那个鱼塘的隐患处理了吗": about the ledger, whatever it mentions
        asks = cues.asks_for_information(text)
        if kind in EXPLICIT_KINDS and asks and (len(text) <= 20 or not cues.has_problem(text)):
            return kind           # "生成6月份的整治工作月报": asked for, whatever words it uses
        if kind and asks and len(text) <= 20 and not cues.has_problem(text):
            return self._query_kind(text, None, mentions, areas)   # "整治工作总体进度怎么样了"
        if kind in EXPLICIT_KINDS and len(text) <= 12 and not cues.has_problem(text):
            return kind           # "本月整治工作情况报告"
        if cues.AREA_TOPIC.search(text) and asks and areas.scores and len(text) <= 20:
            return "by_category"  # "宿舍方面的隐患有几条"
        if areas.hazard >= 3:
            return None
        if mentions and cues.RESPONSIBLE.match(text):
            return self._query_kind(text, None, mentions, areas)
        if kind and (asks or len(text) <= 12):
            return self._query_kind(text, None, mentions, areas)
        target = mentions or areas.named
        if target and (cues.ASKS.search(text) or cues.ENDS_AS_TOPIC.search(text)) and len(text) <= 30:
            return self._query_kind(text, None, mentions, areas)
        return None

    @staticmethod
    def _query_kind(rest: str, issue, mentions: list[UnitMention], areas: AreaScores) -> str:
        kind = cues.query_kind(rest)
        if kind in EXPLICIT_KINDS:
            return kind
        if issue:
            return "detail"
        if kind == "overview" and not areas.named and not mentions:
            return kind        # "这次集中整治总体进度怎么样": the whole campaign, not one area
        if any(m.kind == "school" for m in mentions):
            return "by_school"
        if mentions:
            return "by_unit"
        if areas.named or areas.scores:
            return "by_category"
        return kind or "overview"

    @staticmethod
    def _readable(msg: Message) -> bool:
        """A long message must contain some words we know; a paste of noise is not a report."""
        if len(msg.text) <= 100:
            return True
        known = sum(end - start for word, start, end in msg.tokens if end - start >= 2)
        return known / len(msg.text) >= 0.05

    @staticmethod
    def _reports_strongly(text: str, areas: AreaScores) -> bool:
        return areas.hazard >= 3 and cues.has_problem(text)

    @staticmethod
    def _relayed_news(text: str, areas: AreaScores) -> bool:
        """"X反馈：…" passes on news of a matter, unless what it passes on is a hazard in its own words."""
        hazard = areas.hazard >= 3 and (cues.has_problem(text) or areas.hazard >= 5)
        return bool(cues.RELAYED.search(text)) and not hazard

    @staticmethod
    def _status_only(text: str) -> bool:
        return len(text) <= 60 and bool(cues.STATUS_ONLY.search(text)) and not cues.has_problem(text)

    @staticmethod
    def _reports(text: str, areas: AreaScores) -> bool:
        strongest = max(areas.scores.values(), default=0.0)
        if cues.QUESTION.search(text) and not cues.has_problem(text) and len(text) < 15:
            return False     # "明天食堂开门吗" asks, it does not report
        problem = bool(cues.has_problem(text))
        # Strong area words describe a hazard on their own; weaker ones need a word of something wrong.
        return strongest >= 3 or (strongest >= 2 and problem) or (len(text) >= 12 and problem and strongest > 0) \
            or (len(text) >= 20 and problem)

    # ---- assembling the result ---------------------------------------------------------------
    def _result(self, msg: Message, intent, action, query, cmd, issue, mentions, areas, deadline, sender_unit,
                negated):
        school = next((m for m in mentions if m.kind == "school"), None)
        unit = next((m for m in mentions if m.kind != "school"), None)
        school_name = school.name if school else None
        if intent == "report" and school_name is None and sender_unit:
            own = self.units.resolve(sender_unit)
            school_name = own if own and self.units.kind_of.get(own) == "school" else None
        guess = classify(areas, self.lexicon, self.plan) if intent in ("report", "query") else None
        category = None
        if intent == "report" or query == "by_category":
            category = (areas.named[0] if query == "by_category" and areas.named else guess.category)
        keeps_deadline = intent in ("report", "progress", "close")
        cmd_span = (cmd.start, cmd.end) if cmd else None
        issue_span = (issue.start, issue.end) if issue else None
        deadline_span = (deadline.start, deadline.end) if deadline else None
        report = intent == "report"
        return Parsed(
            intent=intent,
            action=action,
            category=category,
            category_confidence=guess.confidence if guess and category else 0.0,
            category_candidates=guess.candidates if guess and category else (),
            clarify=guess.clarify if guess and report else None,
            issue_id=issue.number if issue and intent != "report" else None,
            deadline=deadline.date if deadline and keeps_deadline else None,
            school=school_name,
            unit=unit.name if unit else None,
            query=query,
            severity=self.details.severity(msg.text) if report else None,
            location=self.details.location(_blank(msg.text, negated)) if report else None,
            description=trim(msg.without(cmd_span, (school.start, school.end) if school and report else None,
                                         deadline_span if report else None, issue_span)),
            reason=self._reason(msg, intent, action, cmd_span, issue_span, deadline_span),
            remark=cues.remark(msg.text) if intent == "other" else None,
        )

    @staticmethod
    def _reason(msg: Message, intent, action, cmd_span, issue_span, deadline_span) -> str:
        if intent not in ("progress", "close"):
            return ""
        text = msg.without(cmd_span, issue_span, deadline_span if action == "set_deadline" else None)
        if action == "set_deadline":
            text = cues.SET_DEADLINE.sub(" ", text)
        return trim(LABEL.sub("", trim(text)))
