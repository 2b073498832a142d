"""YAML loading that remembers line numbers, so validation errors can name file, line and field."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


class ConfigError(ValueError):
    """A data or config file is wrong; the message names the file, line and field."""


class LineDict(dict):
    """A mapping that knows the line of each of its keys (1-based)."""

    lines: dict[str, int]
    line: int


class _LineLoader(yaml.SafeLoader):
    pass


class DuplicateKey(yaml.YAMLError):
    """A key written twice in one mapping: YAML keeps the last silently, so what came first would be lost."""

    def __init__(self, key, line: int):
        super().__init__(f"{key!r} appears twice in one mapping")
        self.problem = f"{key!r} appears twice in one mapping (the first would be ignored)"
        self.problem_mark = yaml.Mark("", 0, line - 1, 0, None, None)


def _construct_map(loader: _LineLoader, node) -> LineDict:
    seen: set[str] = set()
    for key_node, _ in node.value:      # scalar keys as written: cheap, and enough to catch a repeat
        key = getattr(key_node, "value", None)
        if isinstance(key, str):
            if key in seen:
                raise DuplicateKey(key, key_node.start_mark.line + 1)
            seen.add(key)
    mapping = LineDict(loader.construct_mapping(node, deep=True))
    mapping.line = node.start_mark.line + 1
    mapping.lines = {k.value: k.start_mark.line + 1 for k, _ in node.value if hasattr(k, "value")}
    return mapping


# PyYAML's own map constructor builds plain dicts; ours keeps each key's line.
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_map)


def load(path: str | Path) -> Any:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read ({exc.strerror})") from None
    try:
        return yaml.load(text, Loader=_LineLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark else ""
        raise ConfigError(f"{path}{where}: not valid YAML ({getattr(exc, 'problem', exc)})") from None


class Checker:
    """Reads typed fields out of loaded YAML and raises ConfigError with file:line: field."""

    def __init__(self, path: str | Path):
        self.path = Path(path)

    def fail(self, node: Any, field: str, problem: str) -> ConfigError:
        line = getattr(node, "lines", {}).get(field.split(".")[-1]) or getattr(node, "line", None)
        where = f":{line}" if line else ""
        return ConfigError(f"{self.path}{where}: {field}: {problem}")

    def mapping(self, node: Any, field: str) -> dict:
        if not isinstance(node, dict):
            raise self.fail(node, field, "expected a mapping")
        return node

    def get(self, node: dict, key: str, kind: type | tuple, *, where: str = "", required=True, default=None):
        field = f"{where}.{key}" if where else key
        if key not in node or node[key] is None:
            if required:
                raise self.fail(node, field, "is missing")
            return default
        value = node[key]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
            raise self.fail(node, field, f"expected {names}, got {type(value).__name__} {value!r}")
        return value

    def str_list(self, node: dict, key: str, *, where: str = "", required=False) -> list[str]:
        field = f"{where}.{key}" if where else key
        value = self.get(node, key, list, where=where, required=required, default=[])
        if not all(isinstance(v, (str, int)) for v in value):
            raise self.fail(node, field, "expected a list of names")
        return [str(v) for v in value]
