"""The campaign's domain vocabulary (config/vocabulary.yaml), checked and turned into lookup tables."""
from __future__ import annotations

from dataclasses import dataclass, field

from bot.yamlfile import ConfigError

SEVERITIES = ("重大", "较大", "一般")
NAME_WEIGHT = 4.0      # the area's own name or short name: the writer names the area outright
ALIAS_WEIGHT = 3.0


class VocabularyError(ConfigError, ValueError):
    """A broken vocabulary file is a configuration error: reported at start-up, like the plan's own."""


@dataclass(frozen=True)
class Lexicon:
    weights: dict[str, dict[int, float]]          # word -> {area id: weight}
    area_names: dict[str, int]                    # the plan's own names for areas (查 食品安全)
    tie_order: tuple[int, ...]
    neutral: frozenset[str]
    typos: tuple[tuple[str, str], ...]
    locations: tuple[str, ...]
    severity: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def words(self) -> set[str]:
        return set(self.weights) | set(self.area_names) | set(self.neutral) | set(self.locations) | {
            w for words in self.severity.values() for w in words}


def validate(data: dict, area_ids: set[int], where: str = "vocabulary") -> None:
    """Raise VocabularyError naming the first thing wrong with a vocabulary mapping."""
    areas = data.get("areas", {})
    if not isinstance(areas, dict):
        raise VocabularyError(f"{where}: areas: expected a mapping of area id to weights")
    for area, by_weight in areas.items():
        if _as_int(area) not in area_ids:
            raise VocabularyError(f"{where}: areas.{area}: no such area in the plan")
        if not isinstance(by_weight, dict):
            raise VocabularyError(f"{where}: areas.{area}: expected weight: [words]")
        seen: set[str] = set()
        for weight, words in by_weight.items():
            if not isinstance(weight, (int, float)) or not 0 < weight <= 10:
                raise VocabularyError(f"{where}: areas.{area}.{weight}: a weight is a number in (0, 10]")
            _check_words(words, f"{where}: areas.{area}.{weight}")
            twice = seen & set(map(str, words))
            if twice:
                raise VocabularyError(f"{where}: areas.{area}: {sorted(twice)[0]} is listed under two weights")
            seen |= set(map(str, words))
    for area in data.get("tie_order", []) or []:
        if _as_int(area) not in area_ids:
            raise VocabularyError(f"{where}: tie_order: {area} is not an area of the plan")
    for key in ("neutral", "locations"):
        _check_words(data.get(key, []) or [], f"{where}: {key}")
    for wrong, right in (data.get("typos", {}) or {}).items():
        if not isinstance(right, str) or len(str(wrong)) != len(right):
            raise VocabularyError(f"{where}: typos.{wrong}: the correction must be a word of the same length")
    for level, words in (data.get("severity", {}) or {}).items():
        if level not in SEVERITIES:
            raise VocabularyError(f"{where}: severity.{level}: expected one of {', '.join(SEVERITIES)}")
        _check_words(words, f"{where}: severity.{level}")


def _check_words(words, where: str) -> None:
    if not isinstance(words, list) or not all(isinstance(w, (str, int)) and str(w).strip() for w in words):
        raise VocabularyError(f"{where}: expected a list of words")


def _as_int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _word(w) -> str:
    """Messages are matched lower-cased (bot.nlp.text.normalise), so are the words: KTV, WiFi."""
    return str(w).lower()


def build_lexicon(plan) -> Lexicon:
    data = plan.vocabulary or {}
    validate(data, {a.id for a in plan.areas})
    weights: dict[str, dict[int, float]] = {}
    names: dict[str, int] = {}
    for area in plan.areas:
        for word, weight in [(a, ALIAS_WEIGHT) for a in area.aliases] + [(area.short, NAME_WEIGHT), (area.name, NAME_WEIGHT)]:
            weights.setdefault(_word(word), {})[area.id] = weight
            names[_word(word)] = area.id
    for area, by_weight in (data.get("areas") or {}).items():
        for weight, words in by_weight.items():
            for word in map(_word, words):
                weights.setdefault(word, {})[int(area)] = float(weight)
    order = [int(a) for a in data.get("tie_order") or []]
    order += [a.id for a in plan.areas if a.id not in order]
    return Lexicon(
        weights=weights,
        area_names=names,
        tie_order=tuple(order),
        neutral=frozenset(map(_word, data.get("neutral") or [])),
        typos=tuple((_word(k), _word(v)) for k, v in (data.get("typos") or {}).items()),
        locations=tuple(sorted(map(_word, data.get("locations") or []), key=len, reverse=True)),
        severity={level: tuple(map(_word, words)) for level, words in (data.get("severity") or {}).items()},
    )
