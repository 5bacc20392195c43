"""Set one string in a TOML file by editing its text, so the admin's comments and layout survive.

Python reads TOML but cannot write it; rather than re-serialise (and lose comments), the line for the
key is replaced or added, and the result is parsed again: if anything but that one value changed, the
file is left alone and the admin is asked to edit it by hand.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import tomllib
from pathlib import Path
from typing import Any

from kiosk.config import ConfigError

# A table header ("[staff]", "[[x]]", '[ "staff" ]'), possibly followed by a comment.
_HEADER = re.compile(r"^\s*\[")
_TABLE = re.compile(r'^\s*\[\s*(?:"([^"]*)"|([A-Za-z0-9_-]+))\s*\]\s*(?:#.*)?$')
_SAFE_VALUE = re.compile(r"[A-Za-z0-9+/=$._-]*")
#: A file created here may hold a PIN hash: readable by root and the kiosk's group only.
NEW_FILE_MODE = 0o640


def _is_table(line: str, table: str) -> bool:
    match = _TABLE.match(line)
    return match is not None and table in (match.group(1), match.group(2))


def _key_line(line: str, key: str) -> bool:
    return re.match(rf'^\s*(?:{re.escape(key)}|"{re.escape(key)}")\s*=', line) is not None


def with_value(text: str, table: str, key: str, value: str) -> str:
    """``text`` with ``key = "value"`` set in ``[table]`` (the table is appended when missing)."""
    if not _SAFE_VALUE.fullmatch(value):
        raise ValueError("value must not need escaping")
    assignment = f'{key} = "{value}"\n'
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    start = next((index for index, line in enumerate(lines) if _is_table(line, table)), None)
    if start is None:
        separator = "\n" if lines and lines[-1].strip() else ""
        return "".join(lines) + f"{separator}[{table}]\n{assignment}"
    end = next((i for i in range(start + 1, len(lines)) if _HEADER.match(lines[i])), len(lines))
    for index in range(start + 1, end):
        if _key_line(lines[index], key):
            lines[index] = assignment
            break
    else:
        lines.insert(start + 1, assignment)
    return "".join(lines)


def set_table_value(path: Path, table: str, key: str, value: str) -> None:
    """Write ``[table] key = "value"`` into the TOML file at ``path`` (created if missing), atomically."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = ""
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the file ({exc.__class__.__name__})") from None
    try:
        before = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML, fix it first: {exc}") from None
    new_text = with_value(text, table, key, value)
    if not _only_value_changed(before, new_text, table, key, value):
        raise ConfigError(f"{path}: cannot safely add {key} to [{table}]; please add it by hand")
    _replace_file(path, new_text)


def _only_value_changed(before: dict[str, Any], new_text: str, table: str, key: str, value: str) -> bool:
    try:
        after = tomllib.loads(new_text)
    except tomllib.TOMLDecodeError:
        return False
    expected = dict(before)
    section = expected.get(table, {})
    if not isinstance(section, dict):
        return False
    expected[table] = {**section, key: value}
    return after == expected


def _replace_file(path: Path, text: str) -> None:
    """Write beside the file and rename over it, keeping its mode and owner (a crash leaves old or new)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        old = path.stat()
        mode, owner = old.st_mode & 0o7777, (old.st_uid, old.st_gid)
    except FileNotFoundError:
        mode, owner = NEW_FILE_MODE, None
    handle, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as temp:
            os.fchmod(temp.fileno(), mode)
            if owner is not None and owner != (os.geteuid(), os.getegid()):
                # Not root: the file becomes ours, which is the best that can be done.
                with contextlib.suppress(PermissionError):
                    os.fchown(temp.fileno(), *owner)
            temp.write(text)
            temp.flush()
            os.fsync(temp.fileno())
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
