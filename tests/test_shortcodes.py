import pytest

from catalog.models import Hardware
from editorial.shortcodes import MISSING, expand

pytestmark = pytest.mark.django_db


def test_hardware_and_model_values_come_from_the_catalog():
    text = (
        "{{hw:rtx-4090.name}} has {{hw:rtx-4090.memory_gb}} at {{hw:rtx-4090.bandwidth_gb_s}}; "
        "{{model:llama-3.1-8b.params_b}} params"
    )
    assert expand(text) == "GeForce RTX 4090 has 24 GB at 1,008 GB/s; 8.03B params"


def test_shortcode_updates_after_an_editor_changes_the_row():
    assert expand("{{hw:rtx-3090.memory_gb}}") == "24 GB"
    card = Hardware.objects.get(slug="rtx-3090")
    card.memory_gb = 48
    card.save()  # as an editor's save in admin: the content version moves on
    assert expand("{{hw:rtx-3090.memory_gb}}") == "48 GB"


def test_unknown_references_say_so_instead_of_failing():
    assert expand("{{hw:no-such-card.memory_gb}}") == MISSING
    assert expand("{{model:llama-3.1-8b.no_such_field}}") == MISSING


def test_estimator_shortcodes_render_verdict_and_labelled_speed():
    text = expand(
        "{{fit:rtx-4090@llama-3.1-8b@Q4_K_M}} / {{tps:rtx-4090@llama-3.1-8b@Q4_K_M}} / "
        "{{weights:llama-3.1-70b@Q4_K_M}} / {{kv:llama-3.1-8b@8192}}"
    )
    verdict, speed, weights, kv = text.split(" / ")
    assert verdict == "fits"
    assert "tok/s" in speed and ("estimated" in speed or "measured" in speed)
    assert weights.endswith(" GB") and 38 < float(weights.split()[0]) < 46
    # 2 (K and V) x 32 layers x 8 KV heads x 128 dims x 2 bytes x 8192 tokens = 1.07 GB
    assert kv == "1.07 GB"
