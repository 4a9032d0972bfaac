import pytest
from django.core.management import call_command


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test starts from the real seeded catalog (rolled back after each test)."""
    with django_db_blocker.unblock():
        call_command("seed", verbosity=0)
        call_command("calibrate", verbosity=0)


@pytest.fixture
def editor_user(django_user_model):
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user(
        "editor", "editor@example.com", "a-long-editor-password", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def editor_client(client, editor_user):
    client.force_login(editor_user)
    return client


@pytest.fixture(autouse=True)
def fresh_cache():
    """Rolled-back test data must not leave cached pages or rate-limit counters behind."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
