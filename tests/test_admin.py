import pytest
from django.contrib import admin
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_every_registered_changelist_loads_for_an_editor(editor_client):
    for model in admin.site._registry:
        if model._meta.app_label not in {"catalog", "glossary", "editorial", "estimator"}:
            continue
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert editor_client.get(url).status_code == 200, url


def test_hardware_change_page_with_benchmark_inline(editor_client):
    from tests.factories import BenchmarkFactory

    bench = BenchmarkFactory(source_url="https://example.com/bench/inline-check")
    url = reverse("admin:catalog_hardware_change", args=[bench.hardware.pk])
    response = editor_client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Benchmarks" in html
    assert "https://example.com/bench/inline-check" in html  # its own row, in the inline


def test_editor_cannot_manage_users(editor_client):
    assert editor_client.get(reverse("admin:auth_user_changelist")).status_code == 403


def test_editors_group_has_content_but_not_user_permissions():
    from django.contrib.auth.models import Group

    codenames = set(
        Group.objects.get(name="Editors").permissions.values_list("codename", flat=True)
    )
    assert "change_hardware" in codenames
    assert "change_benchmark" in codenames
    assert "change_user" not in codenames
    assert "change_group" not in codenames
