"""The one form behind "Will it run?", the JSON API and the CLI: same fields, same errors.

A visitor may give both sides of the question (an answer), only the hardware (what runs on it),
only the model (what it runs on) or neither (the empty form): `mode` says which. A partly filled
form is guidance, never an error.
"""

from dataclasses import replace

from django import forms

from catalog import snapshot
from catalog.models import HardwareKind, UseCase
from estimator import runs_on
from estimator.bridge import Question, default_context
from estimator.compatibility import (
    BACKEND_LABELS,
    OFFLOAD_LABELS,
    SPLIT_LABELS,
    conflicts,
    option_conflicts,
)
from estimator.constants import (
    DEFAULT_CONTEXT_TOKENS,
    DEFAULT_SYSTEM_RAM_GB,
    MAX_CONTEXT_TOKENS,
)
from estimator.constants import RUNTIMES as RUNTIME_PROFILES
from estimator.inputs import borrowed_shape, parse_gpus, raw_model_overrides, runtime_slug
from estimator.specs import DEFAULT_BACKEND_BY_KIND, UNIFIED_MEMORY_KINDS

CUSTOM = "custom"
MAX_GPU_COUNT = 8

RUNTIMES = [(slug, profile.name) for slug, profile in RUNTIME_PROFILES.items()]
KV_CACHE_TYPES = [("f16", "f16 (default)"), ("q8_0", "q8_0"), ("q4_0", "q4_0")]
SORTS = {**runs_on.MODEL_SORTS, **runs_on.HARDWARE_SORTS}
# Fields a visitor rarely changes: the page folds them away unless one is set or has an error.
ADVANCED_FIELDS = (
    "kv_cache_type",
    "system_ram_gb",
    "gpu_count",
    "gpus",
    "backend",
    "offload",
    "split_mode",
    "prompt_tokens",
    "depth",
    "drives_display",
    "memory_gb",
    "bandwidth_gb_s",
    "hardware_kind",
    "fp16_tflops",
)
ADVANCED_DEFAULTS = {
    "kv_cache_type": "f16",
    "system_ram_gb": f"{DEFAULT_SYSTEM_RAM_GB:g}",
    "gpu_count": "1",
    "offload": "auto",
    "split_mode": "layer",
    "depth": "0",
}


class RuntimeField(forms.ChoiceField):
    """A runtime by slug or by the name people write (llama.cpp, LM Studio), in any case."""

    def to_python(self, value):
        value = super().to_python(value)
        return runtime_slug(value) or value


