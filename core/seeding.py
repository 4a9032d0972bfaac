"""Loading the project's fixture files into the database.

Each loader reads one file, validates every row and writes rows by their natural key (slug,
or the benchmark's unique setup). A bad row raises SeedError naming the file, the line and the
reason; the management command wraps the whole run in one transaction, so nothing from that run
is kept. Rows whose values did not change are not saved again, so a second run changes nothing.
"""

import csv
import datetime
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.text import slugify


class SeedError(Exception):
    def __init__(self, path, line, reason):
        self.path, self.line, self.reason = Path(path), line, reason
        super().__init__(f"{self.path.name}, line {line}: {reason}")


@dataclass
class SeedReport:
    created: dict = field(default_factory=dict)
    updated: dict = field(default_factory=dict)
    unchanged: dict = field(default_factory=dict)

    def count(self, label, outcome):
        bucket = getattr(self, outcome)
        bucket[label] = bucket.get(label, 0) + 1

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


class Row(FixtureItem):
    """One CSV row: every value arrives as text."""

    def text(self, name, required=None):
        value = (self.data.get(name) or "").strip()
        if (self.required_by_default if required is None else required) and not value:
            self.fail(f"missing required field '{name}'")
        return value

    def number(self, name, required=False, positive=True, kind=float):
        raw = self.text(name, required)
        if not raw:
            return None
        try:
            value = kind(raw)
        except (ValueError, InvalidOperation):
            self.fail(f"'{name}' must be a number, got {raw!r}")
        if positive and value <= 0:
            self.fail(f"'{name}' must be positive, got {raw}")
        return value

    def integer(self, name, required=False):
        return self.number(name, required, kind=int)

    def decimal(self, name):
        return self.number(name, kind=Decimal)

    def flag(self, name):
        return self.text(name).lower() in {"yes", "true", "1"}

    def optional_flag(self, name):
        raw = self.text(name).lower()
        return None if not raw else raw in {"yes", "true", "1"}

    def items(self, name):
        return [part.strip() for part in self.text(name).split(";") if part.strip()]

    def choice(self, name, choices, required=True):
        value = self.text(name, required)
        if value and value not in choices:
            self.fail(f"'{name}' must be one of {', '.join(sorted(choices))}, got {value!r}")
        return value

    def sources(self, name="source"):
        value = self.text(name, required=True)
        validate = URLValidator()
        for url in [part.strip() for part in value.split(" ; ")]:
            try:
                validate(url)
            except ValidationError:
                self.fail(f"'{name}' holds something that is not a URL: {url!r}")
        return value


def read_rows(path):
    path = Path(path)
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        # Line 1 is the header; DictReader's line_num counts physical lines read so far.
        for data in reader:
            yield Row(path, reader.line_num, data)


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
