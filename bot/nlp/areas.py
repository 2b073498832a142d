"""Which of the plan's areas a report belongs to: weighted words, with "不是X的问题，是Y" dropping X."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from bot.nlp import texts
from bot.nlp.vocabulary import Lexicon

# "不是溺水的问题，是门卫…", "跟心理没关系", "不属于食堂": the words in X must not count.
NEGATIONS = (
    re.compile(r"不是\s*([^，,。；;！!？?]{1,16}?)\s*(?:的)?\s*(?:问题|事情|事儿|事|情况|方面|原因)?\s*[，,；;。]?\s*"
               r"(?:而|其实|主要|实际上|真正)?\s*是"),
    # "不是心理的问题，这孩子是被他爸打的": a short subject may stand before the 是
    re.compile(r"不是\s*([^，,。；;！!？?]{1,8}?)\s*(?:的)?\s*(?:问题|事情|事儿|事|方面|原因)\s*[，,；;]\s*"
               r"[^，,。；;！!？?]{1,6}?是"),
    re.compile(r"(?:跟|和|与)\s*([^，,。；;]{1,12}?)\s*(?:没有?(?:什么)?关系|无关)"),
    re.compile(r"不属于\s*([^，,。；;]{1,12})"),
)
STRONG = 3.0            # one decisive word is enough evidence on its own
ACT = 4.0                # weights from here up are acts (a fight, a threat): they decide over any place
MAX_REPEATS = 2          # a word said three times is not three times the evidence
TIE_MARGIN = 0.5


@dataclass(frozen=True)
class AreaScores:
    scores: dict[int, float]      # every word
    hazard: float                 # words other than the plan's own area names: a described problem
    named: tuple[int, ...]        # areas named outright (食品安全, 防溺水 …), in order of mention
    denied: tuple[int, ...] = ()  # areas named inside a negation ("不是食品的问题，是…"): not this one
    acts: dict[int, float] = field(default_factory=dict)   # the weightiest act (weight >= ACT) per area


@dataclass(frozen=True)
class AreaGuess:
    category: int | None
    confidence: float
    candidates: tuple[int, ...]
    clarify: str | None


def negated_spans(text: str) -> list[tuple[int, int]]:
    return [m.span(1) for pattern in NEGATIONS for m in pattern.finditer(text)]


def score(tokens, lexicon: Lexicon, skip: list[tuple[int, int]] = ()) -> AreaScores:
    scores: dict[int, float] = {}
    seen: dict[str, int] = {}
    hazard = 0.0
    named: list[int] = []
    denied: list[int] = []
    acts: dict[int, float] = {}
    for word, start, end in tokens:
        weights = lexicon.weights.get(word)
        if not weights:
            continue
        if any(start < e and s < end for s, e in skip):
            # "不是交通的问题" rules the area out; "不是食堂的问题" only says the place is not the point.
            if word in lexicon.area_names and word not in lexicon.locations:
                denied.append(lexicon.area_names[word])
            continue
        seen[word] = seen.get(word, 0) + 1
        if seen[word] > MAX_REPEATS:
            continue
        for area, weight in weights.items():
            scores[area] = scores.get(area, 0.0) + weight
            if weight >= ACT:
                acts[area] = max(acts.get(area, 0.0), weight)
        if word in lexicon.area_names:
            named.append(lexicon.area_names[word])
        else:
            hazard += max(weights.values())
    return AreaScores(scores, hazard, tuple(dict.fromkeys(named)), tuple(dict.fromkeys(denied)), acts)


def classify(result: AreaScores, lexicon: Lexicon, plan) -> AreaGuess:
    order = {area: i for i, area in enumerate(lexicon.tie_order)}
    # An act decides over the places around it, however many ("被围着要钱" in a message full of 食堂):
    # the area of the weightiest act comes first, then the evidence as a whole.
    ranked = sorted((a for a, s in result.scores.items() if s > 0),
                    key=lambda a: (-result.acts.get(a, 0.0), -result.scores[a], order.get(a, 99)))
    if result.denied and any(a not in result.denied for a in ranked):
        ranked = [a for a in ranked if a not in result.denied]
    if not ranked:
        return AreaGuess(None, 0.0, (), None)
    best = result.scores[ranked[0]]
    second = result.scores[ranked[1]] if len(ranked) > 1 else 0.0
    # Share of the evidence (softmax over scores), scaled down when the evidence itself is thin.
    share = 1.0 / sum(math.exp(result.scores[a] - best) for a in ranked)
    confidence = round(share * min(1.0, best / STRONG), 2)
    candidates = tuple(a for a in ranked[:3] if result.scores[a] >= best / 2)
    clarify = None
    if second and best - second < TIE_MARGIN:
        clarify = _question(plan, ranked[0], ranked[1])
    return AreaGuess(ranked[0], confidence, candidates, clarify)


def _question(plan, a: int, b: int) -> str:
    names = {area.id: area.name for area in plan.areas}
    return texts.CLARIFY_AREA.format(first=names.get(a, a), second=names.get(b, b), a=a, b=b)
