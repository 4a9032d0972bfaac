"""Every physical and runtime constant the estimator uses, each with where it comes from.

Speed *efficiencies* are not here: they are fitted from measurements (see calibration.py).
The only speed numbers below are priors, used when no measurement covers a case, and they
are labelled as such wherever an estimate relies on them.
"""

from dataclasses import dataclass
from types import MappingProxyType

# --- Units -------------------------------------------------------------------------------

BYTES_PER_GB = 1e9  # GB = 10^9 bytes: the unit of every *_gb output (project convention)
BYTES_PER_GIB = 2**30

# Vendors sell memory in binary capacities: GDDR/HBM/LPDDR/DDR dies come in power-of-two
# densities (JEDEC JESD250 GDDR6: 8/16 Gb), so a "24 GB" RTX 3090 holds 24 GiB: CUDA reports
# "VRAM: 24575 MiB" for it (llama.cpp ggml_cuda_init log), and a "16 GB" Mac reports
# recommendedMaxWorkingSetSize = 10922.67 MB = 2/3 of 16384 MiB
# (https://github.com/abetlen/llama-cpp-python/issues/687). A marketed memory_gb is read as GiB.
MARKETED_MEMORY_BYTES_PER_GB = BYTES_PER_GIB

# --- KV cache element sizes ---------------------------------------------------------------

# ggml block formats: q8_0 stores 32 int8 values + one f16 scale = 34 bytes per 32 values;
# q4_0 stores 32 4-bit values + one f16 scale = 18 bytes per 32 values.
# https://github.com/ggml-org/llama.cpp/blob/master/ggml/src/ggml-common.h (block_q8_0, block_q4_0)
KV_BYTES_PER_ELEMENT = MappingProxyType({"f16": 2.0, "q8_0": 34 / 32, "q4_0": 18 / 32})

# --- Memory the GPU cannot give to the model ----------------------------------------------

# CUDA/ROCm context, cuBLAS/hipBLAS workspaces and driver allocations on each discrete GPU.
# An RTX 3090 reports 24575 MiB total and 24154 MiB free right after start-up under Windows
# (llama.cpp --list-devices output in public issues): ~0.4-0.5 GiB. Engineering estimate.
GPU_DRIVER_RESERVED_BYTES = 0.5 * BYTES_PER_GIB

# A GPU that also drives the desktop holds frame buffers and compositor surfaces: ~0.5-1 GB
# depending on resolution and the number of monitors. Engineering estimate (midpoint).
DISPLAY_RESERVED_BYTES = 0.75 * BYTES_PER_GIB

# macOS lets the GPU wire at most recommendedMaxWorkingSetSize of unified memory: about 2/3 of
# RAM on Macs with up to 36 GB and 3/4 above, as logged by llama.cpp: 10922.67 MB on 16 GB
# (https://github.com/abetlen/llama-cpp-python/issues/687), 21845.34 MB on 32 GB
# (https://github.com/ollama/ollama/issues/434), ~96 GB on 128 GB. Apple documents the property:
# https://developer.apple.com/documentation/metal/mtldevice/recommendedmaxworkingsetsize
APPLE_GPU_SHARE_SMALL = 2 / 3
APPLE_GPU_SHARE_LARGE = 3 / 4
APPLE_SMALL_MEMORY_LIMIT_GB = 36
# Raising it: `sudo sysctl iogpu.wired_limit_mb=N` (macOS 14+), see
# https://ml-explore.github.io/mlx/build/html/python/_autosummary/mlx.core.set_wired_limit.html
# (N must stay below the machine's memory; SYSTEM_RAM_OS_RESERVED_BYTES is left for macOS).

# Unified-memory APUs (Strix Halo, DGX Spark): up to 96 GB of a 128 GB Ryzen AI Max+ 395 can be
# reserved as VRAM in firmware (Windows; Linux can raise the GTT limit further), i.e. 3/4.
# Used for every APU, a conservative share for DGX Spark.
# https://www.amd.com/en/products/processors/laptop/ryzen/ai-300-series/amd-ryzen-ai-max-plus-395.html
APU_GPU_SHARE = 3 / 4

