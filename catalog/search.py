"""Site search over models, hardware, runtimes, glossary terms, errors, guides and answers.

On PostgreSQL: full-text search with titles weighted over bodies (A over B), ranked, with
highlighted snippets, plus trigram similarity on titles so typos still find things ("rtx 4900"
finds the 4090). Pasted error messages match on any of their words, ranked by how many match.
On SQLite (local development) a simpler word match stands in.
"""

import difflib
import re
from dataclasses import dataclass

from django.db import connection
from django.db.models import F, FloatField, Q, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils.html import escape
from django.utils.safestring import mark_safe

MAX_PER_GROUP = 8
# Work per query is bounded: a search box needs a few words, not a pasted essay. Titles' words
# ("geforce", "4090", "mixtral") are well under FUZZY_MAX_CHARS.
MAX_QUERY_CHARS = 200
MAX_QUERY_WORDS = 10
MAX_WORD_CHARS = 40
FUZZY_MAX_CHARS = 24
MIN_TRIGRAM_SIMILARITY = 0.25
WORD = re.compile(r"[A-Za-z0-9_.]+")
STOP_WORDS = {"the", "and", "for", "with", "how", "what", "can", "does", "not", "you", "run"}


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    model_path: str  # "app_label.Model"
    title_fields: tuple
    body_fields: tuple

    @property
    def model(self):
        from django.apps import apps

        return apps.get_model(self.model_path)


KINDS = [
    Kind("hardware", "Hardware", "catalog.Hardware", ("name", "slug"), ("memory_type", "notes")),
    Kind("models", "Models", "catalog.Model", ("name", "slug"), ("organisation", "notes")),
    Kind("tools", "Tools", "catalog.Runtime", ("name", "slug"), ("notes", "install_command")),
    Kind("glossary", "Glossary", "glossary.Term", ("name", "abbreviation"), ("definition",)),
    Kind("errors", "Errors", "editorial.ErrorEntry", ("title", "message"), ("symptoms",)),
    Kind("guides", "Buyer guides", "editorial.BuyerGuide", ("title",), ("summary", "intro")),
    Kind("learn", "Learn", "editorial.Article", ("title",), ("summary", "body")),
    Kind("answers", "Quick answers", "editorial.QuickAnswer", ("question",), ("answer",)),
]


@dataclass(frozen=True)
class Hit:
    title: str
    url: str
    snippet: str
    score: float


def words(query):
    """The query's searchable words: at most MAX_QUERY_WORDS, each cut to MAX_WORD_CHARS."""
    found = [w for w in WORD.findall(query.lower()) if len(w) >= 2 and w not in STOP_WORDS]
    return [w[:MAX_WORD_CHARS] for w in found[:MAX_QUERY_WORDS]]


def search(query, limit=MAX_PER_GROUP):
    """[(Kind, [Hit])] for the groups that matched, best group first."""
    query = (query or "").strip()[:MAX_QUERY_CHARS]
    if not words(query):
        return []
    runner = _postgres if connection.vendor == "postgresql" else _fallback
    groups = []
    for kind in KINDS:
        hits = runner(kind, query, limit)
        if hits:
            groups.append((kind, hits))
    groups.sort(key=lambda group: -group[1][0].score)
    return groups


def _queryset(kind):
    queryset = kind.model.objects.published()
    if kind.key == "learn":
        queryset = queryset.filter(kind="learn")
    return queryset


def _title(obj):
    return str(obj)


