"""Hostile input gets a clear answer (400, 404 or an inline error), never a 500."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/pulse/10000/1/",
        "/pulse/99999999999999999999/1/",
        "/pulse/0/5/",
        "/pulse/2026/0/",
        "/pulse/2026/13/",
        "/newsletter/archive/99999999999999999999/1/",
        "/newsletter/archive/2026/99999999999999999999/",
        "/newsletter/archive/10000/1/",
        "/newsletter/archive/2026/0/",
    ],
)
def test_out_of_range_dates_in_urls_are_not_found(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