# System RAM kept for the OS, desktop and the runtime process itself when weights spill into RAM
# (and left to macOS when suggesting a higher GPU wired limit). Engineering margin.
SYSTEM_RAM_OS_RESERVED_BYTES = 4 * BYTES_PER_GIB

# Typical desktop DDR5-6000 dual channel: 6000 MT/s x 2 channels x 8 bytes = 96 GB/s
# (the `ddr5-6000-dual-channel` row of catalog/data/hardware.csv).
DEFAULT_SYSTEM_RAM_BANDWIDTH_GB_S = 96.0
DEFAULT_SYSTEM_RAM_GB = 32.0

# --- Runtime working memory ---------------------------------------------------------------

# llama.cpp processes prompts in micro-batches of n_ubatch = 512 tokens (common/common.h default).
# https://github.com/ggml-org/llama.cpp/blob/master/common/common.h
LLAMA_CPP_UBATCH_TOKENS = 512
# mlx-lm prefills in steps of 2048 tokens (prefill_step_size in mlx_lm/generate.py).
# https://github.com/ml-explore/mlx-lm/blob/main/mlx_lm/generate.py
MLX_PREFILL_STEP_TOKENS = 2048
# ExLlamaV2 feeds prompts in chunks of max_input_len = 2048 tokens (exllamav2/config.py).
# https://github.com/turboderp-org/exllamav2/blob/master/exllamav2/config.py
EXLLAMAV2_CHUNK_TOKENS = 2048
# Logits are float32: n_vocab x n_ubatch x 4 bytes (llama.cpp llama-context.cpp output buffer).
LOGIT_BYTES = 4
# Without flash attention llama.cpp materialises the f32 KQ matrix n_kv x n_ubatch x n_head
# (llm_graph build_attn_mha); with flash attention the scores are tiled and never stored whole.
ATTENTION_SCORE_BYTES = 4
# Hidden-state activations alive at once in the graph (residual, norm, q/k/v, ffn in/out)
# in f32. Engineering estimate of the live-tensor count, not a documented figure.
ACTIVATION_TENSORS_ALIVE = 8
ACTIVATION_BYTES = 4  # ggml keeps intermediate activations in f32
# Fallback compute buffer when the model's vocabulary/width is unknown: what llama.cpp reports
# for 7-8B models at 4k context ("CUDA0 compute buffer size = ... MiB", typically 250-560 MiB).
FALLBACK_COMPUTE_BUFFER_BYTES = 0.5 * BYTES_PER_GIB

# vLLM pre-allocates this fraction of each GPU's total memory (--gpu-memory-utilization default).
# https://docs.vllm.ai/en/v0.8.5/serving/engine_args.html
VLLM_GPU_MEMORY_UTILIZATION = 0.9
# vLLM's own non-KV memory per GPU: activation peak of a scheduled batch, CUDA graphs and
# non-torch allocations (logged at start-up; usually 1-2 GiB). Engineering estimate.
VLLM_RUNTIME_OVERHEAD_BYTES = 1.5 * BYTES_PER_GIB

# --- Mixture of experts -----------------------------------------------------------------

# Share of the active parameters that are not routed experts (attention, shared experts,
# embeddings) when the expert counts are unknown. Derived from public configs:
# Qwen3-30B-A3B 0.45, DeepSeek-V3 0.45, gpt-oss-20b 0.31, Llama-4-Scout 0.64 (median ~0.45).
MOE_SHARED_SHARE_OF_ACTIVE = 0.45

# --- Prefill scale ---------------------------------------------------------------------------

# Prefill rates are fitted as a power of the card's tensor TFLOPS (or bandwidth) around these
# reference points, so a fitted "share of peak" reads as the share a 100-TFLOPS / 500 GB/s card
# reaches. Reference points only (they change no prediction).
REF_TFLOPS = 100.0
REF_BANDWIDTH_GB_S = 500.0

