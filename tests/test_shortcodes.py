import pytest

from editorial.shortcodes import MISSING, expand
from estimator import bridge
from tests.factories import BenchmarkFactory, HardwareFactory, ModelFactory, QuantFormatFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows():
    card = HardwareFactory(slug="sc-card", name="Shortcode Card", memory_gb=24, bandwidth_gb_s=1008)
    model = ModelFactory(slug="sc-model", params_b=8.03, layers=32, kv_heads=8, head_dim=128)
    big = ModelFactory(slug="sc-big", params_b=70.6, layers=80)
    return card, model, big, QuantFormatFactory(name="Q4_K_M")


def test_hardware_and_model_values_come_from_the_catalog(rows):
    text = (
        "{{hw:sc-card.name}} has {{hw:sc-card.memory_gb}} at {{hw:sc-card.bandwidth_gb_s}}; "
        "{{model:sc-model.params_b}} params"
    )
    assert expand(text) == "Shortcode Card has 24 GB at 1,008 GB/s; 8.03B params"


def test_shortcode_updates_after_an_editor_changes_the_row(rows):
    card = rows[0]
    assert expand("{{hw:sc-card.memory_gb}}") == "24 GB"
    card.memory_gb = 48
    card.save()  # as an editor's save in admin: the content version moves on
    assert expand("{{hw:sc-card.memory_gb}}") == "48 GB"


def test_unknown_references_say_so_instead_of_failing(rows):
    assert expand("{{hw:no-such-card.memory_gb}}") == MISSING
    assert expand("{{model:sc-model.no_such_field}}") == MISSING


def test_estimator_shortcodes_render_verdict_and_labelled_speed(rows):
    text = expand(
        "{{fit:sc-card@sc-model@Q4_K_M}} / {{tps:sc-card@sc-model@Q4_K_M}} / "
        "{{weights:sc-big@Q4_K_M}} / {{kv:sc-model@8192}} / {{fit:sc-card@sc-big@Q4_K_M}}"
    )
    verdict, speed, weights, kv, too_big = text.split(" / ")
    assert verdict == "fits"
    # No measurement of this setup exists, so the speed is the engine's, labelled as such.
    assert speed.startswith("~") and speed.endswith(" tok/s (estimated)")
    assert weights.endswith(" GiB") and 35 < float(weights.split()[0]) < 43
    # 2 (K and V) x 32 layers x 8 KV heads x 128 dims x 2 bytes x 8192 tokens = 1 GiB
    assert kv == "1.00 GiB"
    assert too_big != "fits"  # 70B at Q4_K_M is ~40 GB, more than the card's 24 GB


def test_a_measured_speed_cites_its_source(rows):
    card, model, _big, quant = rows
    BenchmarkFactory(
        hardware=card, model=model, quant=quant, source_url="https://example.com/sc-run"
    )
    answer = bridge.answer(bridge.Question(model, quant, card))
    assert answer.decode.basis != "estimated"
    speed = expand("{{tps:sc-card@sc-model@Q4_K_M}}")
    assert f"{answer.decode.value:.0f} tok/s (" in speed
    assert speed.endswith(": https://example.com/sc-run)")
