"""What site search finds in the editorial content (registered in EditorialConfig.ready)."""

from core.search import Kind
from editorial.shortcodes import plain_content


def _learn_articles(model):
    return model.objects.published().filter(kind="learn")


KINDS = [
    Kind(
        "errors",
        "Errors",
        "editorial.ErrorEntry",
        ("title", "message"),
        ("symptoms",),
        plain=plain_content,
    ),
    Kind(
        "guides",
        "Buyer guides",
        "editorial.BuyerGuide",
        ("title",),
        ("summary", "intro"),
        plain=plain_content,
    ),
    Kind(
        "learn",
        "Learn",
        "editorial.Article",
        ("title",),
        ("summary", "body"),
        rows=_learn_articles,
        plain=plain_content,
    ),
    Kind(
        "answers",
        "Quick answers",
        "editorial.QuickAnswer",
        ("question",),
        ("answer",),
        plain=plain_content,
    ),
]
