"""Site search over whatever the apps register: models, hardware, runtimes, terms, errors, ...

Each app registers its searchable kinds in its AppConfig.ready() (`register(Kind(...))`), so this
module knows no app. On PostgreSQL candidates come from full-text search with titles weighted
over bodies (A over B), plus trigram similarity on titles so typos still find things ("rtx 4900"
finds the 4090); on SQLite (local development) a word match stands in. Scoring, snippets and
highlighting are then the same on both: snippets are the plain text a reader sees (no Markdown,
no shortcodes), start at a word, and mark whole words only. A pasted error message (many words)
keeps only results that share most of its words, so its error entry leads and few others follow.
"""

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.db import connection
from django.db.models import F, FloatField, Q, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils.html import escape
from django.utils.safestring import mark_safe

from core.text import plain_text

MAX_PER_GROUP = 8
# Work per query is bounded: a search box needs a few words, not a pasted essay. Titles' words
# ("geforce", "4090", "mixtral") are well under FUZZY_MAX_CHARS.
MAX_QUERY_CHARS = 200
MAX_QUERY_WORDS = 10
MAX_WORD_CHARS = 40
FUZZY_MAX_CHARS = 24
MIN_TRIGRAM_SIMILARITY = 0.25
WORD = re.compile(r"[A-Za-z0-9_.]+")
TOKEN = re.compile(r"([A-Za-z0-9_]+)")
STOP_WORDS = {
    *("the", "and", "for", "with", "how", "what", "can", "does", "not", "you", "run", "of"),
    *("to", "in", "is", "on", "at", "by", "as", "or", "an", "it", "be", "has", "was", "are"),
    *("this", "that", "from", "into", "your", "my", "do", "use"),
}
# A result must contain a query word, or have a title this close to the query (typos).
MIN_TITLE_MATCH = 0.75

# A query of this many words is treated as pasted text (an error message, a log line): a result
# must contain at least PASTED_MIN_COVERAGE of its words, and only results scoring within
# PASTED_KEEP_SHARE of the best are shown.
PASTED_WORDS = 5
PASTED_MIN_COVERAGE = 0.5
PASTED_KEEP_SHARE = 0.6
# The type-ahead under the header's search box: the best few results across groups, without
# the weak tail a full results page may show ("AMD Radeon RX 6800 XT" for "kv cache").
SUGGESTIONS = 8
SUGGEST_KEEP_SHARE = 0.5
SNIPPET_CHARS = 170
SNIPPET_LEAD_CHARS = 50


@dataclass(frozen=True)
class Kind:
    """One searchable table. `rows(model)` narrows what may be found (default: published rows);
    `plain(text)` turns a stored body into the words a reader sees (default: Markdown stripped);
    `describe(obj)`, when given, is the snippet's text instead of the body."""

    key: str
    label: str
    model_path: str  # "app_label.Model"
    title_fields: tuple
    body_fields: tuple
    rows: Callable | None = None
    plain: Callable = plain_text
    # The sentence a result's snippet is cut from, where the stored body is editors' notes
    # rather than text for readers (a card's spec notes): describe(obj) -> plain text.
    describe: Callable | None = None

    @property
    def model(self):
        return apps.get_model(self.model_path)

    def queryset(self):
        model = self.model
        return self.rows(model) if self.rows else model.objects.published()


_KINDS: list[Kind] = []


def register(*kinds):
    """Add kinds to the search, in the order results of equal score are listed."""
    known = {kind.key for kind in _KINDS}
    _KINDS.extend(kind for kind in kinds if kind.key not in known)


def registered():
    return list(_KINDS)


@dataclass(frozen=True)
class Hit:
    title: str
    url: str
    snippet: str
    score: float


def words(query):
    """The query's searchable words: at most MAX_QUERY_WORDS, each cut to MAX_WORD_CHARS."""
    found = [w.strip(".") for w in WORD.findall(query.lower())]
    found = [w for w in found if len(w) >= 2 and w not in STOP_WORDS]
    return [w[:MAX_WORD_CHARS] for w in found[:MAX_QUERY_WORDS]]


def search(query, limit=MAX_PER_GROUP):
    """[(Kind, [Hit])] for the groups that matched, best group first."""
    query = (query or "").strip()[:MAX_QUERY_CHARS]
    query_words = words(query)
    if not query_words:
        return []
    pasted = len(query_words) >= PASTED_WORDS
    candidates = _postgres if connection.vendor == "postgresql" else _fallback
    scored = []
    for kind in _KINDS:
        ranked = [
            (score, str(obj), obj)
            for obj, base in candidates(kind, query, query_words, limit)
            if (score := _score(kind, obj, base, query_words, pasted)) is not None
        ]
        ranked.sort(key=lambda row: (-row[0], row[1]))
        if ranked:
            scored.append((kind, ranked[:limit]))
    if pasted and scored:
        best = max(ranked[0][0] for _kind, ranked in scored)
        scored = [
            (kind, kept)
            for kind, ranked in scored
            if (kept := [row for row in ranked if row[0] >= PASTED_KEEP_SHARE * best])
        ]
    scored.sort(key=lambda group: -group[1][0][0])
    # Snippets last, for the results shown only: they expand the body's shortcodes.
    return [
        (kind, [_hit(kind, obj, title, score, query_words) for score, title, obj in ranked])
        for kind, ranked in scored
    ]


def suggestions(groups, limit=SUGGESTIONS):
    """[(Kind, Hit)] for the type-ahead: the best hits of search()'s groups, best first."""
    ranked = sorted(
        ((kind, hit) for kind, hits in groups for hit in hits), key=lambda pair: -pair[1].score
    )
    if not ranked:
        return []
    best = ranked[0][1].score
    return [(kind, hit) for kind, hit in ranked[:limit] if hit.score >= SUGGEST_KEEP_SHARE * best]


