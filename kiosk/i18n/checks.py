"""Reading .po files strictly, and what makes a translation unusable.

babel's PO reader forgives too much (an unterminated string is silently cut short), so catalogs
are first read here: every line must be a comment, a keyword with a quoted C string, or a string
continuation. The same rules decide what ``kiosk i18n check`` reports and which translations the
running kiosk refuses.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from kiosk.i18n.plurals import parse_plural_forms, plural_forms, same_rule


class PoSyntaxError(ValueError):
    """A .po file that cannot be read; ``line`` is 1-based."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message


@dataclass
class PoEntry:
    """One message of a .po file, strings already unescaped."""

    line: int
    msgid: str
    msgid_plural: str | None = None
    context: str | None = None
    strings: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags


@dataclass
class PoFile:
    """The header (as a dict of fields) and the messages of a .po file."""

    header: dict[str, str]
    header_line: int
    entries: list[PoEntry]


@dataclass(frozen=True)
class Problem:
    """Something wrong in a catalog: "error" makes it unusable, "todo" means work for a translator."""

    path: Path
    line: int
    message: str
    kind: Literal["error", "todo"] = "error"

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


_STRING = r'"(?:[^"\\]|\\(?:[\\"\'?abfnrtv]|[0-7]{1,3}|x[0-9A-Fa-f]++))*"'
_KEYWORD_LINE = re.compile(rf"^(msgctxt|msgid|msgid_plural|msgstr|msgstr\[(\d+)\])\s*({_STRING})\s*$")
_CONTINUATION = re.compile(rf"^({_STRING})\s*$")
_ESCAPE = re.compile(r"\\([\\\"'?abfnrtv]|[0-7]{1,3}|x[0-9A-Fa-f]+)")
_SIMPLE_ESCAPES = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}


def _unquote(quoted: str) -> str:
    def replace(match: re.Match[str]) -> str:
        code = match.group(1)
        if code in _SIMPLE_ESCAPES:
            return _SIMPLE_ESCAPES[code]
        if code[0] == "x":
            return chr(int(code[1:], 16) % 0x110000)
        if code[0].isdigit():
            return chr(int(code, 8))
        return code

    return _ESCAPE.sub(replace, quoted[1:-1])


