"""Reading a class list that a teacher pasted or uploaded, before anything is written.

`plan_from_text` and `plan_from_csv` return a `RosterPlan`: one row per line with the name it
will create or the error that stops it. The dry-run page shows the plan; only a plan without
errors can be confirmed, and confirming parses the same input again (nothing is kept between
the two requests but the text itself).

CSV columns (first row is the header; UTF-8, with or without BOM; comma or semicolon):
- `name` (required): the pupil's name as the class knows it, e.g. "Nguyễn Văn An".
- `sign_in` (optional): `pictures` or `pin`; empty means the class's default.
Other columns are refused, so that no e-mail, phone number or birth date is ever stored.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from accounts import names

MAX_PUPILS_PER_IMPORT = 60
MAX_NAME_LENGTH = 100
MAX_CSV_BYTES = 200_000
# A pasted list of the most pupils one import takes, at the longest names, with room to spare.
MAX_PASTE_CHARACTERS = 10_000
CSV_COLUMNS = ("name", "sign_in")
SIGN_IN_VALUES = ("pictures", "pin")

_LINE_END = re.compile(r"\r\n|\r|\n")
_EMAIL = re.compile(r"\S+@\S+")
_PHONE = re.compile(r"(\+?\d[\d .-]{6,}\d)")
_DATE = re.compile(r"\b\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}\b")


@dataclass
class RosterRow:
    line: int
    name: str
    sign_in: str = ""
    errors: list[str] = field(default_factory=list)
    raw: str = ""  # the name as typed, before spaces were folded: what the invisible-character check reads


@dataclass
class RosterPlan:
    rows: list[RosterRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # about the whole input

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.errors and not any(row.errors for row in self.rows)

    @property
    def error_count(self) -> int:
        return len(self.errors) + sum(1 for row in self.rows if row.errors)


def _check_rows(plan: RosterPlan, existing_names: set[str]) -> RosterPlan:
    seen: dict[str, int] = {}
    existing = {names.normalise(name).casefold() for name in existing_names}
    for row in plan.rows:
        name = row.name
        if not name:
            row.errors.append(_("The name is empty: write the pupil's name, or delete the line."))
            continue
        try:
            names.clean_name(row.raw or name)
        except ValidationError as error:
            row.errors.extend(error.messages)
        if len(name) > MAX_NAME_LENGTH:
            row.errors.append(_("The name is longer than %(max)s characters: shorten it.") % {"max": MAX_NAME_LENGTH})
        if _EMAIL.search(name) or _PHONE.search(name) or _DATE.search(name):
            row.errors.append(
                _("Write only the pupil's name: no e-mail address, phone number or date of birth is stored.")
            )
        key = name.casefold()
        if key in existing:
            row.errors.append(
                _("The class has a pupil called “%(name)s” already: add a letter to tell them apart (“%(name)s B”).")
                % {"name": name}
            )
        elif key in seen:
            row.errors.append(
                _("The same name is on line %(line)s: add something to tell the two apart, like “%(name)s B”.")
                % {"line": seen[key], "name": name}
            )
        seen.setdefault(key, row.line)
        if row.sign_in and row.sign_in not in SIGN_IN_VALUES:
            row.errors.append(_("The sign_in column must be “pictures” or “pin”, or empty."))
    if not plan.rows and not plan.errors:
        plan.errors.append(_("There are no names: write one pupil's name on each line."))
    if len(plan.rows) > MAX_PUPILS_PER_IMPORT:
        plan.errors.append(
            _("The list has %(count)s names: add at most %(max)s pupils at a time.")
            % {"count": len(plan.rows), "max": MAX_PUPILS_PER_IMPORT}
        )
    return plan


def plan_from_text(text: str, *, existing_names: set[str]) -> RosterPlan:
    """One name a line; blank lines are skipped."""
    if len(text or "") > MAX_PASTE_CHARACTERS:
        return RosterPlan(errors=[too_long_message()])
    # Lines end only at a line feed or a carriage return: Unicode's other line and paragraph
    # separators stay inside the name, where the invisible-character check refuses them.
    rows = [
        RosterRow(line=number, name=names.normalise(line), raw=line)
        for number, line in enumerate(_LINE_END.split(text or ""), start=1)
        if line.strip()
    ]
    return _check_rows(RosterPlan(rows=rows), existing_names)


def within_limit(text: str) -> str:
    """The first lines of `text` that fit in a paste, to show again under a refusal (never the
    whole of an oversized paste)."""
    if len(text) <= MAX_PASTE_CHARACTERS:
        return text
    return text[:MAX_PASTE_CHARACTERS].rpartition("\n")[0]


def too_long_message() -> str:
    return _(
        "The list is longer than a class list can be (at most %(max)s characters): paste at most "
        "%(pupils)s names at a time."
    ) % {"max": number_format(MAX_PASTE_CHARACTERS, force_grouping=True), "pupils": MAX_PUPILS_PER_IMPORT}


def plan_from_csv(data: bytes, *, existing_names: set[str]) -> RosterPlan:
    if len(data) > MAX_CSV_BYTES:
        return RosterPlan(errors=[_("The file is too large for a class list: upload at most 200 KB.")])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return RosterPlan(
            errors=[
                _(
                    "The file is not in UTF-8, so Vietnamese names would be garbled. In your spreadsheet "
                    "program choose “Save as” > “CSV UTF-8”, then upload it again."
                )
            ]
        )
    try:
        dialect = csv.Sniffer().sniff(text[:2048], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        header = [column.strip().lower() for column in next(reader)]
    except StopIteration:
        return RosterPlan(errors=[_("The file is empty: it needs a header row with “name”, then one pupil a row.")])
    except csv.Error:
        return RosterPlan(errors=[_("The file could not be read as CSV: save it as “CSV UTF-8” and try again.")])
    if "name" not in header:
        return RosterPlan(errors=[_("The first row must name the columns, and one of them must be “name”.")])
    unknown = [column for column in header if column not in CSV_COLUMNS]
    if unknown:
        return RosterPlan(
            errors=[
                _("Remove the columns %(columns)s: only “name” and “sign_in” are allowed, so no other data is stored.")
                % {"columns": ", ".join(f"“{column}”" for column in unknown)}
            ]
        )
    rows = []
    try:
        last_line = reader.line_num
        for record in reader:
            first_line, last_line = last_line + 1, reader.line_num
            if any("\n" in cell or "\r" in cell for cell in record):
                # A quotation mark left open reads the following lines into one cell: two pupils
                # would silently become one.
                return RosterPlan(
                    errors=[
                        _(
                            'Line %(line)s opens a quotation mark (") that is not closed, so the lines after it '
                            "ran together. Close the quotation mark or remove it, then upload the file again."
                        )
                        % {"line": first_line}
                    ]
                )
            if not any(cell.strip() for cell in record):
                continue
            values = dict(zip(header, record, strict=False))
            rows.append(
                RosterRow(
                    line=first_line,
                    name=names.normalise(values.get("name", "")),
                    raw=values.get("name", ""),
                    sign_in=(values.get("sign_in") or "").strip().lower(),
                )
            )
            if len(record) > len(header):
                rows[-1].errors.append(_("This row has more cells than the header has columns."))
    except csv.Error as error:
        return RosterPlan(
            errors=[_("Line %(line)s could not be read (%(error)s).") % {"line": reader.line_num, "error": error}]
        )
    return _check_rows(RosterPlan(rows=rows), existing_names)