# llama.cpp's CUDA matrix kernels for a prompt run at the FP16-accumulate (cuBLAS
# CUBLAS_COMPUTE_16F) or INT8 (MMQ) tensor rate, not the FP32-accumulate rate the catalog's
# fp16_tflops normalises to. GeForce cards do FP16-with-FP32-accumulate at half their
# FP16-accumulate rate; workstation and data-centre cards at the full rate. NVIDIA Ada
# whitepaper, appendix tables: RTX 4090 330.3 TFLOPS FP16-accumulate vs 165.2 FP32-accumulate;
# RTX 6000 Ada 364.2 for both.
# https://images.nvidia.com/aem-dam/Solutions/geforce/ada/nvidia-ada-gpu-architecture.pdf
GEFORCE_FP16_ACCUMULATE_RATIO = 2.0

# --- Transfers and parallelism --------------------------------------------------------------

# With weights left in system RAM, llama.cpp copies them to the GPU for each prompt micro-batch
# (op offload). PCIe 4.0 x16 is 31.5 GB/s per direction (PCI-SIG); ~25 GB/s is reached in practice.
# https://pcisig.com/specifications
PCIE_EFFECTIVE_BANDWIDTH_GB_S = 25.0

# Tensor parallelism splits every matrix over the GPUs; the all-reduce after each layer costs
# time. Prior: no tensor-parallel measurement is in the calibration set yet.
TENSOR_PARALLEL_EFFICIENCY = 0.8

# --- Image and speech models ---------------------------------------------------------------

# Working memory of a diffusion pipeline per generated megapixel (latents, attention activations
# and the VAE decode, which is the peak at full resolution). Engineering estimate; ComfyUI and
# diffusers lower it with tiled VAE decoding.
DIFFUSION_WORKING_BYTES_PER_MEGAPIXEL = 2.5e9
# Whisper processes fixed 30-second windows (1500 encoder frames): activations + decoder cache.
# Engineering estimate per concurrent window.
SPEECH_WORKING_BYTES_PER_WINDOW = 0.5e9

# --- Priors used only where no measurement covers a case -------------------------------------

# CPU decode reaches roughly 60% of theoretical dual-channel DDR bandwidth in llama.cpp.
# Prior (engineering estimate); replaced as soon as CPU measurements are calibrated.
PRIOR_CPU_BANDWIDTH_EFFICIENCY = 0.6
# CPU prompt processing: effective FLOP/s per byte/s of RAM bandwidth (a 16-core desktop CPU
# does roughly 2 TFLOP/s of quantized matmul against ~90 GB/s). Prior (engineering estimate).
PRIOR_CPU_FLOPS_PER_BYTE = 20.0
# GPU priors, used only by an empty Calibration (nothing measured at all).
PRIOR_GPU_BANDWIDTH_EFFICIENCY = 0.7
PRIOR_GPU_COMPUTE_EFFICIENCY = 0.35
PRIOR_GPU_FLOPS_PER_BYTE = 20.0
# Relative error band shown for uncalibrated figures (measured/predicted), a stated guess.
PRIOR_ERROR_RATIO_LOW = 0.6
PRIOR_ERROR_RATIO_HIGH = 1.3

# --- Runtimes ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RuntimeProfile:
    """What a runtime can load and do, as its documentation states (source per entry)."""

    slug: str
    name: str  # as people write it
    formats: frozenset[str]
    backends: frozenset[str]
    cpu_offload: bool  # can keep some layers in system RAM
    expert_offload: bool  # can keep MoE expert tensors in system RAM
    flash_attention_default: bool  # decides whether attention scores are materialised
    prompt_chunk_tokens: int
    split_modes: frozenset[str]
    kv_cache_types: frozenset[str]
    # llama.cpp sizes its compute buffer for logits of a whole micro-batch; mlx-lm (lazy
    # evaluation) and ExLlamaV2 (last_id_only) compute logits for the last prompt token only.
    logits_for_whole_chunk: bool = True
    apple_only: bool = False
    engine: str = ""  # runtimes sharing an engine share calibration groups
    # The weight format suggested when the visitor names none: the runtime's own (vLLM serves
    # Hugging Face safetensors; its GGUF loader is experimental).
    native_format: str = "gguf"


