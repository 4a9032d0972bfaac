"""The catalog's CSV dialect: what a cell may hold and how it reads and writes.

A table's schema is a `SchemaResource` (django-import-export) whose `Column`s are declared in
the order of the CSV header. The same resource loads the seed files, runs the admin's import
and export, and writes the public benchmarks CSV, so a column is named, converted and checked
in one place. Every refusal names its column, and the same message reaches the seed command and
the editor's import preview.
"""

import datetime
import math
import re
from decimal import Decimal, InvalidOperation

import tablib
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import URLValidator
from django.db.models.fields import NOT_PROVIDED
from import_export import fields, instance_loaders, resources, widgets
from import_export.declarative import ModelDeclarativeMetaclass

YES, NO = {"yes", "true", "1"}, {"no", "false", "0"}
GITHUB = "https://github.com/"
# What a spreadsheet reads as the start of a formula (OWASP "CSV injection").
FORMULA_START = re.compile(r"^[=+\-@\t\r]")


class Cell(widgets.Widget):
    """Text in a CSV cell to a Python value and back; an empty cell is `empty`."""

    empty = None

    def __init__(self, required=False):
        self.required = required

    def clean(self, value, row=None, column="?", **kwargs):
        text = "" if value is None else str(value).strip()
        if not text:
            if self.required:
                raise ValueError(f"missing required field '{column}'")
            return self.empty
        return self.parse(text, column)

    def parse(self, text, column):
        return text

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class Text(Cell):
    empty = ""

    def __init__(self, required=False, max_length=None):
        super().__init__(required)
        self.max_length = max_length

    def parse(self, text, column):
        return text[: self.max_length] if self.max_length else text


class Number(Cell):
    """A number; `sign` is "positive" (> 0), "non-negative" (>= 0) or "any"."""

    def __init__(self, required=False, kind=float, sign="positive"):
        super().__init__(required)
        self.kind, self.sign = kind, sign

    def parse(self, text, column):
        try:
            value = self.kind(text)
        except (ValueError, InvalidOperation):
            raise ValueError(f"'{column}' must be a number, got {text!r}") from None
        if not math.isfinite(value):
            raise ValueError(f"'{column}' must be a finite number, got {text!r}")
        if self.sign == "positive" and value <= 0:
            raise ValueError(f"'{column}' must be positive, got {text}")
        if self.sign == "non-negative" and value < 0:
            raise ValueError(f"'{column}' cannot be negative, got {text}")
        return value

    def render(self, value, obj=None, **kwargs):
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return super().render(value)


class Integer(Number):
    def __init__(self, required=False, sign="positive"):
        super().__init__(required, int, sign)


class Money(Number):
    def __init__(self, required=False, sign="positive"):
        super().__init__(required, Decimal, sign)


class Date(Cell):
    def parse(self, text, column):
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            raise ValueError(f"'{column}' must be a date YYYY-MM-DD, got {text!r}") from None

    def render(self, value, obj=None, **kwargs):
        return value.isoformat() if value else ""


class Flag(Cell):
    """yes/no; an empty cell is `empty` (False, or None for a flag that may be unknown)."""

    def __init__(self, empty=False):
        super().__init__()
        self.empty = empty

    def parse(self, text, column):
        if text.lower() in YES | NO:
            return text.lower() in YES
        raise ValueError(f"'{column}' must be yes or no, got {text!r}")

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else ("yes" if value else "no")


class Choice(Cell):
    empty = ""

    def __init__(self, choices, required=True):
        super().__init__(required)
        self.choices = set(choices)

    def parse(self, text, column):
        if text not in self.choices:
            allowed = ", ".join(sorted(self.choices))
            raise ValueError(f"'{column}' must be one of {allowed}, got {text!r}")
        return text


class Items(Cell):
    """A list written with ';' between items, each read by `item` and, with `choices`,
    checked against them."""

    def __init__(self, choices=None, item=str):
        super().__init__()
        self.choices, self.item = choices and set(choices), item

    def clean(self, value, row=None, column="?", **kwargs):
        return super().clean(value, row, column, **kwargs) or []

    def parse(self, text, column):
        items = [part.strip() for part in text.split(";") if part.strip()]
        for part in items:
            if self.choices and part not in self.choices:
                allowed = ", ".join(sorted(self.choices))
                raise ValueError(f"'{column}' must be from {allowed}, got {part!r}")
        try:
            return [self.item(part) for part in items]
        except ValueError:
            raise ValueError(f"'{column}' must be numbers, got {text!r}") from None

    def render(self, value, obj=None, **kwargs):
        return ";".join(Number().render(item) for item in value or [])


def whole_number(text):
    return int(float(text))


class Sources(Cell):
    """One or more URLs with ' ; ' between them: where every figure of the row comes from."""

    empty = ""

    def __init__(self):
        super().__init__(required=True)

    def parse(self, text, column):
        validate = URLValidator()
        for url in [part.strip() for part in text.split(" ; ")]:
            try:
                validate(url)
            except ValidationError:
                raise ValueError(f"'{column}' holds something that is not a URL: {url!r}") from None
        return text


class GithubRepo(Cell):
    """'owner/name' in the file, the repository's URL in the database."""

    empty = ""

    def parse(self, text, column):
        return text if text.startswith(GITHUB) else GITHUB + text

    def render(self, value, obj=None, **kwargs):
        return (value or "").removeprefix(GITHUB)


