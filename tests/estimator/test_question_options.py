"""The question's engine options (backend, prompt length, depth, offload, split mode, mixed
GPUs) reach the engine, and impossible combinations are refused with a message."""

import pytest

from catalog.models import Hardware, Model, QuantFormat
from estimator import bridge
from estimator.compatibility import option_conflicts, usual_backend
from tests.factories import (
    BenchmarkFactory,
    HardwareFactory,
    ModelFactory,
    large_model,
    mac,
    moe_model,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def rows():
    """The test's own two 24 GB CUDA cards, a Mac, and 8B, 70B and mixture-of-experts models."""
    return {
        "card": HardwareFactory(slug="qo-card"),
        "card_b": HardwareFactory(slug="qo-card-b"),
        "mac": mac(slug="qo-mac"),
        "8b": ModelFactory(slug="qo-8b"),
        "70b": large_model(slug="qo-70b"),
        "moe": moe_model(slug="qo-moe"),
    }


@pytest.fixture
def q4():
    return QuantFormat.objects.get(name="Q4_K_M")


def _question(hardware="qo-card", model="qo-8b", quant=None, **options):
    quant = quant or QuantFormat.objects.get(name="Q4_K_M")
    return bridge.Question(
        Model.objects.get(slug=model), quant, Hardware.objects.get(slug=hardware), **options
    )


def test_backend_defaults_to_the_usual_one_for_the_runtime():
    assert usual_backend(("vulkan", "rocm"), "llama-cpp") == "vulkan"
    # vLLM has no Vulkan backend: on a card that also runs ROCm it uses ROCm.
    assert usual_backend(("vulkan", "rocm"), "vllm") == "rocm"
    question = _question()
    assert question.resolved_backend == "cuda"
    assert question.request().hardware.backend == "cuda"


def test_a_backend_the_hardware_lacks_is_refused_with_its_backends():
    with pytest.raises(ValueError, match="has no Metal backend; it runs CUDA"):
        _question(backend="metal")


def test_a_chosen_backend_reaches_the_engine_and_the_api_inputs(rows):
    hardware, model = rows["card"], rows["8b"]
    hardware.backends = ["cuda", "vulkan"]
    hardware.save()
    quant = QuantFormat.objects.get(name="Q4_K_M")
    BenchmarkFactory(hardware=hardware, model=model, quant=quant, backend="cuda")
    assert bridge.answer(bridge.Question(model, quant, hardware)).decode.basis == "measured"
    question = bridge.Question(model, quant, hardware, backend="vulkan")
    answer = bridge.answer(question)
    assert answer.request.hardware.backend == "vulkan"
    assert answer.as_dict()["inputs"]["backend"] == "vulkan"
    assert "backend=vulkan" in question.query
    # A measurement taken on CUDA does not describe a Vulkan run.
    assert answer.decode.basis == "estimated"


def test_prompt_tokens_set_time_to_first_token():
    short = bridge.answer(_question(prompt_tokens=128))
    long = bridge.answer(_question(prompt_tokens=4000))
    assert short.request.prompt_tokens == 128
    assert long.request.prompt_tokens == 4000
    assert long.estimate.time_to_first_token_s.expected > (
        short.estimate.time_to_first_token_s.expected * 10
    )
    assert "prompt_tokens=4000" in _question(prompt_tokens=4000).query


def test_default_prompt_stays_within_a_short_context():
    question = _question(context=256)
    assert question.request().prompt_tokens == 256


def test_depth_slows_decode_and_must_leave_room_for_the_prompt():
    fresh = bridge.answer(_question(context=32768, prompt_tokens=512))
    deep = bridge.answer(_question(context=32768, prompt_tokens=512, depth=30000))
    assert deep.request.depth == 30000
    assert deep.estimate.decode_tok_s.expected < fresh.estimate.decode_tok_s.expected
    assert deep.estimate.prefill_tok_s.expected < fresh.estimate.prefill_tok_s.expected
    with pytest.raises(ValueError, match="exceed the 4,096-token context"):
        _question(context=4096, prompt_tokens=512, depth=4000)


def test_offload_and_split_mode_reach_the_engine():
    request = _question(model="qo-moe", offload="experts").request()
    assert request.offload == "experts"
    request = _question(gpu_count=2, split_mode="tensor").request()
    assert request.split_mode == "tensor"


def test_impossible_offload_and_split_combinations_are_refused():
    with pytest.raises(ValueError, match="Only a mixture-of-experts model"):
        _question(offload="experts")
    with pytest.raises(ValueError, match="tensor split needs at least two GPUs"):
        _question(split_mode="tensor")
    with pytest.raises(ValueError, match="Ollama has no tensor split"):
        _question(gpu_count=2, split_mode="tensor", runtime="ollama")
    with pytest.raises(ValueError, match="vLLM keeps every layer on the GPU"):
        _question(
            offload="layers",
            runtime="vllm",
            quant=QuantFormat.objects.get(name="BF16 (safetensors)"),
        )


def test_conflicts_name_the_field_to_change():
    found = option_conflicts(runtime="llama-cpp", offload="sideways", split_mode="diagonal")
    assert {c.field for c in found} == {"offload", "split_mode"}


def test_mixed_gpus_place_layers_on_both_cards(rows):
    question = _question(model="qo-70b", other_gpus=((rows["card_b"], 1),))
    answer = bridge.answer(question)
    cards = answer.request.hardware.cards()
    assert [card.name for card in cards] == ["qo-card", "qo-card-b"]
    # 70B at Q4_K_M (~42 GB) fits 24 + 24 GB; alone on one card it would not.
    assert answer.verdict == "fits"
    assert bridge.answer(_question(model="qo-70b")).verdict != "fits"
    assert "gpus=qo-card%3A1%2Cqo-card-b%3A1" in question.query
    assert answer.as_dict()["inputs"]["gpus"] == [
        {"hardware": "qo-card", "count": 1},
        {"hardware": "qo-card-b", "count": 1},
    ]
    assert answer.decode.basis == "estimated"


def test_a_mac_cannot_take_a_second_gpu(rows):
    with pytest.raises(ValueError, match="Only discrete or data-centre GPUs"):
        bridge.Question(
            rows["8b"],
            QuantFormat.objects.get(name="Q4_K_M"),
            rows["mac"],
            other_gpus=((rows["card_b"], 1),),
        )