_GGML_BACKENDS = frozenset({"cuda", "rocm", "metal", "vulkan", "sycl", "cpu"})
_ALL_KV = frozenset({"f16", "q8_0", "q4_0"})

RUNTIMES = MappingProxyType(
    {
        # https://github.com/ggml-org/llama.cpp/blob/master/common/arg.cpp (-ngl, -sm layer|row,
        # --cpu-moe/--n-cpu-moe, -fa on|off|auto with auto as default, -ctk/-ctv)
        "llama-cpp": RuntimeProfile(
            slug="llama-cpp",
            name="llama.cpp",
            formats=frozenset({"gguf"}),
            backends=_GGML_BACKENDS,
            cpu_offload=True,
            expert_offload=True,
            flash_attention_default=True,
            prompt_chunk_tokens=LLAMA_CPP_UBATCH_TOKENS,
            split_modes=frozenset({"layer", "tensor"}),
            kv_cache_types=_ALL_KV,
            engine="ggml",
        ),
        # https://github.com/ollama/ollama/blob/main/docs/faq.md (OLLAMA_FLASH_ATTENTION,
        # OLLAMA_KV_CACHE_TYPE); layers are placed automatically, no expert override flag.
        "ollama": RuntimeProfile(
            slug="ollama",
            name="Ollama",
            formats=frozenset({"gguf"}),
            backends=_GGML_BACKENDS - {"sycl"},
            cpu_offload=True,
            expert_offload=False,
            flash_attention_default=False,
            prompt_chunk_tokens=LLAMA_CPP_UBATCH_TOKENS,
            split_modes=frozenset({"layer"}),
            kv_cache_types=_ALL_KV,
            engine="ggml",
        ),
        # https://lmstudio.ai/docs/cli/load (--gpu 0-1|max, --context-length); llama.cpp engine,
        # plus MLX on Apple Silicon.
        "lm-studio": RuntimeProfile(
            slug="lm-studio",
            name="LM Studio",
            formats=frozenset({"gguf", "mlx"}),
            backends=_GGML_BACKENDS - {"sycl"},
            cpu_offload=True,
            expert_offload=False,
            flash_attention_default=False,
            prompt_chunk_tokens=LLAMA_CPP_UBATCH_TOKENS,
            split_modes=frozenset({"layer"}),
            kv_cache_types=_ALL_KV,
            engine="ggml",
        ),
        # https://github.com/ml-explore/mlx-lm (Apple Silicon only; --kv-bits quantizes the cache)
        "mlx-lm": RuntimeProfile(
            slug="mlx-lm",
            name="MLX (mlx-lm)",
            formats=frozenset({"mlx", "fp"}),
            backends=frozenset({"metal"}),
            cpu_offload=False,
            expert_offload=False,
            flash_attention_default=True,
            prompt_chunk_tokens=MLX_PREFILL_STEP_TOKENS,
            split_modes=frozenset({"layer"}),
            kv_cache_types=_ALL_KV,
            logits_for_whole_chunk=False,
            apple_only=True,
            engine="mlx",
            native_format="mlx",
        ),
        # https://docs.vllm.ai/en/v0.8.5/serving/engine_args.html (--tensor-parallel-size,
        # --pipeline-parallel-size, --kv-cache-dtype fp8; GGUF support is experimental)
        "vllm": RuntimeProfile(
            slug="vllm",
            name="vLLM",
            formats=frozenset({"fp", "awq", "gptq", "gguf"}),
            backends=frozenset({"cuda", "rocm"}),
            cpu_offload=False,
            expert_offload=False,
            flash_attention_default=True,
            prompt_chunk_tokens=LLAMA_CPP_UBATCH_TOKENS,
            split_modes=frozenset({"tensor", "layer"}),
            kv_cache_types=frozenset({"f16", "q8_0"}),
            engine="vllm",
            native_format="fp",
        ),
        # https://github.com/turboderp-org/exllamav2 (EXL2 and GPTQ, CUDA/ROCm, Q4/Q6/Q8 cache,
        # --gpu_split auto, -tp tensor parallel)
        "exllamav2": RuntimeProfile(
            slug="exllamav2",
            name="ExLlamaV2",
            formats=frozenset({"exl2", "gptq"}),
            backends=frozenset({"cuda", "rocm"}),
            cpu_offload=False,
            expert_offload=False,
            flash_attention_default=True,
            prompt_chunk_tokens=EXLLAMAV2_CHUNK_TOKENS,
            split_modes=frozenset({"layer", "tensor"}),
            kv_cache_types=_ALL_KV,
            logits_for_whole_chunk=False,
            engine="exllamav2",
            native_format="exl2",
        ),
    }
)