class EstimateForm(forms.Form):
    hardware = forms.CharField(max_length=80, required=False, label="Hardware")
    memory_gb = forms.FloatField(
        required=False,
        min_value=0.5,
        max_value=4096,
        label="Memory (GB)",
        help_text="For custom hardware, or to pick an Apple Silicon memory configuration.",
    )
    bandwidth_gb_s = forms.FloatField(
        required=False, min_value=1, max_value=50_000, label="Memory bandwidth (GB/s)"
    )
    hardware_kind = forms.ChoiceField(
        required=False, choices=[("", "—"), *HardwareKind.choices], label="Hardware kind"
    )
    fp16_tflops = forms.FloatField(
        required=False, min_value=0.1, max_value=100_000, label="FP16 TFLOPS"
    )
    gpu_count = forms.IntegerField(
        required=False, min_value=1, max_value=MAX_GPU_COUNT, initial=1, label="GPUs"
    )
    gpus = forms.CharField(
        required=False,
        max_length=400,
        label="Mixed GPUs",
        help_text="Cards of different types in one machine, e.g. rtx-4090:1,rtx-3090:1.",
    )
    model = forms.CharField(max_length=80, required=False, label="Model")
    quant = forms.CharField(
        max_length=40,
        required=False,
        label="Quantization",
        help_text="Leave it on “Best that fits” for the largest quant that fits entirely.",
    )
    context = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_CONTEXT_TOKENS,
        initial=DEFAULT_CONTEXT_TOKENS,
        label="Context (tokens)",
    )
    kv_cache_type = forms.ChoiceField(required=False, choices=KV_CACHE_TYPES, label="KV cache")
    runtime = RuntimeField(required=False, choices=RUNTIMES, label="Runtime")
    backend = forms.ChoiceField(
        required=False,
        choices=[("", "Usual for this hardware"), *BACKEND_LABELS.items()],
        label="Backend",
    )
    offload = forms.ChoiceField(
        required=False, choices=list(OFFLOAD_LABELS.items()), initial="auto", label="Offload"
    )
    split_mode = forms.ChoiceField(
        required=False,
        choices=list(SPLIT_LABELS.items()),
        initial="layer",
        label="Split across GPUs",
    )
    prompt_tokens = forms.IntegerField(
        required=False, min_value=1, max_value=MAX_CONTEXT_TOKENS, label="Prompt (tokens)"
    )
    depth = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=MAX_CONTEXT_TOKENS,
        initial=0,
        label="Tokens already in context",
    )
    system_ram_gb = forms.FloatField(
        required=False,
        min_value=0,
        max_value=8192,
        initial=DEFAULT_SYSTEM_RAM_GB,
        label="System RAM (GB)",
    )
    drives_display = forms.BooleanField(required=False, label="This GPU also drives my display")
    use_case = forms.ChoiceField(
        required=False, choices=[("", "Any use"), *UseCase.choices], label="Use case"
    )
    min_tok_s = forms.FloatField(required=False, min_value=0, max_value=100_000, label="Min tok/s")
    sort = forms.ChoiceField(
        required=False, choices=[("", "Best first"), *SORTS.items()], label="Sort"
    )

    # The API refuses a value that does not apply; the page drops it with a notice, because a
    # browser without JavaScript sends every field the page showed.
    refuse_inapplicable = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.notices = []

    # --- which question ------------------------------------------------------------------

    def _given(self, name):
        return str(self.data.get(name, "") or "").strip() != ""

    @property
    def has_hardware(self):
        return self._given("hardware") or self._given("gpus")

    @property
    def has_model(self):
        return self._given("model")

    @property
    def mode(self):
        """answer (both sides), models (hardware only), hardware (model only) or empty."""
        if self.has_hardware and self.has_model:
            return "answer"
        if self.has_hardware:
            return "models"
        return "hardware" if self.has_model else "empty"

    @property
    def advanced_open(self):
        """Whether the advanced fields start unfolded: one of them is set or has an error."""
        for name in ADVANCED_FIELDS:
            if name in self.errors:
                return True
            value = str(self.data.get(name, "") or "").strip()
            if value and value != ADVANCED_DEFAULTS.get(name):
                return True
        return False

    # --- fields ----------------------------------------------------------------------------

    def clean_hardware(self):
        slug = self.cleaned_data["hardware"].strip()
        self.variant_memory_gb = None
        if not slug or slug == CUSTOM:
            return None
        found = snapshot.resolve_hardware(slug)
        if found is None:
            raise forms.ValidationError(f"We have no hardware called “{slug}”.")
        hardware, memory_gb = found
        self.variant_memory_gb = memory_gb if memory_gb != hardware.memory_gb else None
        return hardware

    def clean_model(self):
        slug = self.cleaned_data["model"].strip()
        if not slug:
            return None
        model = snapshot.current().models.get(slug)
        if model is None:
            raise forms.ValidationError(f"We have no model called “{slug}”.")
        return model

    def clean_quant(self):
        name = self.cleaned_data["quant"].strip()
        if not name:
            return None
        quants = snapshot.current().quants
        quant = quants.get(name) or next(
            (q for q in quants.values() if q.slug == name.lower()), None
        )
        if quant is None:
            raise forms.ValidationError(f"We have no quantization called “{name}”.")
        return quant

    def clean_gpus(self):
        value = self.cleaned_data["gpus"].strip()
        if not value:
            return ()
        try:
            return parse_gpus(value, snapshot.resolve_hardware, MAX_GPU_COUNT)
        except ValueError as problem:
            raise forms.ValidationError(str(problem)) from None

    # --- the whole question ----------------------------------------------------------------

    def clean(self):
        data = super().clean()
        self._apply_gpus(data)
        hardware, model, quant = data.get("hardware"), data.get("model"), data.get("quant")
        custom = self._given("hardware") and hardware is None and "hardware" not in self.errors
        if custom or self._raw_hardware_only(data):
            self._require_custom_specs(data)
        data["runtime"] = data.get("runtime") or "llama-cpp"
        data["kv_cache_type"] = data.get("kv_cache_type") or "f16"
        data["gpu_count"] = data.get("gpu_count") or 1
        data["offload"] = data.get("offload") or "auto"
        data["split_mode"] = data.get("split_mode") or "layer"
        data["depth"] = data.get("depth") or 0
        data["backend"] = data.get("backend") or None
        self._check_system_ram(data, hardware)
        self._check_context(data, model)
        self._check_memory_configuration(data, hardware)
        kind = hardware.kind if hardware else data.get("hardware_kind")
        backend = data["backend"] or (
            hardware.backend if hardware else DEFAULT_BACKEND_BY_KIND.get(kind)
        )
        for conflict in conflicts(
            data["runtime"],
            hardware_kind=kind or None,
            backend=backend,
            quant_family=quant.family if quant else None,
            quant_name=quant.name if quant else "",
        ):
            self._add_once(conflict.field, conflict.message)
        self._check_options(data, hardware, model, kind)
        return data

    def _add_once(self, field, message):
        if field in self.fields and field not in self.errors:
            self.add_error(field, message)
        elif field not in self.fields:
            self.add_error(None, message)

    def _raw_hardware_only(self, data):
        return False

    def _apply_gpus(self, data):
        """`gpus` lists every card: the first type is the hardware, the rest sit beside it."""
        cards = data.get("gpus")
        if not cards:
            data["other_gpus"] = ()
            return
        (first, first_memory, count), *rest = cards
        if data.get("hardware") is not None and data["hardware"] != first:
            self.add_error("gpus", "List the hardware first in gpus, or leave hardware out.")
        data["hardware"], data["gpu_count"] = first, count
        self.variant_memory_gb = first_memory if first_memory != first.memory_gb else None
        data["other_gpus"] = tuple((gpu, n) for gpu, _, n in rest)

    def _require_custom_specs(self, data):
        needed = ["bandwidth_gb_s", "hardware_kind"]
        if data.get("hardware_kind") != HardwareKind.CPU:
            needed.append("memory_gb")
        for field in needed:
            if not data.get(field) and field not in self.errors:
                self.add_error(field, "Custom hardware needs its memory, bandwidth and kind.")

    def _check_system_ram(self, data, hardware):
        kind = hardware.kind if hardware else data.get("hardware_kind")
        given = self._given("system_ram_gb")
        if kind in UNIFIED_MEMORY_KINDS:
            name = hardware.name if hardware else "Unified-memory hardware"
            message = (
                f"{name} has unified memory: the CPU and GPU share one pool, so there is no "
                "separate system RAM to set."
            )
            if given and self.refuse_inapplicable:
                self.add_error("system_ram_gb", message + " Leave system_ram_gb out.")
            elif given and data.get("system_ram_gb") not in (None, DEFAULT_SYSTEM_RAM_GB):
                self.notices.append(message + " The RAM figure you gave was ignored.")
            data["system_ram_gb"] = None
            return
        if data.get("system_ram_gb") is None:
            data["system_ram_gb"] = DEFAULT_SYSTEM_RAM_GB

    def _check_context(self, data, model):
        context = data.get("context")
        # Only a text model's context limit applies; Whisper's 448 decoder tokens do not
        # bound the context field, which speech and image answers ignore.
        limited = (
            model is not None
            and not data.get("raw_model")
            and model.modality == "text"
            and model.max_context
        )
        if limited and context and context > model.max_context:
            self.add_error(
                "context",
                f"{model.name} supports at most {model.max_context:,} tokens of context.",
            )
        if data.get("raw_model"):
            data["context"] = context or DEFAULT_CONTEXT_TOKENS
        elif model is not None and self.mode == "answer":
            data["context"] = context or default_context(model)

    def _check_memory_configuration(self, data, hardware):
        memory = data.get("memory_gb")
        data["variant_memory_gb"] = getattr(self, "variant_memory_gb", None)
        if hardware is not None and memory and hardware.memory_options_gb:
            if int(memory) not in hardware.memory_options_gb:
                options = ", ".join(f"{gb} GB" for gb in hardware.memory_options_gb)
                self.add_error("memory_gb", f"{hardware.name} is sold with {options}.")
            else:
                # One of the configurations it is sold in, exactly like its variant slug.
                data["variant_memory_gb"], data["memory_gb"] = float(memory), None

    def _check_options(self, data, hardware, model, kind):
        if any(name in self.errors for name in ("hardware", "model", "gpus", "context", "runtime")):
            return
        other = data.get("other_gpus", ())
        backend_set = tuple(hardware.backend_set) if hardware else ()
        found = option_conflicts(
            runtime=data["runtime"],
            backend=data["backend"],
            backend_set=backend_set,
            hardware_name=hardware.name if hardware else "Custom hardware",
            hardware_kind=kind or None,
            offload=data["offload"],
            split_mode=data["split_mode"],
            gpu_count=data["gpu_count"] + sum(count for _, count in other),
            mixed_kinds=tuple(gpu.kind for gpu, _ in other),
            model_is_moe=model.is_moe if model is not None else None,
            context=data.get("context") if model is not None else None,
            prompt_tokens=data.get("prompt_tokens"),
            depth=data["depth"],
        )
        for conflict in found:
            self._add_once(conflict.field, conflict.message)

    # --- what the view asks ----------------------------------------------------------------

    def _raw_hardware(self):
        data, hardware = self.cleaned_data, self.cleaned_data.get("hardware")
        return {
            key: data.get(name)
            for key, name in (
                ("kind", "hardware_kind"),
                ("memory_gb", "memory_gb"),
                ("bandwidth_gb_s", "bandwidth_gb_s"),
                ("fp16_tflops", "fp16_tflops"),
            )
            if data.get(name) and (hardware is None or key != "kind")
        }

    def question_options(self, *, with_hardware=True):
        """bridge.Question's fields other than model and quant, from the validated input."""
        data = self.cleaned_data
        options = {
            "context": data.get("context"),
            "gpu_count": data["gpu_count"],
            "system_ram_gb": data["system_ram_gb"],
            "system_ram_bandwidth_gb_s": data.get("system_ram_bandwidth_gb_s"),
            "drives_display": data.get("drives_display", False),
            "kv_cache_type": data["kv_cache_type"],
            "runtime": data["runtime"],
            "backend": data["backend"],
            "prompt_tokens": data.get("prompt_tokens"),
            "depth": data["depth"],
            "offload": data["offload"],
            "split_mode": data["split_mode"],
        }
        if with_hardware:
            options.update(
                hardware=data.get("hardware"),
                memory_gb=data.get("variant_memory_gb"),
                raw_hardware=self._raw_hardware(),
                other_gpus=data.get("other_gpus", ()),
            )
        return options

    def question(self):
        """The validated input as the estimator's Question (both sides given). Without a quant,
        the largest of the runtime's family that fits entirely."""
        data = self.cleaned_data
        assumed = list(data.get("assumed", ()))
        question = Question(
            model=data["model"],
            quant=data["quant"] or runs_on.candidate_quants(snapshot.current(), data["runtime"])[0],
            model_overrides=data.get("model_overrides", {}),
            bits_per_weight=data.get("bits_per_weight"),
            **self.question_options(),
        )
        if data["quant"] is None:
            quant = runs_on.best_quant_for(question)
            assumed.append(f"quant {quant.name}: the largest that fits entirely")
            question = replace(question, quant=quant)
        return replace(question, assumed=tuple(assumed))

    def listing(self):
        """What runs on the hardware (models mode) or what the model runs on (hardware mode)."""
        data = self.cleaned_data
        filters = {"quant": data.get("quant"), "min_tok_s": data.get("min_tok_s")}
        if self.mode == "models":
            return runs_on.models_on(
                self.question_options(),
                use_case=data.get("use_case") or "",
                sort=data.get("sort") or "",
                **filters,
            )
        return runs_on.hardware_for(
            data["model"],
            self.question_options(with_hardware=False),
            sort=data.get("sort") or "",
            **filters,
        )

    def error_payload(self):
        """The first error as the API's {"error": ..., "field": ...}."""
        field, errors = next(iter(self.errors.items()))
        return {"error": errors[0], "field": None if field == "__all__" else field}


