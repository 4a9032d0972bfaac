"""What site search finds in the glossary (registered in GlossaryConfig.ready)."""

from core.search import Kind
from editorial.shortcodes import plain_content

KINDS = [
    Kind(
        "glossary",
        "Glossary",
        "glossary.Term",
        ("name", "abbreviation"),
        ("definition",),
        plain=plain_content,
    ),
]
