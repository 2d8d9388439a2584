"""The programme's anonymised export of learning gains, for every school:

    python manage.py learning_gains_export > gains.csv
    python manage.py learning_gains_export --language en --output gains.csv

One row per school or class, module and learning outcome (schools.gains.csv_rows): no pupil
named, groups of fewer than five pupils left out. UTF-8 with a byte-order mark, like the
dashboards' exports."""

import csv
import sys

from django.core.management.base import BaseCommand
from django.utils import translation

from schools import gains
from schools.exports import safe_cell
from schools.models import School


class Command(BaseCommand):
    help = "Export the learning gains of every school, anonymised, as CSV."

    def add_arguments(self, parser):
        parser.add_argument("--output", help="A file to write; the standard output by default.")
        parser.add_argument("--language", default="vi", choices=["vi", "en"])

    def handle(self, *args, output=None, language="vi", **options):
        with translation.override(language):
            groups = []
            for school in School.objects.order_by("name"):
                whole, classes = gains.school_gains(school=school)
                groups += [(school.name, whole), *((school.name, group) for group in classes)]
            rows = gains.csv_rows(groups)
        handle = open(output, "w", encoding="utf-8", newline="") if output else sys.stdout  # noqa: SIM115
        try:
            handle.write("\ufeff")
            csv.writer(handle).writerows([[safe_cell(str(cell)) for cell in row] for row in rows])
        finally:
            if output:
                handle.close()
        if output:
            self.stderr.write(f"{len(rows) - 1} row(s) written to {output}.")