class ApiEstimateForm(EstimateForm):
    """The API takes catalog slugs, raw specs, or both (raw values override the catalog's).

    Raw model specs not given are borrowed from the catalog model nearest in size — shape values
    only, each listed in `assumed`; never its context limit or attention layout.
    """

    params_b = forms.FloatField(required=False, min_value=0.01, max_value=10_000)
    active_params_b = forms.FloatField(required=False, min_value=0.01, max_value=10_000)
    layers = forms.IntegerField(required=False, min_value=1, max_value=1_000)
    kv_heads = forms.IntegerField(required=False, min_value=1, max_value=1_024)
    head_dim = forms.IntegerField(required=False, min_value=1, max_value=4_096)
    sliding_window = forms.IntegerField(required=False, min_value=1, max_value=MAX_CONTEXT_TOKENS)
    full_attention_layers = forms.IntegerField(required=False, min_value=0, max_value=1_000)
    bits_per_weight = forms.FloatField(required=False, min_value=1, max_value=32)
    system_ram_bandwidth_gb_s = forms.FloatField(required=False, min_value=1, max_value=10_000)

    refuse_inapplicable = True
    RAW_HARDWARE = ("memory_gb", "bandwidth_gb_s", "hardware_kind", "fp16_tflops")

    @property
    def has_hardware(self):
        return super().has_hardware or any(self._given(name) for name in self.RAW_HARDWARE)

    @property
    def has_model(self):
        return super().has_model or self._given("params_b")

    def _raw_hardware_only(self, data):
        return not self._given("hardware") and not data.get("gpus") and self.has_hardware

    def clean(self):
        data = self.cleaned_data
        assumed = []
        if data.get("model") is None and data.get("params_b") and "model" not in self.errors:
            nearest = nearest_model(data["params_b"])
            overrides, borrowed = raw_model_overrides(data), borrowed_shape(data, nearest)
            data["model"], data["raw_model"] = nearest, True
            data["model_overrides"] = {**overrides, **{name: v for name, v, _ in borrowed}}
            assumed += [f"{name} from {source}: {value}" for name, value, source in borrowed]
            if not data.get("active_params_b"):
                assumed.append("active_params_b = params_b (a dense model)")
        elif data.get("model") is not None:
            data["model_overrides"] = raw_model_overrides(data, catalog_model=True)
        if data.get("quant") is None and data.get("bits_per_weight"):
            data["quant"] = nearest_gguf_quant(data["bits_per_weight"])
            assumed.append(f"quant {data['quant'].name}: the GGUF type nearest in size")
        data["assumed"] = assumed
        data = super().clean()
        if data.get("hardware") is None and self.has_hardware and not self.errors:
            if data.get("hardware_kind") == "cpu":
                data["memory_gb"] = data.get("memory_gb") or 0.0
        return data


def nearest_model(params_b):
    """The published text model closest in size, for the shape values a caller left out."""
    candidates = [
        m for m in snapshot.current().models.values() if m.modality == "text" and m.layers
    ]
    return min(candidates, key=lambda m: (abs(m.params_b - params_b), m.slug))


def nearest_gguf_quant(bits_per_weight):
    candidates = [q for q in snapshot.current().quants.values() if q.family == "gguf"]
    return min(candidates, key=lambda q: (abs(q.bits_per_weight - bits_per_weight), q.name))