def _body(kind, obj):
    # Fields are separate blocks of Markdown: a body's leading "## Heading" stays a heading.
    return "\n\n".join(str(getattr(obj, f) or "") for f in kind.body_fields)


def _score(kind, obj, base, query_words, pasted):
    """How well a candidate answers the query, or None when it should not be listed. Scored on
    the stored text (shortcodes left out), the text the database matched the candidate on."""
    title = str(obj)
    title_text = " ".join(str(getattr(obj, f) or "") for f in kind.title_fields)
    closeness = title_match(query_words, title)
    share = coverage(query_words, f"{title_text} {plain_text(_body(kind, obj))}")
    if share == 0 and closeness < MIN_TITLE_MATCH:
        return None  # only a fuzzy echo of the query ("generation" for "quantization")
    # The result whose title is made of the query's words leads ("CUDA out of memory" before
    # "vLLM: CUDA out of memory while capturing CUDA graphs", typed or pasted).
    title_words = words(title)
    exactness = coverage(title_words, " ".join(query_words)) if title_words else 0.0
    score = base + 2 * closeness + 2 * exactness
    if pasted:
        if share < PASTED_MIN_COVERAGE:
            return None
        score += 2 * share
    return score


def _hit(kind, obj, title, score, query_words):
    body = kind.describe(obj) if kind.describe else kind.plain(_body(kind, obj))
    return Hit(title, obj.get_absolute_url(), snippet(body, query_words), score)


def _postgres(kind, query, query_words, limit):
    from django.contrib.postgres.search import (  # PostgreSQL only; SQLite lacks these
        SearchQuery,
        SearchRank,
        SearchVector,
        TrigramWordSimilarity,
    )

    vector = SearchVector(*kind.title_fields, weight="A", config="english") + SearchVector(
        *kind.body_fields, weight="B", config="english"
    )
    terms = " | ".join(f"'{w}':*" if len(w) >= 3 else f"'{w}'" for w in query_words)
    ts_query = SearchQuery(terms, search_type="raw", config="english")
    title_expr = kind.title_fields[0]
    queryset = (
        kind.queryset()
        .annotate(
            rank=SearchRank(vector, ts_query, weights=[0.1, 0.2, 0.4, 1.0]),
            similarity=Coalesce(TrigramWordSimilarity(Value(query[:100]), title_expr), Value(0.0)),
        )
        .annotate(score=Greatest(F("rank"), F("similarity"), output_field=FloatField()))
        .filter(Q(rank__gt=0.01) | Q(similarity__gte=MIN_TRIGRAM_SIMILARITY))
        .order_by("-score", title_expr)[: limit * 4]
    )
    return [(obj, obj.score) for obj in queryset]


def _fallback(kind, query, query_words, limit):
    """SQLite: count matching words, titles weighted over bodies; close title matches count too."""
    condition = Q()
    for word in query_words:
        for field in kind.title_fields + kind.body_fields:
            condition |= Q(**{f"{field}__icontains": word})
    rows = list(kind.queryset().filter(condition)[:200])
    if not rows:
        rows = list(kind.queryset()[:500])
    found = []
    for obj in rows:
        title = " ".join(str(getattr(obj, f) or "") for f in kind.title_fields).lower()
        body = " ".join(str(getattr(obj, f) or "") for f in kind.body_fields).lower()
        # A word the title holds counts once, from the title: a long body that repeats the
        # query ("Llama 3.1 8B" in a quick answer) must not outrank the page it names.
        score = sum(1.0 if w in title else 0.3 if w in body else 0.0 for w in query_words)
        fuzzy = difflib.SequenceMatcher(None, query.lower(), str(obj).lower()).ratio()
        if score == 0 and fuzzy < 0.6:
            continue
        found.append((obj, max(score, fuzzy)))
    return found


# A query word this short matches only itself or its plural: "out" is not "output", "gpu" is
# "gpus". Longer words match the words they start ("quant" finds "quantization").
SHORT_WORD_CHARS = 3
PLURAL_ENDINGS = ("", "s", "es")


def _matches(word, token):
    """Whether a query word matches a whole word of the text (see SHORT_WORD_CHARS)."""
    token = token.lower()
    if len(word) > SHORT_WORD_CHARS:
        return token.startswith(word)
    if len(word) < SHORT_WORD_CHARS:
        return token == word
    return token[len(word) :] in PLURAL_ENDINGS and token.startswith(word)


def coverage(query_words, text):
    """Share of the query's words found as (the start of) whole words of the text."""
    tokens = {t.lower() for t in WORD.findall(text)} | {t.lower() for t in TOKEN.findall(text)}
    found = sum(1 for w in query_words if any(_matches(w, t) for t in tokens))
    return found / len(query_words)


def snippet(text, query_words, width=SNIPPET_CHARS):
    """About `width` characters of the text around its first match, starting and ending at a
    word, with matching whole words in <mark>; everything else escaped."""
    if not text:
        return ""
    at = next(
        (
            m.start()
            for m in TOKEN.finditer(text)
            if any(_matches(w, m.group()) for w in query_words)
        ),
        0,
    )
    start = max(0, at - SNIPPET_LEAD_CHARS)
    if start:
        space = text.find(" ", start, at)
        start = space + 1 if space >= 0 else at
    end = start + width
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > at else end
    else:
        end = len(text)
    pieces = TOKEN.split(text[start:end])
    html = "".join(
        f"<mark>{escape(piece)}</mark>"
        if index % 2 and any(_matches(w, piece) for w in query_words)
        else escape(piece)
        for index, piece in enumerate(pieces)
    )
    return mark_safe(("… " if start else "") + html + (" …" if end < len(text) else ""))


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
