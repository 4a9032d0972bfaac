"""PostgreSQL search support: the pg_trgm extension and GIN indexes for typo-tolerant title
matching and full-text search. Other databases (SQLite in development) skip this."""

from django.db import migrations

# (table, title column, full-text expression)
INDEXED = [
    ("catalog_hardware", "name", "coalesce(name, '') || ' ' || coalesce(notes, '')"),
    ("catalog_model", "name", "coalesce(name, '') || ' ' || coalesce(notes, '')"),
    ("catalog_runtime", "name", "coalesce(name, '') || ' ' || coalesce(notes, '')"),
    ("glossary_term", "name", "coalesce(name, '') || ' ' || coalesce(definition, '')"),
    ("editorial_errorentry", "title", "coalesce(title, '') || ' ' || coalesce(message, '')"),
    ("editorial_article", "title", "coalesce(title, '') || ' ' || coalesce(body, '')"),
    ("editorial_quickanswer", "question", "coalesce(question, '') || ' ' || coalesce(answer, '')"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table, title, document in INDEXED:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {table}_title_trgm ON {table} "
            f"USING gin ({title} gin_trgm_ops)"
        )
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {table}_fts ON {table} "
            f"USING gin (to_tsvector('english'::regconfig, {document}))"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, _title, _document in INDEXED:
        schema_editor.execute(f"DROP INDEX IF EXISTS {table}_title_trgm")
        schema_editor.execute(f"DROP INDEX IF EXISTS {table}_fts")


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0003_apiprice_cloudoffer_historicalapiprice_and_more"),
        ("glossary", "0001_initial"),
        ("editorial", "0002_initial"),
    ]

    operations = [migrations.RunPython(create, drop)]