class Lookup(Cell):
    """Another table's row named by one of its unique fields (the hardware's slug, the quant's
    name). Rows are read once per import and looked up again only for a name not seen."""

    def __init__(self, model, key, what, required=True):
        super().__init__(required)
        self.model, self.key, self.what = model, key, what
        self.known = None

    def parse(self, text, column):
        if self.known is None:
            self.known = {getattr(row, self.key): row for row in self.model.objects.all()}
        if text not in self.known:
            found = self.model.objects.filter(**{self.key: text}).first()
            if found is None:
                raise ValueError(f"unknown {self.what} {text!r}")
            self.known[text] = found
        return self.known[text]

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else getattr(value, self.key)


class Column(fields.Field):
    """One CSV column: its header (the attribute's name unless given), the model attribute it
    fills, and the cell that reads and writes it; `default` stands in for an empty cell."""

    def __init__(self, cell, header=None, default=NOT_PROVIDED):
        super().__init__(column_name=header, widget=cell, default=default)

    def clean(self, row, **kwargs):
        value = self.widget.clean(row.get(self.column_name), row=row, column=self.column_name)
        if value is None and self.default is not NOT_PROVIDED:
            return self.default
        return value


class SchemaMetaclass(ModelDeclarativeMetaclass):
    """A resource's columns are the `Column`s it declares, in declaration order: nothing else
    of the model is imported or exported."""

    def __new__(cls, name, bases, attrs):
        columns = [key for key, value in attrs.items() if isinstance(value, Column)]
        for key in columns:
            attrs[key].attribute = attrs[key].attribute or key
        if columns and "Meta" in attrs:
            attrs["Meta"].fields = attrs["Meta"].export_order = columns
        return super().__new__(cls, name, bases, attrs)


class TableLoader(instance_loaders.ModelInstanceLoader):
    """Finds a row's existing instance by its key columns in one read of the table (tables
    are hundreds of rows, and a file usually names most of them)."""

    def __init__(self, resource, dataset=None):
        super().__init__(resource, dataset)
        self.key_fields = [resource.fields[name] for name in resource.get_import_id_fields()]
        self.existing = {
            tuple(field.get_value(instance) for field in self.key_fields): instance
            for instance in self.get_queryset()
        }

    def get_instance(self, row):
        return self.existing.get(tuple(field.clean(row) for field in self.key_fields))


def row_error(message):
    return ValidationError({NON_FIELD_ERRORS: [message]})


class SchemaResource(resources.ModelResource, metaclass=SchemaMetaclass):
    """Rows matched on their natural key; an unchanged row is not saved again; any refused row
    stops the whole file (nothing of it is kept)."""

    # Model attributes a resource derives from other columns, compared like columns when
    # deciding whether a row changed.
    derived = ()

    def __init__(self, check_constraints=True, **kwargs):
        # The admin checks the model's constraints row by row so an editor reads which one a
        # row breaks; the seed leaves them to the database, which refuses the row on save.
        super().__init__(**kwargs)
        self.check_constraints = check_constraints
        self.created_alongside = {}

    class Meta:
        instance_loader_class = TableLoader
        skip_unchanged = True
        # The preview lists the rows an import changes; unchanged ones are only counted.
        report_skipped = False
        clean_model_instances = True

    def get_queryset(self):
        # The rows another table names are read with the row: comparing and exporting a row
        # reads them.
        lookups = [c.attribute for c in self.fields.values() if isinstance(c.widget, Lookup)]
        queryset = super().get_queryset()
        return queryset.select_related(*lookups) if lookups else queryset

    def clean_row(self, instance, row):
        """Derive values and check rules spanning columns; raise `row_error(message)`."""

    def import_data(self, dataset, **kwargs):
        kwargs.setdefault("rollback_on_validation_errors", True)
        return super().import_data(dataset, **kwargs)

    def before_import(self, dataset, **kwargs):
        # A key column that may be empty (a benchmark's depth, its backend) may also be left
        # out of the file: it then reads as empty, as the seed files write it.
        for name in self.get_import_id_fields():
            column = self.fields[name]
            if column.column_name not in dataset.headers and not column.widget.required:
                dataset.append_col([""] * len(dataset), header=column.column_name)

    def get_instance(self, instance_loader, row):
        try:
            return super().get_instance(instance_loader, row)
        except ValueError as error:
            raise row_error(str(error)) from error

    def import_instance(self, instance, row, **kwargs):
        problems = []
        for column in self.get_import_fields():
            try:
                self.import_field(column, instance, row, **kwargs)
            except ValueError as error:
                problems.append(str(error))
        if problems:
            raise ValidationError({NON_FIELD_ERRORS: problems})
        self.clean_row(instance, row)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        # A row whose cells were refused is reported as such, not also by the model's checks.
        if import_validation_errors:
            raise ValidationError(import_validation_errors)
        instance.full_clean(
            validate_unique=validate_unique and self.check_constraints,
            validate_constraints=self.check_constraints,
        )

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if any(getattr(instance, name) != getattr(original, name) for name in self.derived):
            return False
        return super().skip_row(instance, original, row, import_validation_errors)

    def export_csv(self, queryset):
        """The rows as CSV text for anyone to download. A cell a spreadsheet would run as a
        formula gets a leading apostrophe (OWASP's advice), so such a cell, and only such a
        cell, would come back changed by an import of the file."""
        dataset = self.export(queryset=queryset)
        safe = tablib.Dataset(headers=dataset.headers)
        for cells in dataset:
            safe.append(["'" + cell if FORMULA_START.match(cell) else cell for cell in cells])
        return safe.csv
