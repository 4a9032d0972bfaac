"""The engine's options through the API, the form and the CLI; raw specs that borrow only shape."""

import json

import pytest
from django.core.management import call_command

from tests.factories import HardwareFactory, ModelFactory, cpu, large_model, mac, moe_model

pytestmark = pytest.mark.django_db

PAIR = {"hardware": "opt-card", "model": "opt-8b", "quant": "Q4_K_M", "context": "8192"}


@pytest.fixture(autouse=True)
def rows():
    """The test's own hardware and models: two 24 GB CUDA cards (the first also runs Vulkan),
    an 80 GB data-centre card, a Mac sold in 16/48/64 GB, a CPU, and 8B, 70B and MoE models."""
    return {
        "card": HardwareFactory(slug="opt-card", name="Opt Card", backends=["cuda", "vulkan"]),
        "card_b": HardwareFactory(slug="opt-card-b", name="Opt Card B"),
        "big": HardwareFactory(
            slug="opt-dc", kind="datacenter_gpu", memory_gb=80, bandwidth_gb_s=3350
        ),
        "mac": mac(slug="opt-mac", name="Opt Mac"),
        "cpu": cpu(slug="opt-cpu", name="Opt CPU"),
        "8b": ModelFactory(slug="opt-8b"),
        "70b": large_model(slug="opt-70b"),
        "moe": moe_model(slug="opt-moe"),
    }


def api(client, **changes):
    return client.get("/api/v1/estimate", {**PAIR, **changes})


def ok(client, **changes):
    response = api(client, **changes)
    assert response.status_code == 200, response.content
    return response.json()


def refused(client, field, message, **changes):
    """The API answers 400 on `field`, and the page shows the same message inline."""
    response = api(client, **changes)
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["field"] == field and message in body["error"], body
    page = client.get("/will-it-run/", {**PAIR, **changes})
    assert page.status_code == 400 and message in page.content.decode()


def test_backend_is_chosen_or_refused(client):
    assert ok(client)["inputs"]["backend"] == "cuda"
    vulkan = ok(client, backend="vulkan")
    assert vulkan["inputs"]["backend"] == "vulkan"
    refused(client, "backend", "has no Metal backend", backend="metal")


def test_split_mode_needs_two_gpus_and_a_runtime_that_splits(client):
    refused(client, "split_mode", "needs at least two GPUs", split_mode="tensor")
    two = ok(client, split_mode="tensor", gpu_count="2", model="opt-70b")
    assert two["inputs"]["split_mode"] == "tensor" and two["inputs"]["gpu_count"] == 2
    refused(
        client,
        "split_mode",
        "Ollama has no tensor split",
        split_mode="tensor",
        gpu_count="2",
        runtime="ollama",
    )


def test_offload_mode_is_checked_against_the_model(client):
    refused(client, "offload", "Only a mixture-of-experts model", offload="experts")
    moe = ok(
        client,
        model="opt-moe",
        quant="Q4_K_M",
        offload="experts",
        system_ram_gb="64",
        context="4096",
    )
    assert moe["inputs"]["offload"] == "experts"
    none = ok(client, model="opt-70b", offload="none", context="4096")
    assert none["verdict"] == "does_not_fit"


def test_mixed_gpus_add_their_memory(client):
    single = ok(client, model="opt-70b", context="4096")
    mixed = ok(client, model="opt-70b", context="4096", gpus="opt-card:1,opt-card-b:1")
    assert [g["hardware"] for g in mixed["inputs"]["gpus"]] == ["opt-card", "opt-card-b"]
    assert mixed["memory"]["usable_gb"] > single["memory"]["usable_gb"] * 1.8
    refused(client, "gpus", "We have no hardware called", gpus="opt-card:1,no-such-card:1")
    refused(client, "gpus", "Only discrete or data-centre GPUs", gpus="opt-card:1,opt-mac:1")
    refused(client, "gpus", "At most 8 GPUs", gpus="opt-card:4,opt-card-b:5")


def test_prompt_tokens_drive_time_to_first_token(client):
    short = ok(client, prompt_tokens="256")
    long = ok(client, prompt_tokens="4096")
    assert short["inputs"]["prompt_tokens"] == 256 and long["inputs"]["prompt_tokens"] == 4096
    page = client.get("/will-it-run/", {**PAIR, "prompt_tokens": "4096"}).content.decode()
    assert "Time to first token (4096-token prompt)" in page
    refused(client, "prompt_tokens", "exceed the 8,192-token context", prompt_tokens="9000")


def test_depth_is_passed_and_bounded_by_the_context(client):
    deep = ok(client, depth="4096")
    assert deep["inputs"]["depth"] == 4096
    refused(client, "depth", "exceed the 8,192-token context", depth="8000", prompt_tokens="512")
    refused(client, "depth", "greater than or equal to 0", depth="-1")


@pytest.mark.parametrize(
    "written,slug",
    [
        ("llama.cpp", "llama-cpp"),
        ("LM Studio", "lm-studio"),
        ("OLLAMA", "ollama"),
        ("llama-cpp", "llama-cpp"),
        ("ExLlamaV2", "exllamav2"),
    ],
)
def test_runtime_accepts_the_names_people_write(client, written, slug):
    quant = "EXL2 4.0 bpw" if slug == "exllamav2" else "Q4_K_M"
    assert ok(client, runtime=written, quant=quant)["inputs"]["runtime"] == slug


