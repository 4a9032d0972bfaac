"""Run commands name this model's own weights, or say that the catalog has none for a runtime.

A model page once offered `ollama run llama3.2` and a Gemma GGUF for Llama 3.1 8B, and Will it
run? passed the catalog slug to Ollama as if it were a library tag.
"""

import re
from html import unescape

import pytest

from estimator.commands import artefact
from estimator.specs import ModelSpec, QuantSpec
from tests.factories import HardwareFactory, ModelFactory, QuantFormatFactory

pytestmark = pytest.mark.django_db

Q4 = QuantSpec("Q4_K_M", "gguf", 4.8944)
BF16 = QuantSpec("BF16", "fp", 16)
MLX4 = QuantSpec("MLX 4-bit", "mlx", 4.5)
# Other models' artefacts that the generic runtime examples used to show on every model page.
OTHER_MODELS = ("llama3.2", "gemma-3-1b-it-GGUF", "Qwen2.5-1.5B-Instruct", "TinyLlama")
# Illustrative values for the tests, set on the model inside each test's transaction.
TAG, GGUF, MLX = "rc-model:8b", "example-org/RC-Model-8B-Instruct-GGUF", "example-org/rc-model-mlx"
HF_REPO = "example-org/RC-Model-8B-Instruct"


@pytest.fixture(autouse=True)
def rows():
    """The test's own 8B model (no tag or repos until a test records them) and a card."""
    return {
        "model": ModelFactory(slug="rc-8b", name="RC Model 8B Instruct", hf_repo=HF_REPO),
        "card": HardwareFactory(slug="rc-card"),
    }


def runtimes_section(client, slug):
    html = client.get(f"/models/{slug}/").content.decode()
    section = html.split('id="runtimes-h"', 1)[1].split("</section>", 1)[0]
    return unescape(section)


def with_artefacts(rows, **fields):
    model = rows["model"]
    for name, value in fields.items():
        setattr(model, name, value)
    model.save()
    return model


def test_each_runtime_loads_the_artefact_the_catalog_records_for_it():
    model = ModelSpec(
        params_b=8, slug="rc-8b", hf_repo=HF_REPO,
        ollama_tag=TAG, gguf_repo=GGUF, mlx_repo=MLX,
    )  # fmt: skip
    assert artefact(model, Q4, "ollama") == TAG
    assert artefact(model, Q4, "llama-cpp") == f"{GGUF}:Q4_K_M"
    assert artefact(model, Q4, "lm-studio") == GGUF
    assert artefact(model, MLX4, "mlx-lm") == MLX
    assert artefact(model, BF16, "vllm") == HF_REPO
    bare = ModelSpec(params_b=8, slug="rc-8b")
    assert [artefact(bare, Q4, runtime) for runtime in ("ollama", "llama-cpp", "lm-studio")] == [
        "",
        "",
        "",
    ]
    # Without a library tag, Ollama pulls the GGUF repository straight from Hugging Face.
    only_gguf = ModelSpec(params_b=8, slug="x", gguf_repo=GGUF)
    assert artefact(only_gguf, Q4, "ollama") == f"hf.co/{GGUF}:Q4_K_M"


def test_model_page_commands_use_this_models_tag_and_repos(client, rows):
    with_artefacts(rows, ollama_tag=TAG, gguf_repo=GGUF)
    section = runtimes_section(client, "rc-8b")
    assert f"ollama run {TAG}" in section
    assert f"llama-server -hf {GGUF}:Q4_K_M" in section
    assert f"lms get {GGUF}" in section
    assert f"vllm serve {HF_REPO}" in section
    for other in OTHER_MODELS:
        assert other not in section


def test_model_page_says_so_where_a_runtime_has_no_artefact(client, rows):
    with_artefacts(rows, ollama_tag="", gguf_repo="", mlx_repo="")
    section = runtimes_section(client, "rc-8b")
    unknown = re.search(r"No build of RC Model 8B Instruct for (.*?) is recorded", section)
    assert unknown, "the page does not say which runtimes lack a build"
    assert ">Ollama</a>" in unknown.group(1) and ">llama.cpp</a>" in unknown.group(1)
    assert "ollama run" not in section and "llama-server" not in section
    for other in OTHER_MODELS:
        assert other not in section


def test_will_it_run_never_passes_a_catalog_slug_to_ollama(client, rows):
    query = {"hardware": "rc-card", "model": "rc-8b", "quant": "Q4_K_M"}
    with_artefacts(rows, ollama_tag="", gguf_repo="")
    html = unescape(client.get("/will-it-run/", {**query, "runtime": "ollama"}).content.decode())
    commands = re.findall(r"<pre><code>(.*?)</code></pre>", html, re.S)
    assert commands, "no commands shown"
    assert not any("ollama run rc-8b" in line for line in commands)
    assert any(line.startswith("# No Ollama build of rc-8b") for line in commands)

    with_artefacts(rows, ollama_tag=TAG)
    html = unescape(client.get("/will-it-run/", {**query, "runtime": "ollama"}).content.decode())
    assert f"ollama run {TAG}" in html


def test_api_commands_name_the_gguf_repo_when_known(client, rows):
    with_artefacts(rows, gguf_repo=GGUF)
    query = {"hardware": "rc-card", "model": "rc-8b", "quant": "Q4_K_M"}
    answer = client.get("/api/v1/estimate", query).json()
    commands = answer["commands"]
    assert any(f"llama-server -hf {GGUF}:Q4_K_M" in line for line in commands)


def test_vllm_without_a_quant_serves_the_models_own_safetensors(client, rows):
    """vLLM's own format is Hugging Face safetensors (its GGUF loader is experimental): asked
    with no quant it picks the 16-bit weights and serves the model's repo, not a GGUF file
    it then says it has no build of."""
    QuantFormatFactory(name="Q8_0", bits_per_weight=8.5)
    QuantFormatFactory(name="BF16 (safetensors)", family="fp", bits_per_weight=16)
    card = HardwareFactory(slug="rc-big-card", memory_gb=48)
    body = client.get(
        f"/api/v1/estimate?hardware={card.slug}&model=rc-8b&runtime=vllm&context=4096"
    ).json()
    assert body["inputs"]["quant"] == "BF16 (safetensors)"
    assert body["commands"] == [f"vllm serve {HF_REPO} --max-model-len 4096"]
    page = client.get(f"/will-it-run/?hardware={card.slug}&model=rc-8b&runtime=vllm").content
    assert b"the largest native floating-point format that fits entirely" in page
