import pytest

from editorial.models import ContactMessage
from tests import content_factories as make

pytestmark = pytest.mark.django_db


def test_term_page_sections_in_order_with_breadcrumb_and_reviewer(client):
    make.term(slug="kv-test", name="KV test", abbreviation="KVT", category="Inference")
    html = client.get("/glossary/kv-test/").content.decode()
    order = ["Definition", "Deeper dive", "Practical example", "Workflow example"]
    positions = [html.index(f">{heading}</h2>") for heading in order]
    assert positions == sorted(positions)
    assert '<a href="/glossary/">Glossary</a>' in html
    assert 'Inference</a></li><li aria-current="page">KV test (KVT)' in html
    assert 'Reviewed by <a href="/author/test-desk/">Test Desk</a>' in html
    assert "editorial policy" in html


def test_glossary_index_filters_by_category_and_text(client):
    make.term(slug="alpha-term", name="Alpha term", category="Hardware")
    make.term(slug="beta-term", name="Beta term", category="Inference")
    html = client.get("/glossary/", {"category": "Hardware"}).content.decode()
    assert "Alpha term" in html and "Beta term" not in html
    html = client.get("/glossary/", {"q": "beta"}).content.decode()
    assert "Beta term" in html and "Alpha term" not in html


def test_glossary_instant_filter_returns_only_the_partial(client):
    make.term(slug="alpha-term", name="Alpha term")
    response = client.get(
        "/glossary/", {"q": "alpha"}, headers={"HX-Request": "true", "HX-Target": "term-results"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="term-results"')
    assert "<header" not in html and "Alpha term" in html


def test_bad_glossary_category_is_ignored_with_a_note(client):
    response = client.get("/glossary/", {"category": "Nonsense"})
    assert response.status_code == 200
    assert "Unknown category" in response.content.decode()


@pytest.mark.parametrize(
    "build,list_url",
    [
        (lambda: make.term(slug="draft-term", name="Draft term", status="draft"), "/glossary/"),
        (lambda: make.error(slug="draft-error", title="Draft error", status="draft"), "/errors/"),
        (
            lambda: make.article(slug="draft-article", title="Draft article", status="draft"),
            "/learn/",
        ),
        (lambda: make.pulse(slug="draft-pulse", title="Draft release", status="draft"), "/pulse/"),
        (
            lambda: make.quick_answer(
                slug="draft-answer", question="Draft question?", status="draft"
            ),
            "/quick-answers/",
        ),
    ],
)
def test_drafts_are_hidden_from_lists_and_detail(client, build, list_url):
    item = build()
    assert client.get(item.get_absolute_url()).status_code == 404
    assert str(item) not in client.get(list_url).content.decode()


def test_error_page_shows_message_causes_and_numbered_fixes(client):
    make.error(fixes=["Lower the layers: `-ngl 20`.", "Restart."])
    html = client.get("/errors/test-error/").content.decode()
    assert "ggml_test: failed to frobnicate the tensor buffer" in html
    steps = "<li><p>Lower the layers: <code>-ngl 20</code>.</p></li><li><p>Restart.</p></li>"
    assert f'<ol class="prose">{steps}</ol>' in html


def test_error_index_filters_by_os_and_ignores_unknown_values(client):
    make.error(slug="linux-only", title="Linux only error", operating_systems=["linux"])
    make.error(slug="mac-only", title="Mac only error", operating_systems=["macos"])
    html = client.get("/errors/", {"os": "macos"}).content.decode()
    assert "Mac only error" in html and "Linux only error" not in html
    html = client.get("/errors/", {"os": "beos", "runtime": "nope"}).content.decode()
    assert "Unknown operating system" in html and "Unknown runtime" in html


def test_error_page_names_operating_systems_as_people_write_them(client):
    make.error(slug="two-os", operating_systems=["windows", "macos"])
    html = client.get("/errors/two-os/").content.decode()
    assert "on macOS, Windows." in html


def test_learn_article_has_toc_and_reading_time(client):
    make.article()
    html = client.get("/learn/test-article/").content.decode()
    assert '<a href="#one">One</a>' in html and '<a href="#two">Two</a>' in html
    assert "1 min read" in html


def test_stale_review_shows_out_of_date_note(client):
    import datetime

    make.article(reviewed_on=datetime.date(2020, 1, 1))
    assert "may be out of date" in client.get("/learn/test-article/").content.decode()


def test_pulse_month_archive(client):
    make.pulse(slug="aug", title="August thing")
    make.pulse(slug="sep", title="September thing", date=__import__("datetime").date(2025, 9, 1))
    html = client.get("/pulse/2025/8/").content.decode()
    assert "August thing" in html and "September thing" not in html
    assert client.get("/pulse/1999/1/").status_code == 404


def test_contact_form_stores_a_message(client):
    response = client.post(
        "/contact/",
        {
            "name": "Ada",
            "email": "ada@example.com",
            "subject": "Spec",
            "message": "The 4090 TDP is wrong.",
        },
    )
    assert response.status_code == 200
    assert "your message has reached the editors" in response.content.decode()
    assert ContactMessage.objects.get().subject == "Spec"


def test_contact_form_rejects_bad_input_inline(client):
    response = client.post(
        "/contact/", {"name": "", "email": "not-an-email", "subject": "x", "message": "hi"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Enter a valid email address." in html
    assert not ContactMessage.objects.exists()


def test_contact_form_honeypot_stores_nothing(client):
    response = client.post(
        "/contact/",
        {
            "name": "Bot",
            "email": "bot@example.com",
            "subject": "Buy",
            "message": "Cheap things here",
            "website": "spam.example",
        },
    )
    assert response.status_code == 200
    assert not ContactMessage.objects.exists()


def test_contact_form_rate_limit(client):
    from django.core.cache import cache

    cache.clear()
    data = {
        "name": "Ada",
        "email": "ada@example.com",
        "subject": "Spec",
        "message": "A long enough message.",
    }
    statuses = [client.post("/contact/", data).status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]
    assert ContactMessage.objects.count() == 5
    assert "try again later" in client.post("/contact/", data).content.decode()
