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
"""

# Bits used by mlx-lm's quantized KV cache for each cache type.
MLX_KV_BITS = {"q8_0": 8, "q4_0": 4}
# llama.cpp reads -ngl larger than the layer count as "all layers, output layer included".
ALL_LAYERS = 999


def _model_file(request) -> str:
    if request.model_ref:
        return request.model_ref
    return f"{request.model.slug or 'model'}-{request.quant.name}.gguf"


def _model_name(request) -> str:
    """The checkpoint to load: the original repository for unquantized weights, else a local
    folder named after model and quant (pass model_ref when the exact repository is known)."""
    if request.model_ref:
        return request.model_ref
    if request.quant.family == "fp" and request.model.hf_repo:
        return request.model.hf_repo
    quant = request.quant.name.lower().replace(" ", "-").replace("(", "").replace(")", "")
    return f"./{request.model.slug or 'model'}-{quant}"


def _llama_cpp(request, placement, kv_type: str) -> str:
    parts = ["llama-server", "-m", _model_file(request), "-c", str(request.context_tokens)]
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
    return " ".join(parts)


def _ollama(request, kv_type: str) -> list[str]:
    env = [f"OLLAMA_CONTEXT_LENGTH={request.context_tokens}"]
    if kv_type != "f16":
        env += ["OLLAMA_FLASH_ATTENTION=1", f"OLLAMA_KV_CACHE_TYPE={kv_type}"]
    return [
        " ".join([*env, "ollama", "serve"]),
        f"ollama run {request.model_ref or request.model.slug}",
    ]


def _lm_studio(request, placement) -> str:
    gpu = "max"
    if placement.mode == "layers":
        gpu = f"{placement.gpu_layers / placement.total_layers:.2f}"
    elif placement.mode == "cpu":
        gpu = "off"
    name = request.model_ref or request.model.slug
    return f"lms load {name} --context-length {request.context_tokens} --gpu {gpu}"


def _mlx_lm(request, kv_type: str) -> str:
    max_tokens = max(request.context_tokens - request.prompt_tokens, 1)
    line = (
        f'mlx_lm.generate --model {_model_name(request)} --prompt "Hello" --max-tokens {max_tokens}'
    )
    if kv_type in MLX_KV_BITS:
        line += f" --kv-bits {MLX_KV_BITS[kv_type]}"
    return line


def _vllm(request, placement, kv_type: str) -> str:
    line = f"vllm serve {_model_name(request)} --max-model-len {request.context_tokens}"
    gpus = len(placement.gpu_shares)
    if gpus > 1 and placement.split_mode == "tensor":
        line += f" --tensor-parallel-size {gpus}"
    elif gpus > 1:
        line += f" --pipeline-parallel-size {gpus}"
    if kv_type == "q8_0":
        line += " --kv-cache-dtype fp8"
    return line


def _exllamav2(request, placement) -> str:
    line = f"python test_inference.py -m {_model_name(request)} -l {request.context_tokens}"
    if len(placement.gpu_shares) > 1:
        line += " -tp" if placement.split_mode == "tensor" else " -gs auto"
    return line + ' -p "Hello"'


def command_lines(request, placement, kv_type: str, wired_limit_mb: int | None) -> tuple[str, ...]:
    """Commands that run this request as estimated (the wired-limit raise first, on a Mac)."""
    lines = [f"sudo sysctl iogpu.wired_limit_mb={wired_limit_mb}"] if wired_limit_mb else []
    if placement is None:
        return tuple(lines)
    runtime = request.runtime
    if runtime == "llama-cpp":
        lines.append(_llama_cpp(request, placement, kv_type))
    elif runtime == "ollama":
        lines += _ollama(request, kv_type)
    elif runtime == "lm-studio":
        lines.append(_lm_studio(request, placement))
    elif runtime == "mlx-lm":
        lines.append(_mlx_lm(request, kv_type))
    elif runtime == "vllm":
        lines.append(_vllm(request, placement, kv_type))
    elif runtime == "exllamav2":
        lines.append(_exllamav2(request, placement))
    return tuple(lines)
