import datetime

import pytest

from editorial.models import PulseEntry

pytestmark = pytest.mark.django_db


def test_home_lists_the_newest_pulse_entries_first(client):
    newest = PulseEntry.objects.published().first()
    body = client.get("/").content.decode()
    assert "Latest in the Pulse" in body
    assert newest.title in body
    assert body.index(newest.title) < body.index("Popular hardware")


def test_home_shows_only_the_latest_three(client):
    entries = list(PulseEntry.objects.published())
    body = client.get("/").content.decode()
    shown = [entry for entry in entries if entry.get_absolute_url() in body]
    assert shown == entries[:3]


def test_home_leaves_out_a_draft_even_when_it_is_newer(client):
    PulseEntry.objects.create(
        slug="unpublished-scoop",
        title="An unpublished scoop",
        date=datetime.date(2026, 12, 31),
        kind=PulseEntry.Kind.MODEL,
        summary="Not ready.",
        status=PulseEntry.Status.DRAFT,
    )
    body = client.get("/").content.decode()
    assert "An unpublished scoop" not in body
