"""Set one string in a TOML file with tomlkit, so the admin's comments and layout survive.

tomlkit reads the file into a document that remembers every comment, blank line and spacing; only the
one value is set in it. The result is read again with ``tomllib``: if anything but that one value
changed, the file is left alone and the admin is asked to edit it by hand.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import tomllib
from pathlib import Path
from typing import Any

import tomlkit
from tomlkit.exceptions import TOMLKitError
from tomlkit.items import InlineTable, Table

from kiosk.config import ConfigError

#: A file created here may hold a PIN hash: readable by root and the kiosk's group only.
NEW_FILE_MODE = 0o640


class UnusualLayout(ValueError):
    """The table is written in a way (dotted keys, an array of tables) that is better edited by hand."""


def with_value(text: str, table: str, key: str, value: str) -> str:
    """``text`` with ``key = "value"`` set in ``[table]`` (the table is appended when missing).

    A key already there keeps its place and its trailing comment; a new key goes first in the table,
    right under its header. Raises :class:`UnusualLayout` for a table made of dotted keys or sub-tables.
    """
    if text and not text.endswith("\n"):
        text += "\n"
    document = tomlkit.parse(text)
    section = document.get(table)
    if section is None:
        fresh = tomlkit.table()
        fresh.add(key, value)
        document.add(table, fresh)  # tomlkit puts a blank line before it when the file is not empty
    elif isinstance(section, InlineTable) or (isinstance(section, Table) and not section.is_super_table()):
        body = section.value
        if key in section or not body.body:
            section[key] = value
        else:
            # tomlkit only appends; the key goes right under the header, before any comment (as before).
            body._insert_at(0, key, value)
    else:
        raise UnusualLayout(f"[{table}] is not a plain table")
    return tomlkit.dumps(document)


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
    try:
        new_text = with_value(text, table, key, value)
    except (UnusualLayout, TOMLKitError):
        new_text = None
    if new_text is None or not _only_value_changed(before, new_text, table, key, value):
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