# Ollama's default context when none is set: by total VRAM, < 24 GiB -> 4k, 24-48 GiB -> 32k,
# >= 48 GiB -> 256k. https://github.com/ollama/ollama/blob/main/docs/context-length.mdx
OLLAMA_DEFAULT_CONTEXT_BY_VRAM_GIB = ((24, 4096), (48, 32768), (float("inf"), 262144))

# --- The question's defaults ----------------------------------------------------------------

# The context every tool assumes when the visitor gives none: llama.cpp's own default
# (llama-cli -c 4096, https://github.com/ggml-org/llama.cpp/blob/master/common/common.h).
DEFAULT_CONTEXT_TOKENS = 4096
# The longest context any form accepts: Llama 4 Scout's 10M tokens, the longest in the catalog.
MAX_CONTEXT_TOKENS = 10_485_760
# The prompt length time to first token is given for when the visitor gives none: llama-bench's
# default prompt (-p 512, https://github.com/ggml-org/llama.cpp/blob/master/tools/llama-bench/README.md).
DEFAULT_PROMPT_TOKENS = 512
# The weight format the matrices and lists assume when the visitor picks none.
DEFAULT_QUANT_NAME = "Q4_K_M"

# --- Calibration settings -------------------------------------------------------------------

# A calibration group (engine+backend+kind, backend+kind, kind) gets its own factors only with at
# least this many measurements; smaller groups fall back to the next, broader level.
MIN_GROUP_MEASUREMENTS = 8
# The low-high range spans these quantiles of measured/predicted in out-of-fold predictions,
# i.e. about 80% of measured runs fell inside the range during calibration.
ERROR_QUANTILE_LOW = 0.1
ERROR_QUANTILE_HIGH = 0.9
# A range resting on a broader group than the question's own (another runtime, another backend,
# every GPU) is widened: its measured/predicted ratios are raised to this power per fallback
# level, and once more when the group holds fewer than FEW_MEASUREMENTS runs. A stated rule,
# checked by the coverage that benchmarks/estimator_accuracy.py prints.
FALLBACK_RANGE_WIDENING = 1.5
FEW_MEASUREMENTS = 20
# Quantiles of measured/predicted need at least this many held-out predictions; with fewer the
# stated prior range below is shown instead.
MIN_RANGE_RATIOS = 10
# A group fits its own mixture-of-experts overhead only with at least this many MoE and this
# many dense measurements; otherwise the overhead fitted on every GPU measurement applies.
MIN_MOE_MEASUREMENTS = 3
# Ranges come from predicting the cards of each of this many folds (every card's rows in one
# fold) by a calibration fitted on the others.
RANGE_FOLDS = 10
# Powers of TFLOPS (or bandwidth) that prefill speed is fitted to grow with, tried in turn.
PREFILL_EXPONENT_GRID = tuple(round(0.2 + 0.05 * i, 2) for i in range(17))  # 0.2 ... 1.0

# Runs on runtime builds from before this year are "legacy": llama.cpp's per-layer overhead
# (kernel launches, graph setup) fell since, on Metal most of all. Calibration fits their extra
# per-layer time apart where a group holds runs of both eras; estimates answer for current builds.
LEGACY_BEFORE_YEAR = 2025