def _postgres(kind, query, limit):
    from django.contrib.postgres.search import (
        SearchHeadline,
        SearchQuery,
        SearchRank,
        SearchVector,
        TrigramWordSimilarity,
    )

    vector = SearchVector(*kind.title_fields, weight="A", config="english") + SearchVector(
        *kind.body_fields, weight="B", config="english"
    )
    terms = " | ".join(f"'{w}':*" if len(w) >= 3 else f"'{w}'" for w in words(query))
    ts_query = SearchQuery(terms, search_type="raw", config="english")
    title_expr = kind.title_fields[0]
    queryset = (
        _queryset(kind)
        .annotate(
            rank=SearchRank(vector, ts_query, weights=[0.1, 0.2, 0.4, 1.0]),
            similarity=Coalesce(TrigramWordSimilarity(Value(query[:100]), title_expr), Value(0.0)),
        )
        .annotate(score=Greatest(F("rank"), F("similarity"), output_field=FloatField()))
        .filter(Q(rank__gt=0.01) | Q(similarity__gte=MIN_TRIGRAM_SIMILARITY))
        .annotate(
            snippet=SearchHeadline(
                kind.body_fields[0],
                ts_query,
                config="english",
                start_sel="<mark>",
                stop_sel="</mark>",
                max_words=25,
                min_words=10,
            )
        )
        .order_by("-score", title_expr)[: limit * 4]
    )
    query_words = words(query)
    hits = [
        Hit(
            _title(obj),
            obj.get_absolute_url(),
            _safe_snippet(obj.snippet),
            obj.score + title_match(query_words, _title(obj)),
        )
        for obj in queryset
    ]
    hits.sort(key=lambda hit: (-hit.score, hit.title))
    return hits[:limit]


def edit_distance(a, b):
    """Optimal string alignment distance: insertions, deletions, substitutions and swaps of
    adjacent characters ("4900" is one swap from "4090")."""
    rows = [list(range(len(b) + 1))]
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            row[j] = min(rows[i - 1][j] + 1, row[j - 1] + 1, rows[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], rows[i - 2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]


def title_match(query_words, title):
    """0-1: how closely each query word matches some word of the title, typos forgiven."""
    title_words = words(title)
    if not query_words or not title_words:
        return 0.0
    total = 0.0
    for word in query_words:
        total += max(_word_similarity(word, other) for other in title_words)
    return total / len(query_words)


def _word_similarity(word, other):
    """1 for the same word, less per edit; words too long for a typo to matter match exactly,
    since edit_distance costs len(word) × len(other) steps of pure Python."""
    if len(word) > FUZZY_MAX_CHARS or len(other) > FUZZY_MAX_CHARS:
        return float(word == other)
    return 1 - edit_distance(word, other) / max(len(word), len(other))


def _safe_snippet(headline):
    """Headlines come from our own text; escape it all, then restore only our <mark> tags."""
    text = escape(headline or "")
    text = text.replace("&lt;mark&gt;", "<mark>").replace("&lt;/mark&gt;", "</mark>")
    return mark_safe(text)


def _fallback(kind, query, limit):
    """SQLite: count matching words, titles weighted over bodies; close title matches count too."""
    query_words = words(query)
    condition = Q()
    for word in query_words:
        for field in kind.title_fields + kind.body_fields:
            condition |= Q(**{f"{field}__icontains": word})
    hits = []
    rows = list(_queryset(kind).filter(condition)[:200])
    if not rows:
        rows = list(_queryset(kind)[:500])
    for obj in rows:
        title = " ".join(str(getattr(obj, f) or "") for f in kind.title_fields).lower()
        body = " ".join(str(getattr(obj, f) or "") for f in kind.body_fields).lower()
        score = sum(1.0 for w in query_words if w in title) + sum(
            0.3 for w in query_words if w in body
        )
        fuzzy = difflib.SequenceMatcher(None, query.lower(), _title(obj).lower()).ratio()
        if score == 0 and fuzzy < 0.6:
            continue
        score = max(score, fuzzy) + title_match(query_words, _title(obj))
        snippet = _plain_snippet(body, query_words)
        hits.append(Hit(_title(obj), obj.get_absolute_url(), snippet, score))
    hits.sort(key=lambda hit: (-hit.score, hit.title))
    return hits[:limit]


def _plain_snippet(body, query_words):
    for word in query_words:
        at = body.find(word)
        if at >= 0:
            start = max(0, at - 60)
            piece = escape(body[start : at + 100])
            return mark_safe(piece.replace(escape(word), f"<mark>{escape(word)}</mark>"))
    return escape(body[:140])
