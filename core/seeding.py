"""Loading the project's fixture files into the database.

Each loader reads one file, validates every row and writes rows by their natural key (slug,
or the benchmark's unique setup). A bad row raises SeedError naming the file, the line and the
reason; the management command wraps the whole run in one transaction, so nothing from that run
is kept. Rows whose values did not change are not saved again, so a second run changes nothing.

CSV tables load through their django-import-export resource (`load_csv`), the schema the admin
imports and exports with; JSON fixtures go through `FixtureItem` and `save_by_key`.
"""

import csv
import datetime
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.text import slugify
from import_export.results import RowResult
from tablib import Dataset


class SeedError(Exception):
    def __init__(self, path, line, reason):
        self.path, self.line, self.reason = Path(path), line, reason
        super().__init__(f"{self.path.name}, line {line}: {reason}")


@dataclass
class SeedReport:
    created: dict = field(default_factory=dict)
    updated: dict = field(default_factory=dict)
    unchanged: dict = field(default_factory=dict)

    def count(self, label, outcome, rows=1):
        bucket = getattr(self, outcome)
        bucket[label] = bucket.get(label, 0) + rows

    def lines(self):
        labels = sorted(set(self.created) | set(self.updated) | set(self.unchanged))
        for label in labels:
            yield (
                f"{label}: {self.created.get(label, 0)} created, "
                f"{self.updated.get(label, 0)} updated, {self.unchanged.get(label, 0)} unchanged"
            )

    @property
    def changed(self):
        return sum(self.created.values()) + sum(self.updated.values())


class FixtureItem:
    """One item of a fixture file (a CSV row or a JSON object) with the accessors every loader
    shares; each raises SeedError naming the file, the line or entry, and the reason."""

    # Whether a field with no `required` argument must be present: CSV columns are optional
    # unless a loader says so, JSON entries' fields are required unless it says otherwise.
    required_by_default = False

    def __init__(self, path, line, data):
        self.path, self.line, self.data = path, line, data

    def fail(self, reason):
        raise SeedError(self.path, self.line, reason)

    def text(self, name, required=None):
        """The field's text, stripped; a missing required field fails."""
        raise NotImplementedError

    def date(self, name, required=None):
        raw = self.text(name, required)
        if not raw:
            return None
        try:
            return datetime.date.fromisoformat(raw)
        except ValueError:
            self.fail(f"'{name}' must be a date YYYY-MM-DD, got {raw!r}")

    def lookup(self, name, mapping, what):
        key = self.text(name, required=True)
        if key not in mapping:
            self.fail(f"unknown {what} {key!r}")
        return mapping[key]


def read_table(path):
    """A CSV file as a tablib Dataset, with the line of the file each row ends on (a quoted
    cell may span lines; line 1 is the header)."""
    path = Path(path)
    rows, lines = [], []
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        headers = next(reader, [])
        for cells in reader:
            if not cells:
                continue
            if len(cells) > len(headers):
                raise SeedError(path, reader.line_num, "more cells than the header has columns")
            rows.append(cells + [""] * (len(headers) - len(cells)))
            lines.append(reader.line_num)
    return Dataset(*rows, headers=headers), lines


def error_text(error):
    """A refused row's reasons as one line: a cell's own message, or 'field: message' for the
    model's checks."""
    parts = []
    for name, messages in error.message_dict.items():
        text = " ".join(messages)
        parts.append(text if name == NON_FIELD_ERRORS else f"{name}: {text}")
    return "; ".join(parts)


def load_csv(path, resource, report, label):
    """Import one CSV file through its resource; the first refused row raises SeedError with
    its line and reason (the resource has then kept nothing of the file)."""
    dataset, lines = read_table(path)
    result = resource.import_data(dataset, dry_run=False, raise_errors=False)
    if result.base_errors:
        raise SeedError(path, 1, str(result.base_errors[0].error))
    refused = [(row.number, error_text(row.error)) for row in result.invalid_rows]
    refused += [(number, str(errors[0].error)) for number, errors in result.row_errors()]
    if refused:
        number, reason = min(refused)
        raise SeedError(path, lines[number - 1], reason)
    for outcome, import_type in [
        ("created", RowResult.IMPORT_TYPE_NEW),
        ("updated", RowResult.IMPORT_TYPE_UPDATE),
        ("unchanged", RowResult.IMPORT_TYPE_SKIP),
    ]:
        report.count(label, outcome, result.totals[import_type])
    for other_label, rows in resource.created_alongside.items():
        report.count(other_label, "created", rows)


def save_by_key(row, model, lookup, values, report, label):
    """Create the row, or update it only where a value differs."""
    instance = model.objects.filter(**lookup).first()
    if instance is None:
        instance = model(**lookup, **values)
        outcome = "created"
    else:
        changed = [name for name, value in values.items() if getattr(instance, name) != value]
        outcome = "updated" if changed else "unchanged"
        for name in changed:
            setattr(instance, name, values[name])
    if outcome != "unchanged":
        try:
            instance.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            row.fail("; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items()))
        instance.save()
    report.count(label, outcome)
    return instance


def slug_for(text):
    return slugify(text.replace(".", "-").replace("_", "-"))
