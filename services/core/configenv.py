"""The environment's part of the config: `${VAR}` references and `REDFLAG_*` overrides.

Both collect every problem instead of stopping at the first, so `redflag check-config` can
list them all in one pass (a missing `${TELEGRAM_BOT_TOKEN}` and `${TELEGRAM_CHAT_ID}` are two
lines, not two runs). Override values are never quoted back: an env var may hold a token.
"""

import json
import re
import types
import typing
from collections.abc import Mapping
from difflib import get_close_matches
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from services.core.configerrors import field_path

ENV_PREFIX = "REDFLAG_"
NESTING = "__"
#: `REDFLAG_*` variables that are not settings: the config file's path.
NOT_SETTINGS = frozenset({"REDFLAG_CONFIG"})
_ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")

Loc = tuple[int | str, ...]


def env_value(name: str, env: Mapping[str, str]) -> str | None:
    """`$name`, else the content of the file `$name_FILE` names (Docker secrets, mounted at
    /run/secrets/...; one trailing newline dropped), else None. A set but empty `$name`
    yields to the file: Compose passes `${VAR:-}` through as empty. OSError if the file
    cannot be read."""
    value = env.get(name)
    path = env.get(f"{name}_FILE")
    if value or not path:
        return value
    text = Path(path).read_text(encoding="utf-8")
    return text.removesuffix("\n").removesuffix("\r")


def expand_env(
    value: Any, env: Mapping[str, str], missing: dict[Loc, list[str]], problems: list[str]
) -> Any:
    """Replace `${VAR}` and `${VAR:-default}` in every string (VAR may come from the file
    `$VAR_FILE` names); record unset VARs by path and unreadable files in `problems`."""
    return _expand(value, env, missing, problems, ())


def _expand(
    value: Any, env: Mapping[str, str], missing: dict[Loc, list[str]], problems: list[str],
    loc: Loc,
) -> Any:  # fmt: skip
    if isinstance(value, str):

        def sub(match: re.Match[str]) -> str:
            name, default = match.group(1), match.group(2)
            try:
                found = env_value(name, env)
            except OSError as exc:  # names the file, never its content
                where = field_path(loc)
                problems.append(
                    f"{where}: {name}_FILE: cannot read {env[name + '_FILE']}: {exc.strerror}"
                )
                missing.setdefault(loc, [])  # the field's own check would only repeat it
                return ""
            if default is not None:  # POSIX `:-`: the default also replaces an empty value
                return found or default
            if found is not None:
                return found
            missing.setdefault(loc, []).append(name)
            return ""

        return _ENV_REF.sub(sub, value)
    if isinstance(value, dict):
        return {k: _expand(v, env, missing, problems, (*loc, str(k))) for k, v in value.items()}
    if isinstance(value, list):
        return [_expand(v, env, missing, problems, (*loc, i)) for i, v in enumerate(value)]
    return value


def env_overrides(
    model: type[BaseModel], env: Mapping[str, str]
) -> tuple[dict[str, Any], list[str]]:
    """`REDFLAG_A__B=v` as {'a': {'b': v}}, and one problem line per unusable variable.

    A name that is not a setting at any level is reported with the closest real one, so
    `REDFLAG_CHANELS` fails like `REDFLAG_POLLER__MAX_AGEE` does. Lists and sections take
    JSON; a plain value is left for validation to convert (`"false"`, `"5m"`).
    """
    data: dict[str, Any] = {}
    problems: list[str] = []
    for name in sorted(env):
        if not name.upper().startswith(ENV_PREFIX) or name.upper() in NOT_SETTINGS:
            continue
        parts = name[len(ENV_PREFIX) :].lower().split(NESTING)
        fields = _walk(model, parts)
        if isinstance(fields, str):
            problems.append(f"{name}: {fields}")
            continue
        raw = env[name]
        value: Any = raw
        if fields:  # the variable names a list or a section: its value is JSON
            try:
                value = json.loads(raw)
            except json.JSONDecodeError as exc:
                problems.append(
                    f"{name}: not valid JSON ({exc.msg} at line {exc.lineno} column "
                    f"{exc.colno}); lists and sections take JSON, e.g. {name}='[]'"
                )
                continue
        _put(data, parts, value)
    return data, problems


def _walk(model: type[BaseModel], parts: list[str]) -> bool | str:
    """True if `parts` names a list or section, False for a plain value, else the problem."""
    current: Any = model
    for depth, part in enumerate(parts):
        current = _section(current)
        fields = current.model_fields if _is_model(current) else None
        if fields is None:
            where = ".".join(parts[:depth])
            return f"{where} takes a single value; it has no field {part!r}"
        if part not in fields:
            hint = get_close_matches(part, list(fields), n=1)
            scope = ".".join(parts[:depth]) or "the config"
            suggestion = f" (did you mean {_env_name(parts[:depth], hint[0])}?)" if hint else ""
            return f"unknown setting: {scope} has no field {part!r}{suggestion}"
        current = fields[part].annotation
    return _is_complex(current)


def _section(annotation: Any) -> Any:
    """The model inside `Model | None` (an optional section), else `annotation` itself."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        models = [a for a in typing.get_args(annotation) if _is_model(a)]
        if len(models) == 1:
            return models[0]
    return annotation


def _env_name(parents: list[str], field: str) -> str:
    return ENV_PREFIX + NESTING.join(p.upper() for p in [*parents, field])


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _is_complex(annotation: Any) -> bool:
    """Lists, mappings and models take JSON; so does an Optional of one."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        return any(_is_complex(a) for a in typing.get_args(annotation) if a is not type(None))
    if origin is typing.Annotated:
        return _is_complex(typing.get_args(annotation)[0])
    if origin in (list, tuple, dict, set, frozenset):
        return True
    return _is_model(annotation)


def _put(data: dict[str, Any], parts: list[str], value: Any) -> None:
    for part in parts[:-1]:
        data = data.setdefault(part, {})
    data[parts[-1]] = value


def deep_merge(base: dict[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """`over` wins; sections merge key by key, lists and values are replaced whole."""
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged
