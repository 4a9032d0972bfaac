class CatalogSlugConverter:
    """Slugs that may contain dots, as model names do (llama-3.1-8b)."""

    regex = r"[a-z0-9]+(?:[.-][a-z0-9]+)*"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


class YearConverter:
    """A calendar year Python's dates can hold (1–9999); anything else is no such page."""

    regex = r"[0-9]{1,4}"

    def to_python(self, value):
        year = int(value)
        if year < 1:
            raise ValueError("year 0 does not exist")
        return year

    def to_url(self, value):
        return str(value)


class MonthConverter:
    """A month number, 1–12."""

    regex = r"[0-9]{1,2}"

    def to_python(self, value):
        month = int(value)
        if not 1 <= month <= 12:
            raise ValueError("months run from 1 to 12")
        return month

    def to_url(self, value):
        return str(value)
