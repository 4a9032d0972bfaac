"""Ready-to-copy command lines for the chosen runtime, with the offload and context flags.

Flags as documented by each project:
llama.cpp  https://github.com/ggml-org/llama.cpp/blob/master/tools/server/README.md
           (-m, -c, -ngl, -fa on|off|auto, --cache-type-k/-v, --cpu-moe, --n-cpu-moe, -sm row)
Ollama     https://github.com/ollama/ollama/blob/main/docs/faq.md (OLLAMA_CONTEXT_LENGTH,
           OLLAMA_FLASH_ATTENTION, OLLAMA_KV_CACHE_TYPE)
LM Studio  https://lmstudio.ai/docs/cli/load (--context-length, --gpu 0-1|max)
mlx-lm     https://github.com/ml-explore/mlx-lm (mlx_lm.generate --model --max-tokens --kv-bits)
vLLM       https://docs.vllm.ai/en/v0.8.5/serving/engine_args.html
ExLlamaV2  https://github.com/turboderp-org/exllamav2 (test_inference.py -m -gs -l -tp)
Hugging Face GGUF repos by name: llama.cpp -hf <user>/<repo>[:quant]
           (https://github.com/ggml-org/llama.cpp/blob/master/README.md), Ollama
           hf.co/<user>/<repo>:<quant> (https://huggingface.co/docs/hub/en/ollama), LM Studio
           lms get <user>/<repo> (https://lmstudio.ai/docs/cli/get).

Every command names this model's own weights, from the catalog (Ollama tag, GGUF repo, MLX
repo, original HF repo). Where the catalog knows none for a runtime, the line says so as a shell
comment instead of guessing a name: a catalog slug is not an Ollama tag or a repository.
"""

# Bits used by mlx-lm's quantized KV cache for each cache type.
MLX_KV_BITS = {"q8_0": 8, "q4_0": 4}
# llama.cpp reads -ngl larger than the layer count as "all layers, output layer included".
ALL_LAYERS = 999

RUNTIME_NAMES = {
    "llama-cpp": "llama.cpp",
    "ollama": "Ollama",
    "lm-studio": "LM Studio",
    "mlx-lm": "mlx-lm",
    "vllm": "vLLM",
    "exllamav2": "ExLlamaV2",
}


def artefact(model, quant, runtime: str, model_ref: str = "") -> str:
    """The name `runtime` loads this model's weights by, or "" when the catalog has none.

    model_ref, when given, is the exact artefact (a file or repo the caller knows) and wins."""
    if model_ref:
        return model_ref
    gguf = quant.family == "gguf"
    if runtime == "ollama":
        if model.ollama_tag:
            return model.ollama_tag
        return f"hf.co/{model.gguf_repo}:{quant.name}" if gguf and model.gguf_repo else ""
    if runtime in ("llama-cpp", "lm-studio"):
        if not (gguf and model.gguf_repo):
            return ""
        return f"{model.gguf_repo}:{quant.name}" if runtime == "llama-cpp" else model.gguf_repo
    if runtime == "mlx-lm":
        if quant.family == "mlx" and model.mlx_repo:
            return model.mlx_repo
        return model.hf_repo if quant.family == "fp" else ""
    if runtime == "vllm":
        return model.hf_repo if quant.family == "fp" else ""
    return ""


def missing_artefact_line(model, quant, runtime: str) -> str:
    """A shell comment saying the catalog has no artefact for this runtime and model."""
    name = RUNTIME_NAMES.get(runtime, runtime)
    what = model.slug or "this model"
    return (
        f"# No {name} build of {what} at {quant.name} is recorded in the catalog yet: "
        f"download its weights and point {name} at the file or folder."
    )


def run_example(model, runtime: str, gguf_quant, unquantized) -> str:
    """The plain command that starts `runtime` on this model's own weights, before any
    hardware flags; "" when the catalog knows no artefact of it for that runtime."""
    if runtime in ("llama-cpp", "ollama", "lm-studio"):
        ref = artefact(model, gguf_quant, runtime)
    elif runtime == "mlx-lm":
        ref = model.mlx_repo or artefact(model, unquantized, runtime)
    else:
        ref = artefact(model, unquantized, runtime)
    if not ref:
        return ""
    return {
        "llama-cpp": f"llama-server -hf {ref}",
        "ollama": f"ollama run {ref}",
        "lm-studio": f"lms get {ref}",
        "mlx-lm": f'mlx_lm.generate --model {ref} --prompt "Hello"',
        "vllm": f"vllm serve {ref}",
    }.get(runtime, "")


def _local_gguf(request) -> str:
    """A file name for this model's GGUF when no repository is known (the visitor downloads it)."""
    return f"{request.model.slug or 'model'}-{request.quant.name}.gguf"