def test_unknown_runtime_is_a_clear_400(client):
    response = api(client, runtime="kobold-magic")
    assert response.status_code == 400 and response.json()["field"] == "runtime"


def test_raw_model_does_not_borrow_limits_or_attention_layout(client):
    raw = {
        "hardware": "opt-dc",
        "params_b": "27",
        "bits_per_weight": "4.9",
    }
    at_4k = ok(client, **raw, context="4096", model="", quant="")
    at_32k = ok(client, **raw, context="32768", model="", quant="")
    assert at_32k["verdict"] == "fits"  # 27B at 4.9 bits and a 32k cache in 80 GB
    assert "supports at most" not in json.dumps(at_32k)
    # Full attention on every layer: the KV cache grows with the whole context, no window.
    ratio = at_32k["memory"]["kv_cache_gb"] / at_4k["memory"]["kv_cache_gb"]
    assert ratio == pytest.approx(8, rel=0.02)
    assumed = " ".join(at_32k["assumed"])
    for name in ("layers", "kv_heads", "head_dim"):
        assert f"{name} from " in assumed
    assert "max_context" not in assumed and "sliding" not in assumed
    assert "active_params_b = params_b" in assumed


def test_raw_model_uses_a_sliding_window_when_asked(client):
    raw = {"hardware": "opt-dc", "params_b": "27", "bits_per_weight": "4.9", "model": ""}
    full = ok(client, **raw, context="32768", quant="")
    windowed = ok(client, **raw, context="32768", quant="", sliding_window="4096")
    assert windowed["memory"]["kv_cache_gb"] < full["memory"]["kv_cache_gb"]


def test_raw_cpu_hardware_reads_at_the_bandwidth_given(client):
    cpu = {"hardware": "", "hardware_kind": "cpu", "memory_gb": "", "system_ram_gb": "64"}
    slow = ok(client, **cpu, bandwidth_gb_s="50")
    fast = ok(client, **cpu, bandwidth_gb_s="100")
    assert slow["inputs"]["bandwidth_gb_s"] == 50
    assert fast["decode_tok_s"]["value"] / slow["decode_tok_s"]["value"] == pytest.approx(
        2, rel=0.15
    )


def test_catalog_cpu_with_a_raw_bandwidth_uses_it(client):
    base = {"hardware": "opt-cpu", "system_ram_gb": "64"}
    catalog = ok(client, **base)
    halved = ok(client, **base, bandwidth_gb_s=str(catalog["inputs"]["bandwidth_gb_s"] / 2))
    ratio = catalog["decode_tok_s"]["value"] / halved["decode_tok_s"]["value"]
    assert ratio == pytest.approx(2, rel=0.15)


def test_unified_memory_has_no_separate_system_ram(client):
    mac = {**PAIR, "hardware": "opt-mac-48gb", "system_ram_gb": "96"}
    response = client.get("/api/v1/estimate", mac)
    assert response.status_code == 400
    assert response.json()["field"] == "system_ram_gb"
    assert "unified memory" in response.json()["error"]
    page = client.get("/will-it-run/", mac)
    html = page.content.decode()
    assert page.status_code == 200 and "unified memory" in html and "was ignored" in html
    assert "data-ram-field hidden" in html
    without = client.get("/api/v1/estimate", {**PAIR, "hardware": "opt-mac-48gb"})
    assert without.json()["inputs"]["system_ram_gb"] == 48


def test_every_apple_memory_configuration_is_an_option(client):
    from catalog.models import Hardware

    html = client.get("/will-it-run/").content.decode()
    apple = Hardware.objects.filter(kind="apple_silicon")
    for hw in apple:
        for value, _gb in hw.memory_variants:
            assert f'<option value="{value}" data-unified="1"' in html, value
    assert '<option value="opt-mac-16gb" data-unified="1"' in html
    answer = client.get("/will-it-run/", {**PAIR, "hardware": "opt-mac-16gb"})
    assert answer.status_code == 200
    assert 'value="opt-mac-16gb" data-unified="1" selected' in answer.content.decode()


def test_advanced_fields_fold_unless_set_or_wrong(client):
    plain = client.get("/will-it-run/", PAIR).content.decode()
    assert '<details class="wir-advanced">' in plain
    set_one = client.get("/will-it-run/", {**PAIR, "gpu_count": "2"}).content.decode()
    assert '<details class="wir-advanced" open>' in set_one
    wrong = client.get("/will-it-run/", {**PAIR, "depth": "-5"}).content.decode()
    assert '<details class="wir-advanced" open>' in wrong
    defaults = {**PAIR, "kv_cache_type": "f16", "system_ram_gb": "32", "gpu_count": "1"}
    assert (
        '<details class="wir-advanced">' in client.get("/will-it-run/", defaults).content.decode()
    )


def test_cli_takes_the_same_options(capsys):
    call_command(
        "estimate",
        "--hardware",
        "opt-card",
        "--model",
        "opt-70b",
        "--quant",
        "Q4_K_M",
        "--gpus",
        "opt-card:1,opt-card-b:1",
        "--runtime",
        "llama.cpp",
        "--prompt-tokens",
        "2048",
        "--json",
    )
    body = json.loads(capsys.readouterr().out)
    assert body["inputs"]["runtime"] == "llama-cpp" and body["inputs"]["prompt_tokens"] == 2048
    assert len(body["inputs"]["gpus"]) == 2
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="needs at least two GPUs"):
        call_command(
            "estimate",
            "--hardware",
            "opt-card",
            "--model",
            "opt-8b",
            "--split-mode",
            "tensor",
        )