def parse_po(text: str) -> PoFile:
    """Read .po text strictly; raises :class:`PoSyntaxError` at the first line that is not valid."""
    entries: list[PoEntry] = []
    current: PoEntry | None = None
    field_name = ""  # the keyword the last string belonged to
    flags: set[str] = set()
    seen: dict[tuple[str | None, str], int] = {}
    pending_context: tuple[int, str] | None = None

    def finish(line_no: int) -> None:
        nonlocal current
        if current is None:
            return
        if not current.strings:
            raise PoSyntaxError(current.line, f"msgid {current.msgid!r} has no msgstr")
        key = (current.context, current.msgid)
        if key in seen:
            raise PoSyntaxError(current.line, f"msgid {current.msgid!r} repeats the one on line {seen[key]}")
        seen[key] = current.line
        entries.append(current)
        current = None

    for line_no, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#"):
            if line.startswith("#,"):
                flags |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
            continue
        keyword = _KEYWORD_LINE.match(line)
        if keyword is None:
            continuation = _CONTINUATION.match(line)
            if continuation is None or not field_name:
                raise PoSyntaxError(line_no, f"not a keyword with a quoted string: {line[:60]!r}")
            value = _unquote(continuation.group(1))
            if field_name == "msgctxt" and pending_context is not None:
                pending_context = (pending_context[0], pending_context[1] + value)
            elif current is not None:
                if field_name == "msgid":
                    current.msgid += value
                elif field_name == "msgid_plural":
                    current.msgid_plural = (current.msgid_plural or "") + value
                else:
                    current.strings[-1] += value
            continue
        name, index, value = keyword.group(1), keyword.group(2), _unquote(keyword.group(3))
        if name in ("msgctxt", "msgid"):
            if current is not None and field_name in ("msgid", "msgid_plural"):
                raise PoSyntaxError(current.line, f"msgid {current.msgid!r} has no msgstr")
            finish(line_no)
            if name == "msgctxt":
                if pending_context is not None:
                    raise PoSyntaxError(line_no, "msgctxt without msgid")
                pending_context = (line_no, value)
            else:
                context = pending_context[1] if pending_context else None
                current = PoEntry(line=line_no, msgid=value, context=context, flags=flags)
                pending_context, flags = None, set()
        elif current is None or (pending_context is not None):
            raise PoSyntaxError(line_no, f"{name} without msgid")
        elif name == "msgid_plural":
            if field_name != "msgid":
                raise PoSyntaxError(line_no, "msgid_plural must follow msgid")
            current.msgid_plural = value
        elif index is None:  # msgstr
            if current.msgid_plural is not None:
                raise PoSyntaxError(line_no, "a message with msgid_plural needs msgstr[0], msgstr[1], ...")
            if current.strings:
                raise PoSyntaxError(line_no, "msgstr without msgid (the message before has its msgstr)")
            current.strings.append(value)
        else:
            if current.msgid_plural is None:
                raise PoSyntaxError(line_no, "msgstr[N] without msgid_plural")
            if int(index) != len(current.strings):
                raise PoSyntaxError(
                    line_no, f"expected msgstr[{len(current.strings)}], found msgstr[{index}]"
                )
            current.strings.append(value)
        field_name = name
    if pending_context is not None:
        raise PoSyntaxError(pending_context[0], "msgctxt without msgid")
    if current is not None and field_name in ("msgid", "msgid_plural"):
        raise PoSyntaxError(current.line, f"msgid {current.msgid!r} has no msgstr")
    finish(0)
    header_entry = next((e for e in entries if e.msgid == "" and e.context is None), None)
    header: dict[str, str] = {}
    if header_entry is not None:
        entries.remove(header_entry)
        for header_line in header_entry.strings[0].splitlines():
            key, sep, value = header_line.partition(":")
            if sep:
                header[key.strip()] = value.strip()
    return PoFile(header=header, header_line=header_entry.line if header_entry else 1, entries=entries)


# --- what a translation must keep from its English original ---------------------------------

_BRACE = re.compile(r"\{\{|\}\}|\{([^{}]*)\}")
_PERCENT = re.compile(
    r"%(?:\((?P<name>[^)]*)\))?[#0+-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?(?P<conv>[diouxXeEfFgGcrsa%])"
)
# The tag syntax of Rich markup (rich.markup): [bold], [/bold], [/], [link=...], [@click=...].
_MARKUP = re.compile(r"(\\*)\[([a-z#/@][^[]*?)]")


@dataclass(frozen=True)
class Placeholders:
    """Named placeholders ({name}, %(name)s) and positional ones in order (%s, %d, {})."""

    named: frozenset[str]
    positional: tuple[str, ...]
    stray_braces: bool


def placeholders(text: str) -> Placeholders:
    """The format placeholders of ``text`` (str.format and %-style)."""
    named: set[str] = set()
    positional: list[str] = []
    for match in _BRACE.finditer(text):
        if match.group(1) is None:  # {{ or }}: a literal brace
            continue
        if match.group(1) == "":
            positional.append("{}")
        else:
            named.add("{" + match.group(1) + "}")
    stray = bool(re.search(r"[{}]", _BRACE.sub("", text)))
    for match in _PERCENT.finditer(text):
        if match.group("conv") == "%":
            continue
        if match.group("name") is not None:
            named.add(match.group())
        else:
            positional.append(match.group())
    return Placeholders(frozenset(named), tuple(positional), stray)


def markup_tags(text: str) -> Counter[str]:
    """The Rich markup tags in ``text`` (escaped ``\\[`` is not a tag), counted."""
    return Counter(m.group(2) for m in _MARKUP.finditer(text) if len(m.group(1)) % 2 == 0)


def _describe(expected: Placeholders, found: Placeholders) -> str:
    parts = []
    if missing := sorted(expected.named - found.named):
        parts.append("missing " + ", ".join(missing))
    if extra := sorted(found.named - expected.named):
        parts.append("unknown " + ", ".join(extra))
    if expected.positional != found.positional:
        parts.append(
            f"positional {' '.join(found.positional) or 'none'} instead of "
            f"{' '.join(expected.positional) or 'none'}"
        )
    if found.stray_braces and not expected.stray_braces:
        parts.append("a single { or } (write {{ or }})")
    return "; ".join(parts)