def _llama_cpp(request, placement, kv_type: str) -> list[str]:
    repo = artefact(request.model, request.quant, "llama-cpp", request.model_ref)
    if repo.endswith(".gguf"):
        weights = ["-m", repo]
    elif repo:
        weights = ["-hf", repo]
    else:
        weights = ["-m", _local_gguf(request)]
    parts = ["llama-server", *weights, "-c", str(request.context_tokens)]
    if placement.mode == "layers":
        parts += ["-ngl", str(placement.gpu_layers)]
    elif placement.mode == "cpu":
        parts += ["-ngl", "0"]
    else:
        parts += ["-ngl", str(ALL_LAYERS)]
    if kv_type != "f16":
        parts += ["-fa", "on", "--cache-type-k", kv_type, "--cache-type-v", kv_type]
    if placement.mode == "experts" and placement.cpu_moe_layers >= placement.total_layers:
        parts.append("--cpu-moe")
    elif placement.mode == "experts":
        parts += ["--n-cpu-moe", str(placement.cpu_moe_layers)]
    if placement.split_mode == "tensor" and len(placement.gpu_shares) > 1:
        parts += ["--split-mode", "row"]
    note = [] if repo else [_no_repo_note(request)]
    return [" ".join(parts), *note]


def _no_repo_note(request) -> str:
    return (
        f"# No GGUF repository of {request.model.slug or 'this model'} is recorded in the "
        f"catalog yet: download its {request.quant.name} file as {_local_gguf(request)}."
    )


def _ollama(request, kv_type: str) -> list[str]:
    env = [f"OLLAMA_CONTEXT_LENGTH={request.context_tokens}"]
    if kv_type != "f16":
        env += ["OLLAMA_FLASH_ATTENTION=1", f"OLLAMA_KV_CACHE_TYPE={kv_type}"]
    tag = artefact(request.model, request.quant, "ollama", request.model_ref)
    run = (
        f"ollama run {tag}"
        if tag
        else missing_artefact_line(request.model, request.quant, "ollama")
    )
    return [" ".join([*env, "ollama", "serve"]), run]


def _lm_studio(request, placement) -> list[str]:
    repo = artefact(request.model, request.quant, "lm-studio", request.model_ref)
    if not repo:
        return [missing_artefact_line(request.model, request.quant, "lm-studio")]
    gpu = "max"
    if placement.mode == "layers":
        gpu = f"{placement.gpu_layers / placement.total_layers:.2f}"
    elif placement.mode == "cpu":
        gpu = "off"
    return [
        f"lms get {repo}",
        f"lms load {repo} --context-length {request.context_tokens} --gpu {gpu}",
    ]


def _mlx_lm(request, kv_type: str) -> list[str]:
    repo = artefact(request.model, request.quant, "mlx-lm", request.model_ref)
    if not repo:
        return [missing_artefact_line(request.model, request.quant, "mlx-lm")]
    max_tokens = max(request.context_tokens - request.prompt_tokens, 1)
    line = f'mlx_lm.generate --model {repo} --prompt "Hello" --max-tokens {max_tokens}'
    if kv_type in MLX_KV_BITS:
        line += f" --kv-bits {MLX_KV_BITS[kv_type]}"
    return [line]


def _vllm(request, placement, kv_type: str) -> list[str]:
    repo = artefact(request.model, request.quant, "vllm", request.model_ref)
    if not repo:
        return [missing_artefact_line(request.model, request.quant, "vllm")]
    line = f"vllm serve {repo} --max-model-len {request.context_tokens}"
    gpus = len(placement.gpu_shares)
    if gpus > 1 and placement.split_mode == "tensor":
        line += f" --tensor-parallel-size {gpus}"
    elif gpus > 1:
        line += f" --pipeline-parallel-size {gpus}"
    if kv_type == "q8_0":
        line += " --kv-cache-dtype fp8"
    return [line]


def _exllamav2(request, placement) -> list[str]:
    repo = artefact(request.model, request.quant, "exllamav2", request.model_ref)
    if not repo:
        return [missing_artefact_line(request.model, request.quant, "exllamav2")]
    line = f"python test_inference.py -m {repo} -l {request.context_tokens}"
    if len(placement.gpu_shares) > 1:
        line += " -tp" if placement.split_mode == "tensor" else " -gs auto"
    return [line + ' -p "Hello"']


def command_lines(request, placement, kv_type: str, wired_limit_mb: int | None) -> tuple[str, ...]:
    """Commands that run this request as estimated (the wired-limit raise first, on a Mac)."""
    lines = [f"sudo sysctl iogpu.wired_limit_mb={wired_limit_mb}"] if wired_limit_mb else []
    if placement is None:
        return tuple(lines)
    runtime = request.runtime
    if runtime == "llama-cpp":
        lines += _llama_cpp(request, placement, kv_type)
    elif runtime == "ollama":
        lines += _ollama(request, kv_type)
    elif runtime == "lm-studio":
        lines += _lm_studio(request, placement)
    elif runtime == "mlx-lm":
        lines += _mlx_lm(request, kv_type)
    elif runtime == "vllm":
        lines += _vllm(request, placement, kv_type)
    elif runtime == "exllamav2":
        lines += _exllamav2(request, placement)
    return tuple(lines)
