"""Names people use for the directory's schools, departments and towns, mapped to canonical names.

Short forms are derived from the names themselves (鱼峰区第一中学 → 一中, 鱼峰一中; 白沙镇中学 → 白沙中学;
里雍镇中心小学 → 里雍中心校; 鱼峰区实验小学 → 实小; 鱼峰区特殊教育学校 → 特校 …), so a new directory
needs no hand-written alias list. A short form two units would share is dropped: it names neither.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

# Administrative prefixes: a district/county/city, then a town or township.
_DISTRICT = re.compile(r"^(.{2,4}?)(区|县|市)(?=.{2,})")
_TOWN = re.compile(r"^(.{2,3}?)(镇|乡|街道)(?=.{2,})")
_ORDINAL = "一二三四五六七八九十"

# Body of a school name -> the short forms people write for it ("{n}" is the ordinal 一/二/三 …).
_BODY_FORMS = (
    (re.compile(rf"^第([{_ORDINAL}]+)中学$"), ("第{n}中学", "{n}中", "第{n}中")),
    (re.compile(rf"^第([{_ORDINAL}]+)小学$"), ("第{n}小学", "{n}小", "第{n}小")),
    (re.compile(rf"^第([{_ORDINAL}]+)幼儿园$"), ("第{n}幼儿园", "{n}幼", "第{n}幼")),
    (re.compile(rf"^第([{_ORDINAL}]+)(?:初级中学|初中)$"), ("第{n}初中", "{n}初中")),
    (re.compile(r"^实验小学$"), ("实验小学", "实小", "实验小")),
    (re.compile(r"^实验中学$"), ("实验中学", "实中")),
    (re.compile(r"^实验幼儿园$"), ("实验幼儿园", "实幼")),
    (re.compile(r"^特殊教育学校$"), ("特殊教育学校", "特校", "特教学校", "特殊学校", "特教")),
    (re.compile(r"^中心小学$"), ("中心小学", "中心校", "中心小", "小学")),   # 里雍小学: the town's own
    (re.compile(r"^中心幼儿园$"), ("中心幼儿园", "中心园")),
    (re.compile(r"^(?:职业技术学校|职业学校|中等职业学校|职业中学)$"), ("职业学校", "职校", "职中")),
    (re.compile(r"^(.{2,})小学$"), ("{n}小学", "{n}小")),
    (re.compile(r"^(.{2,})中学$"), ("{n}中学",)),
    (re.compile(r"^(.{2,})幼儿园$"), ("{n}幼儿园", "{n}幼")),
)
# A form left with no distinguishing part names no school.
_GENERIC = {"中学", "小学", "幼儿园", "中心校", "中心小学", "中心小", "学校", "职校", "职中", "特教", "初中",
            "中心园", "中心幼儿园", "实验小学", "实验中学"}


def _split(name: str) -> tuple[str, str, str]:
    """鱼峰区白沙镇中学 -> ('鱼峰', '白沙', '中学')."""
    district = town = ""
    m = _DISTRICT.match(name)
    if m:
        district, name = m.group(1), name[m.end():]
    m = _TOWN.match(name)
    if m:
        town, name = m.group(1), name[m.end():]
    return district, town, name


def _bodies(body: str) -> tuple[str, ...]:
    for pattern, forms in _BODY_FORMS:
        m = pattern.match(body)
        if m:
            n = m.group(1) if m.groups() else ""
            stems = [n]
            if len(n) >= 3 and n[-1] in "路街":       # 荣军路小学 is also 荣军小学
                stems.append(n[:-1])
            out = [f.format(n=stem) for stem in stems for f in forms]
            if len(n) >= 3 and n[-1] not in "路街村镇乡" and pattern.pattern.startswith("^(.{2,})"):
                out.append(n)                        # 箭盘山 for 箭盘山小学 (a road's name alone is a place)
            return tuple(dict.fromkeys(out))
    return (body,)


def school_forms(name: str) -> set[str]:
    district, town, body = _split(name)
    forms = {name}
    town_forms = [town, town + "镇"] if town else [""]
    for b in _bodies(body):
        for t in town_forms:
            for d in ("", district, district + "区") if district else ("",):
                forms.add(d + t + b)
    return {f for f in forms if len(f) >= 2 and f not in _GENERIC}


def unit_forms(name: str) -> set[str]:
    """区教育局 -> 教育局; 区委政法委 -> 政法委; 鱼峰交警大队 -> 交警大队; 公安鱼峰分局 -> 公安分局."""
    forms = {name}
    for prefix in ("区委", "区", "县委", "县", "市委", "市"):
        if name.startswith(prefix) and len(name) - len(prefix) >= 3:
            forms.add(name[len(prefix):])
            break
    district = _DISTRICT.match(name)
    if district and len(name) - district.end() >= 3:
        forms.add(name[district.end():])
    return forms


@dataclass(frozen=True)
class UnitMention:
    name: str       # canonical name from the directory
    kind: str       # school | department | town
    start: int
    end: int


class UnitIndex:
    """Every way of naming a unit, resolved in text by longest match."""

    def __init__(self, directory):
        self.kind_of: dict[str, str] = {u.name: u.kind for u in directory.units}
        district_names = _districts(u.name for u in directory.units)
        owners: dict[str, set[str]] = defaultdict(set)
        explicit: dict[str, str] = {}
        for unit in directory.units:
            derived = school_forms(unit.name) if unit.kind == "school" else unit_forms(unit.name)
            derived |= self._district_free(unit.name, district_names)
            for form in derived:
                owners[form].add(unit.name)
            for form in (unit.name, *unit.aliases):
                explicit[form] = unit.name
        self.names: dict[str, str] = {f: next(iter(o)) for f, o in owners.items() if len(o) == 1}
        self.names.update(explicit)       # an administrator's alias always wins
        alternatives = sorted(self.names, key=len, reverse=True)
        self._pattern = re.compile("|".join(map(re.escape, alternatives))) if alternatives else None

    @staticmethod
    def _district_free(name: str, districts: set[str]) -> set[str]:
        """公安鱼峰分局 -> 公安分局, 鱼峰交警大队 -> 交警大队: drop the district's name inside a name."""
        forms = set()
        for district in districts:
            for variant in (district + "区", district):
                if variant in name and len(name) - len(variant) >= 3:
                    forms.add(name.replace(variant, "", 1))
                    break
        return forms

    def words(self) -> list[str]:
        return list(self.names)

    def resolve(self, text: str) -> str | None:
        """A whole phrase (a sender's unit, a query target) as a canonical name."""
        text = text.strip()
        if text in self.names:
            return self.names[text]
        return None

    def find(self, text: str, allowed: set[tuple[int, int]] | None = None) -> list[UnitMention]:
        """Mentions in text; with allowed token spans, a match must start and end on token boundaries."""
        if self._pattern is None:
            return []
        found = []
        for m in self._pattern.finditer(text):
            if allowed is not None and not _on_boundaries(m.start(), m.end(), allowed):
                continue
            name = self.names[m.group(0)]
            found.append(UnitMention(name, self.kind_of[name], m.start(), m.end()))
        return found


def _districts(names) -> set[str]:
    """The districts the directory's names start with (鱼峰区… -> 鱼峰)."""
    return {m.group(1) for m in map(_DISTRICT.match, names) if m and m.group(2) == "区"}


def _on_boundaries(start: int, end: int, bounds) -> bool:
    starts, ends = bounds
    return start in starts and end in ends
