"""`kiosk i18n check` finds each kind of catalog problem and says where it is."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.i18n.checks import Problem, check_po, markup_tags, parse_po, placeholders, translation_problems
from kiosk.i18n.plurals import PLURAL_FORMS


def po_text(body: str, plural_forms: str | None = PLURAL_FORMS["uk"]) -> str:
    header = '"Content-Type: text/plain; charset=UTF-8\\n"\n'
    if plural_forms is not None:
        header += f'"Plural-Forms: {plural_forms}\\n"\n'
    return f'msgid ""\nmsgstr ""\n{header}\n{body}'


def write_po(tmp_path: Path, body: str, **options: str | None) -> Path:
    path = tmp_path / "uk" / "LC_MESSAGES" / "kiosk.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(po_text(body, **options), encoding="utf-8")
    return path


CLEAN = """\
#, python-brace-format
msgid "Hello {name}"
msgstr "Привіт, {name}"

msgid "[b]Open[/b] now"
msgstr "[b]Відчинено[/b] зараз"

#, python-brace-format
msgid "{n} minute"
msgid_plural "{n} minutes"
msgstr[0] "{n} хвилина"
msgstr[1] "{n} хвилини"
msgstr[2] "{n} хвилин"
"""


def test_clean_catalog_has_no_problems(tmp_path: Path) -> None:
    assert check_po(write_po(tmp_path, CLEAN), "uk") == []


def test_parsed_entries_keep_lines_flags_and_strings() -> None:
    po = parse_po(po_text(CLEAN))
    assert po.header["Plural-Forms"] == PLURAL_FORMS["uk"]
    first, _, plural = po.entries
    assert (first.line, first.msgid, first.strings, first.flags) == (
        7,
        "Hello {name}",
        ["Привіт, {name}"],
        {"python-brace-format"},
    )
    assert plural.msgid_plural == "{n} minutes"
    assert plural.strings == ["{n} хвилина", "{n} хвилини", "{n} хвилин"]


def test_escapes_and_continuation_lines_are_joined() -> None:
    po = parse_po(po_text('msgid ""\n"Two\\n"\n"lines \\"quoted\\""\nmsgstr "Zwei\\tZeilen"\n'))
    assert po.entries[0].msgid == 'Two\nlines "quoted"'
    assert po.entries[0].strings == ["Zwei\tZeilen"]


@pytest.mark.parametrize(
    ("body", "line", "words"),
    [
        ('msgid "Hello"\nmsgstr "Привіт\n', 7, "quoted string"),
        ('msgid "Hello"\ngarbage here\nmsgstr "x"\n', 7, "quoted string"),
        ('msgid "Hello"\n\nmsgid "Bye"\nmsgstr "x"\n', 6, "no msgstr"),
        ('msgid "Hello"\n', 6, "no msgstr"),
        ('msgid "a"\nmsgid_plural "b"\nmsgstr[0] "x"\nmsgstr[2] "y"\n', 9, "msgstr[1]"),
        ('msgid "a"\nmsgstr "x"\n\nmsgid "a"\nmsgstr "y"\n', 9, "repeats the one on line 6"),
        ('msgid "a"\nmsgstr[0] "x"\n', 7, "without msgid_plural"),
        ('msgstr "x"\n', 6, "without msgid"),
        ('msgid "bad \\q escape"\nmsgstr "x"\n', 6, "quoted string"),
    ],
)
def test_syntax_errors_are_reported_at_their_line(tmp_path: Path, body: str, line: int, words: str) -> None:
    problems = check_po(write_po(tmp_path, body), "uk")
    assert len(problems) == 1
    assert problems[0].line == line
    assert problems[0].kind == "error"
    assert "syntax error" in problems[0].message and words in problems[0].message


def test_problem_prints_as_file_line_message(tmp_path: Path) -> None:
    assert (
        str(Problem(tmp_path / "x.po", 12, "untranslated: 'Hi'")) == f"{tmp_path}/x.po:12: untranslated: 'Hi'"
    )


@pytest.mark.parametrize(
    ("msgid", "msgstr", "words"),
    [
        ("Hello {name}", "Привіт, {nmae}", "missing {name}; unknown {nmae}"),
        ("Hello {name}", "Привіт", "missing {name}"),
        ("%(count)d places", "%(count)s місць", "missing %(count)d; unknown %(count)s"),
        ("%s of %d", "%d з %s", "positional %d %s instead of %s %d"),
        ("%s new", "нові", "positional none instead of %s"),
        ("{} new", "{} {} нові", "positional {} {} instead of {}"),
        ("Room {room}", "Кімната {room", "a single { or }"),
    ],
)
def test_placeholders_that_differ_are_errors(tmp_path: Path, msgid: str, msgstr: str, words: str) -> None:
    problems = check_po(write_po(tmp_path, f'msgid "{msgid}"\nmsgstr "{msgstr}"\n'), "uk")
    assert [(p.line, p.kind) for p in problems] == [(6, "error")]
    assert "placeholders differ" in problems[0].message and words in problems[0].message


def test_markup_tags_that_differ_are_errors(tmp_path: Path) -> None:
    body = 'msgid "[b]Open[/b] now"\nmsgstr "[i]Відчинено[/i] зараз"\n'
    problems = check_po(write_po(tmp_path, body), "uk")
    assert [(p.line, p.kind) for p in problems] == [(6, "error")]
    assert "markup tags differ" in problems[0].message


def test_markup_in_another_order_is_fine() -> None:
    assert translation_problems("[b]A[/b] and [i]B[/i]", None, ["[i]B[/i] і [b]A[/b]"]) == []


def test_escaped_brackets_are_not_markup() -> None:
    assert markup_tags("\\[b] literal [bold]x[/bold]") == {"bold": 1, "/bold": 1}


def test_wrong_number_of_plural_forms(tmp_path: Path) -> None:
    body = 'msgid "{n} minute"\nmsgid_plural "{n} minutes"\nmsgstr[0] "{n} хвилина"\nmsgstr[1] "{n} хвилин"\n'
    problems = check_po(write_po(tmp_path, body), "uk")
    assert [(p.line, p.kind) for p in problems] == [(6, "error")]
    assert "2 plural forms" in problems[0].message and "uk has 3" in problems[0].message


def test_plural_header_that_is_not_cldr_is_an_error(tmp_path: Path) -> None:
    path = write_po(tmp_path, 'msgid "a"\nmsgstr "b"\n', plural_forms="nplurals=2; plural=(n != 1);")
    problems = check_po(path, "uk")
    assert [(p.line, p.kind) for p in problems] == [(1, "error")]
    assert "does not follow CLDR" in problems[0].message and PLURAL_FORMS["uk"] in problems[0].message


def test_missing_plural_header_is_an_error(tmp_path: Path) -> None:
    problems = check_po(write_po(tmp_path, 'msgid "a"\nmsgstr "b"\n', plural_forms=None), "uk")
    assert ["no Plural-Forms header" in p.message for p in problems] == [True]


def test_unreadable_plural_expression_is_an_error(tmp_path: Path) -> None:
    path = write_po(tmp_path, 'msgid "a"\nmsgstr "b"\n', plural_forms="nplurals=3; plural=(n/0);")
    assert ["cannot be read" in p.message for p in check_po(path, "uk")] == [True]


def test_untranslated_and_fuzzy_entries_are_work_to_do(tmp_path: Path) -> None:
    body = (
        'msgid "Open"\nmsgstr ""\n\n'
        '#, fuzzy\nmsgid "Closed"\nmsgstr "Зачинено"\n\n'
        'msgid "{n} day"\nmsgid_plural "{n} days"\nmsgstr[0] "{n} день"\nmsgstr[1] ""\nmsgstr[2] "{n} днів"\n'
    )
    problems = check_po(write_po(tmp_path, body), "uk")
    assert [(p.line, p.kind, p.message.split(":")[0]) for p in problems] == [
        (6, "todo", "untranslated"),
        (10, "todo", "fuzzy (needs review)"),
        (13, "todo", "untranslated"),
    ]


def test_control_characters_in_a_translation_are_errors(tmp_path: Path) -> None:
    problems = check_po(write_po(tmp_path, 'msgid "Open"\nmsgstr "\\x1b[2JВідчинено"\n'), "uk")
    assert ["U+001B" in p.message for p in problems] == [True]


def test_plural_forms_may_leave_out_the_number_but_not_invent_placeholders() -> None:
    assert (
        translation_problems("{n} minute", "{n} minutes", ["одна хвилина", "{n} хвилини", "{n} хвилин"]) == []
    )
    problems = translation_problems("{n} minute", "{n} minutes", ["{m} хвилина", "{n} хвилини", "{n} хвилин"])
    assert len(problems) == 1 and problems[0].startswith("msgstr[0] placeholders differ")


def test_percent_sign_alone_is_not_a_placeholder() -> None:
    assert placeholders("50% off, 100%").named == frozenset()
    assert placeholders("50% off, 100%").positional == ()
    assert placeholders("%d%% done").positional == ("%d",)


def test_catalog_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.po"
    path.write_bytes(po_text('msgid "a"\nmsgstr "\xe4"\n').encode("latin-1"))
    assert ["not UTF-8" in p.message for p in check_po(path, "uk")] == [True]
