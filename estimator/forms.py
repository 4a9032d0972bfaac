"""The one form behind "Will it run?", the JSON API and the CLI: same fields, same errors."""

from django import forms

from catalog import snapshot
from catalog.models import HardwareKind
from estimator.bridge import Question, default_context
from estimator.compatibility import conflicts
from estimator.constants import (
    DEFAULT_CONTEXT_TOKENS,
    DEFAULT_QUANT_NAME,
    DEFAULT_SYSTEM_RAM_GB,
    MAX_CONTEXT_TOKENS,
)
from estimator.constants import RUNTIMES as RUNTIME_PROFILES
from estimator.specs import DEFAULT_BACKEND_BY_KIND

CUSTOM = "custom"
MAX_GPU_COUNT = 8

RUNTIMES = [(slug, profile.name) for slug, profile in RUNTIME_PROFILES.items()]
KV_CACHE_TYPES = [("f16", "f16 (default)"), ("q8_0", "q8_0"), ("q4_0", "q4_0")]


class EstimateForm(forms.Form):
    hardware = forms.CharField(max_length=80, label="Hardware")
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
    model = forms.CharField(max_length=80, label="Model")
    quant = forms.CharField(max_length=40, initial=DEFAULT_QUANT_NAME, label="Quantization")
    context = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_CONTEXT_TOKENS,
        initial=DEFAULT_CONTEXT_TOKENS,
        label="Context (tokens)",
    )
    kv_cache_type = forms.ChoiceField(required=False, choices=KV_CACHE_TYPES, label="KV cache")
    runtime = forms.ChoiceField(required=False, choices=RUNTIMES, label="Runtime")
    system_ram_gb = forms.FloatField(
        required=False,
        min_value=0,
        max_value=8192,
        initial=DEFAULT_SYSTEM_RAM_GB,
        label="System RAM (GB)",
    )
    drives_display = forms.BooleanField(required=False, label="This GPU also drives my display")

    def clean_hardware(self):
        slug = self.cleaned_data["hardware"].strip()
        if slug == CUSTOM:
            return None
        found = snapshot.resolve_hardware(slug)
        if found is None:
            raise forms.ValidationError(f"We have no hardware called “{slug}”.")
        hardware, memory_gb = found
        self.variant_memory_gb = memory_gb if memory_gb != hardware.memory_gb else None
        return hardware

    def clean_model(self):
        slug = self.cleaned_data["model"].strip()
        model = snapshot.current().models.get(slug)
        if model is None:
            raise forms.ValidationError(f"We have no model called “{slug}”.")
        return model

    def clean_quant(self):
        name = self.cleaned_data["quant"].strip()
        quants = snapshot.current().quants
        quant = quants.get(name) or next(
            (q for q in quants.values() if q.slug == name.lower()), None
        )
        if quant is None:
            raise forms.ValidationError(f"We have no quantization called “{name}”.")
        return quant

    def clean(self):
        data = super().clean()
        hardware, model, quant = data.get("hardware"), data.get("model"), data.get("quant")
        if "hardware" in data and hardware is None:
            needed = ["bandwidth_gb_s", "hardware_kind"]
            if data.get("hardware_kind") != HardwareKind.CPU:
                needed.append("memory_gb")
            for field in needed:
                if not data.get(field) and field not in self.errors:
                    self.add_error(field, "Custom hardware needs its memory, bandwidth and kind.")
        data["runtime"] = data.get("runtime") or "llama-cpp"
        data["kv_cache_type"] = data.get("kv_cache_type") or "f16"
        data["gpu_count"] = data.get("gpu_count") or 1
        if data.get("system_ram_gb") is None:
            data["system_ram_gb"] = DEFAULT_SYSTEM_RAM_GB
        context = data.get("context")
        if model is not None:
            if model.max_context and context and context > model.max_context:
                self.add_error(
                    "context",
                    f"{model.name} supports at most {model.max_context:,} tokens of context.",
                )
            context = context or default_context(model)
        data["context"] = context or DEFAULT_CONTEXT_TOKENS
        memory = data.get("memory_gb")
        data["variant_memory_gb"] = getattr(self, "variant_memory_gb", None)
        if hardware is not None and memory and hardware.memory_options_gb:
            if int(memory) not in hardware.memory_options_gb:
                options = ", ".join(f"{gb} GB" for gb in hardware.memory_options_gb)
                self.add_error("memory_gb", f"{hardware.name} is sold with {options}.")
            else:
                # One of the configurations it is sold in, exactly like its variant slug.
                data["variant_memory_gb"], data["memory_gb"] = float(memory), None
        kind = hardware.kind if hardware else data.get("hardware_kind")
        backend = hardware.backend if hardware else DEFAULT_BACKEND_BY_KIND.get(kind)
        for conflict in conflicts(
            data["runtime"],
            hardware_kind=kind or None,
            backend=backend,
            quant_family=quant.family if quant else None,
            quant_name=quant.name if quant else "",
        ):
            self.add_error(conflict.field, conflict.message)
        return data

    def question(self):
        """The validated input as the estimator's Question."""
        data = self.cleaned_data
        hardware = data.get("hardware")
        raw = {
            key: data.get(name)
            for key, name in (
                ("kind", "hardware_kind"),
                ("memory_gb", "memory_gb"),
                ("bandwidth_gb_s", "bandwidth_gb_s"),
                ("fp16_tflops", "fp16_tflops"),
            )
            if data.get(name) and (hardware is None or key != "kind")
        }
        return Question(
            model=data["model"],
            quant=data["quant"],
            hardware=hardware,
            context=data["context"],
            memory_gb=data.get("variant_memory_gb"),
            gpu_count=data["gpu_count"],
            system_ram_gb=data["system_ram_gb"],
            system_ram_bandwidth_gb_s=data.get("system_ram_bandwidth_gb_s"),
            drives_display=data.get("drives_display", False),
            kv_cache_type=data["kv_cache_type"],
            runtime=data["runtime"],
            raw_hardware=raw,
            model_overrides=data.get("model_overrides", {}),
            bits_per_weight=data.get("bits_per_weight"),
            assumed=tuple(data.get("assumed", ())),
        )

    def error_payload(self):
        """The first error as the API's {"error": ..., "field": ...}."""
        field, errors = next(iter(self.errors.items()))
        return {"error": errors[0], "field": None if field == "__all__" else field}


