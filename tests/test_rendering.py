import pytest

from editorial.rendering import render_markdown

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">click</a>',
    '<svg onload="alert(1)"></svg>',
    '<iframe src="https://evil.example"></iframe>',
    '<p style="background:url(javascript:alert(1))">x</p>',
    "[link](javascript:alert(1))",
    '<a href="https://example.com" onclick="alert(1)">x</a>',
    "<body onload=alert(1)>",
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
]


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_sanitiser_strips_scripts_handlers_and_javascript_urls(payload):
    html = render_markdown(f"Text before.\n\n{payload}\n\nText after.").html.lower()
    assert "<script" not in html
    assert "onerror" not in html and "onload" not in html and "onclick" not in html
    assert "javascript:" not in html
    assert "<iframe" not in html and "style=" not in html


def test_markdown_renders_code_tables_and_headings_with_toc():
    rendered = render_markdown(
        "## Install\n\n```bash\nollama run llama3.2\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |"
    )
    assert "<pre><code" in rendered.html
    assert "<table>" in rendered.html
    assert rendered.toc == [{"id": "install", "name": "Install"}]


def test_external_links_get_noopener_and_affiliate_links_sponsored():
    html = render_markdown(
        "[docs](https://github.com/ggml-org/llama.cpp) [buy](/go/12/) [local](/glossary/vram/)"
    ).html
    assert 'href="https://github.com/ggml-org/llama.cpp" rel="noopener"' in html
    assert 'href="/go/12/" rel="sponsored nofollow"' in html
    assert '<a href="/glossary/vram/">' in html