def translation_problems(msgid: str, msgid_plural: str | None, strings: list[str]) -> list[str]:
    """Why these non-empty translations of ``msgid`` would break or mislead the screen (empty: fine)."""
    problems: list[str] = []
    originals = [msgid] if msgid_plural is None else [msgid, msgid_plural]
    expected = [placeholders(original) for original in originals]
    tags = [markup_tags(original) for original in originals]
    for index, string in enumerate(strings):
        if not string:
            continue
        label = "msgstr" if msgid_plural is None else f"msgstr[{index}]"
        if bad := sorted(
            {f"U+{ord(c):04X}" for c in string if unicodedata.category(c) == "Cc" and c != "\n"}
        ):
            problems.append(f"{label} contains control characters {', '.join(bad)}")
        found = placeholders(string)
        if msgid_plural is None:
            if found != expected[0]:
                problems.append(
                    f"{label} placeholders differ from the msgid: {_describe(expected[0], found)}"
                )
        else:
            # A form may leave out the number ("one minute"), but may not invent placeholders.
            allowed = expected[0].named | expected[1].named
            if (
                not found.named <= allowed
                or found.positional not in ((), expected[0].positional, expected[1].positional)
                or (found.stray_braces and not expected[1].stray_braces)
            ):
                problems.append(
                    f"{label} placeholders differ from the msgid: {_describe(expected[1], found)}"
                )
        if markup_tags(string) not in tags:
            problems.append(
                f"{label} markup tags differ from the msgid: "
                f"{sorted(markup_tags(string).elements())} instead of {sorted(tags[-1].elements())}"
            )
    return problems


def check_po(path: Path, code: str) -> list[Problem]:
    """Every problem of the catalog at ``path`` for language ``code``; empty when it is ready to ship."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return [Problem(path, 1, f"not UTF-8 text ({exc.reason} at byte {exc.start})")]
    except OSError as exc:
        return [Problem(path, 1, f"cannot be read: {exc.strerror or exc}")]
    try:
        po = parse_po(text)
    except PoSyntaxError as exc:
        return [Problem(path, exc.line, f"syntax error: {exc.message}")]
    problems: list[Problem] = []
    charset = po.header.get("Content-Type", "charset=UTF-8").partition("charset=")[2].strip().lower()
    if charset not in ("utf-8", "utf8"):
        problems.append(Problem(path, po.header_line, f"charset {charset!r}: catalogs must be UTF-8"))
    expected_forms = plural_forms(code)
    expected_count = parse_plural_forms(expected_forms)[0]
    header_forms = po.header.get("Plural-Forms")
    if header_forms is None:
        problems.append(
            Problem(path, po.header_line, f"no Plural-Forms header; {code} needs {expected_forms!r}")
        )
    else:
        try:
            matches = same_rule(header_forms, expected_forms)
        except Exception as exc:  # an untrusted expression may fail in many ways
            problems.append(Problem(path, po.header_line, f"Plural-Forms cannot be read: {exc}"))
        else:
            if not matches:
                problems.append(
                    Problem(
                        path,
                        po.header_line,
                        f"Plural-Forms {header_forms!r} does not follow CLDR for {code}: "
                        f"use {expected_forms!r}",
                    )
                )
    for entry in po.entries:
        if entry.msgid_plural is not None and len(entry.strings) != expected_count:
            problems.append(
                Problem(
                    path,
                    entry.line,
                    f"{len(entry.strings)} plural forms for {entry.msgid!r}; {code} has {expected_count}",
                )
            )
        if entry.fuzzy:
            problems.append(Problem(path, entry.line, f"fuzzy (needs review): {entry.msgid!r}", "todo"))
            continue
        if not all(entry.strings):
            problems.append(Problem(path, entry.line, f"untranslated: {entry.msgid!r}", "todo"))
        for message in translation_problems(entry.msgid, entry.msgid_plural, entry.strings):
            problems.append(Problem(path, entry.line, f"{message} ({entry.msgid!r})"))
    return problems