class ApiEstimateForm(EstimateForm):
    """The API takes catalog slugs, raw specs, or both (raw values override the catalog's).

    Raw specs not given are filled from the catalog model nearest in size and listed as assumed.
    """

    hardware = forms.CharField(max_length=80, required=False)
    model = forms.CharField(max_length=80, required=False)
    quant = forms.CharField(max_length=40, required=False)
    params_b = forms.FloatField(required=False, min_value=0.01, max_value=10_000)
    active_params_b = forms.FloatField(required=False, min_value=0.01, max_value=10_000)
    layers = forms.IntegerField(required=False, min_value=1, max_value=1_000)
    kv_heads = forms.IntegerField(required=False, min_value=1, max_value=1_024)
    head_dim = forms.IntegerField(required=False, min_value=1, max_value=4_096)
    sliding_window = forms.IntegerField(required=False, min_value=1, max_value=MAX_CONTEXT_TOKENS)
    full_attention_layers = forms.IntegerField(required=False, min_value=0, max_value=1_000)
    bits_per_weight = forms.FloatField(required=False, min_value=1, max_value=32)
    system_ram_bandwidth_gb_s = forms.FloatField(required=False, min_value=1, max_value=10_000)

    MODEL_FIELDS = [
        "params_b",
        "active_params_b",
        "layers",
        "kv_heads",
        "head_dim",
        "sliding_window",
        "full_attention_layers",
    ]

    def clean_hardware(self):
        if not self.cleaned_data.get("hardware", "").strip():
            return None
        return super().clean_hardware()

    def clean_model(self):
        if not self.cleaned_data.get("model", "").strip():
            return None
        return super().clean_model()

    def clean_quant(self):
        if not self.cleaned_data.get("quant", "").strip():
            return None
        return super().clean_quant()

    def clean(self):
        data = self.cleaned_data
        assumed = []
        if "model" in data and data["model"] is None:
            if not data.get("params_b"):
                self.add_error("model", "Give a model slug, or its size as params_b.")
            else:
                data["model"] = nearest_model(data["params_b"])
                assumed += [
                    f"{name} from {data['model'].slug}"
                    for name in ("layers", "kv_heads", "head_dim")
                    if not data.get(name)
                ]
        if "quant" in data and data["quant"] is None:
            if not data.get("bits_per_weight"):
                self.add_error("quant", "Give a quant name, or bits_per_weight.")
            else:
                data["quant"] = nearest_gguf_quant(data["bits_per_weight"])
        overrides = {name: data[name] for name in self.MODEL_FIELDS if data.get(name)}
        if overrides.get("params_b") and not overrides.get("active_params_b"):
            overrides["active_params_b"] = overrides["params_b"]
        if "sliding_window" in overrides:
            overrides["attention_kind"] = "sliding"
        data["model_overrides"] = overrides
        data["assumed"] = assumed
        data = super().clean()
        if data.get("hardware") is None and "hardware" in data and not self.errors:
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
