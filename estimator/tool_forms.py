"""The forms behind Choose my GPU and Cost vs cloud: GET parameters in, catalog rows and numbers
out, or errors named by field (the page answers those with a 400)."""

from django import forms

from catalog import snapshot
from estimator.constants import DEFAULT_CONTEXT_TOKENS, DEFAULT_QUANT_NAME, MAX_CONTEXT_TOKENS

DEFAULT_QUANT_FLOOR = DEFAULT_QUANT_NAME
DEFAULT_MIN_TOK_S = 10.0

# Use-case presets: a label and the catalog models they stand for.
PRESETS = {
    "chat-8b": ("Chat, 8B class", ["llama-3.1-8b"]),
    "coding-32b": ("Coding, 32B class", ["qwen2.5-coder-32b"]),
    "70b": ("70B class", ["llama-3.3-70b"]),
    "image": ("Image generation (SDXL and FLUX)", ["sdxl-base-1.0", "flux.1-dev"]),
}
PLATFORMS = [
    ("any", "No preference"),
    ("nvidia", "NVIDIA"),
    ("amd", "AMD"),
    ("apple", "Apple"),
    ("intel", "Intel"),
]
FORM_FACTORS = [
    ("any", "Any"),
    ("desktop", "Desktop PC"),
    ("laptop", "Laptop"),
    ("mac", "Mac"),
]
CONDITIONS = [("new", "New only"), ("used", "Used allowed")]
GPU_COUNTS = [("1", "One card"), ("2", "Up to two cards")]
SORTS = [("fastest", "Fastest"), ("value", "Most tok/s per dollar"), ("cheapest", "Cheapest")]


class InitialAsDefault:
    """A bound form that takes each field's `initial` where the query leaves the field out or
    blank, and renders it in the field: the defaults a form applies are the ones it shows, and a
    form filled in by hand asks the same question as a shared link with fewer parameters."""

    def fill_defaults(self):
        if not self.is_bound:
            return
        self.data = self.data.copy()
        for name, field in self.fields.items():
            initial = field.initial
            if initial is not None and self.data.get(name) in (None, ""):
                self.data[name] = str(initial)


class ChooseGpuForm(InitialAsDefault, forms.Form):
    budget = forms.DecimalField(
        min_value=1, max_value=1_000_000, decimal_places=2, label="Budget (USD)"
    )
    model = forms.MultipleChoiceField(
        required=False,
        label="Models",
        error_messages={"invalid_choice": "We have no model called “%(value)s”."},
    )
    preset = forms.ChoiceField(
        required=False,
        label="Use case",
        choices=[("", "—"), *((key, label) for key, (label, _slugs) in PRESETS.items())],
    )
    min_tok_s = forms.FloatField(
        required=False,
        min_value=0,
        max_value=10_000,
        initial=DEFAULT_MIN_TOK_S,
        label="Minimum speed (tok/s)",
    )
    context = forms.IntegerField(
        required=False,
        min_value=256,
        max_value=MAX_CONTEXT_TOKENS,
        initial=DEFAULT_CONTEXT_TOKENS,
        label="Context (tokens)",
    )
    quant_floor = forms.ChoiceField(
        required=False, initial=DEFAULT_QUANT_FLOOR, label="Lowest quant you accept"
    )
    platform = forms.ChoiceField(
        required=False, choices=PLATFORMS, initial=PLATFORMS[0][0], label="Platform"
    )
    form_factor = forms.ChoiceField(
        required=False, choices=FORM_FACTORS, initial=FORM_FACTORS[0][0], label="Form factor"
    )
    condition = forms.ChoiceField(
        required=False, choices=CONDITIONS, initial=CONDITIONS[0][0], label="New or used"
    )
    gpus = forms.ChoiceField(
        required=False, choices=GPU_COUNTS, initial=GPU_COUNTS[0][0], label="Cards"
    )
    sort = forms.ChoiceField(required=False, choices=SORTS, initial=SORTS[0][0], label="Rank by")

    def __init__(self, data=None, *, ladder_names=()):
        super().__init__(data, label_suffix="")
        self.catalog_models = {
            slug: m for slug, m in snapshot.current().models.items() if m.modality != "speech"
        }
        self.fields["model"].choices = [(slug, m.name) for slug, m in self.catalog_models.items()]
        floor = self.fields["quant_floor"]
        floor.choices = [(name, name) for name in ladder_names]
        if ladder_names and floor.initial not in ladder_names:
            floor.initial = ladder_names[-1]
        self.fill_defaults()

    def clean(self):
        data = super().clean()
        slugs = list(data.get("model") or [])
        if data.get("preset"):
            slugs += [s for s in PRESETS[data["preset"]][1] if s in self.catalog_models]
        models = [self.catalog_models[slug] for slug in dict.fromkeys(slugs)]
        if not models and "model" not in self.errors:
            self.add_error("model", "Choose at least one model, or a use-case preset.")
        context = data.get("context")
        for model in models:
            if model.modality != "text" or not model.max_context or context is None:
                continue
            if context > model.max_context:
                self.add_error(
                    "context",
                    f"{model.name} supports at most {model.max_context:,} tokens of context.",
                )
        data.update(
            models=models,
            used_allowed=data.get("condition") == "used",
            max_gpus=int(data.get("gpus") or 1),
        )
        return data


# --- Cost vs cloud ------------------------------------------------------------------------

USAGE_PATTERNS = [
    ("same_hours", "Same hours a day as mine"),
    ("on_demand", "Only while it generates"),
]
DEFAULT_ELECTRICITY_USD_PER_KWH = 0.20  # a round example, shown as an assumption
DEFAULT_HOURS_PER_DAY = 8.0
DEFAULT_YEARS = 3.0
DEFAULT_RESALE_PERCENT = 30.0
DEFAULT_INPUT_M = 10.0
DEFAULT_OUTPUT_M = 2.0
# A GPU at idle draws a small fraction of its board power; the default is an assumption the
# page lists, to be replaced by the visitor's own reading (nvidia-smi, a wall meter).
IDLE_SHARE_OF_LOAD = 0.10


class CostForm(InitialAsDefault, forms.Form):
    model = forms.CharField(max_length=80, label="Model")
    quant = forms.CharField(
        max_length=40, required=False, initial=DEFAULT_QUANT_NAME, label="Quantization"
    )
    hardware = forms.CharField(max_length=80, label="Hardware to buy")
    purchase_usd = forms.DecimalField(
        required=False, min_value=0, max_value=1_000_000, decimal_places=2, label="Price (USD)"
    )
    input_m = forms.FloatField(
        initial=DEFAULT_INPUT_M,
        required=False,
        min_value=0,
        max_value=1_000_000,
        label="Input tokens a month (millions)",
    )
    output_m = forms.FloatField(
        initial=DEFAULT_OUTPUT_M,
        required=False,
        min_value=0,
        max_value=1_000_000,
        label="Output tokens a month (millions)",
    )
    electricity = forms.FloatField(
        initial=DEFAULT_ELECTRICITY_USD_PER_KWH,
        required=False,
        min_value=0,
        max_value=5,
        label="Electricity (USD per kWh)",
    )
    hours_per_day = forms.FloatField(
        initial=DEFAULT_HOURS_PER_DAY,
        required=False,
        min_value=0,
        max_value=24,
        label="Hours a day in use",
    )
    pattern = forms.ChoiceField(
        required=False,
        choices=USAGE_PATTERNS,
        initial=USAGE_PATTERNS[0][0],
        label="Renting pattern",
    )
    years = forms.FloatField(
        initial=DEFAULT_YEARS, required=False, min_value=0.25, max_value=10, label="Years of use"
    )
    resale_percent = forms.FloatField(
        initial=DEFAULT_RESALE_PERCENT,
        required=False,
        min_value=0,
        max_value=100,
        label="Resale value (% of price)",
    )
    load_watts = forms.IntegerField(
        required=False, min_value=1, max_value=20_000, label="Power at load (W)"
    )
    idle_watts = forms.IntegerField(
        required=False, min_value=0, max_value=20_000, label="Power at idle (W)"
    )

    def __init__(self, data=None):
        super().__init__(data, label_suffix="")
        self.fill_defaults()
        self.hardware_defaults = self._hardware_defaults()

    def _hardware_defaults(self):
        """What a blank price or power field stands for with the chosen hardware, shown in
        those fields; None until a known piece of hardware is chosen. These stay blank in the
        query so that choosing other hardware does not carry the last one's price along."""
        hardware = snapshot.current().hardware.get(str(self.data.get("hardware", "")).strip())
        if hardware is None:
            return None
        load = hardware.tdp_w
        entered_load = str(self.data.get("load_watts", "")).strip()
        if entered_load.isdigit() and int(entered_load) > 0:
            load = int(entered_load)
        defaults = {
            "hardware": hardware,
            "price_usd": float(hardware.price_usd) if hardware.price_usd else None,
            "price_basis": hardware.price_basis,
            "load_watts": hardware.tdp_w,
            "idle_watts": round(load * IDLE_SHARE_OF_LOAD) if load else None,
        }
        for name, key in (
            ("purchase_usd", "price_usd"),
            ("load_watts", "load_watts"),
            ("idle_watts", "idle_watts"),
        ):
            if defaults[key] is not None:
                self.fields[name].widget.attrs["placeholder"] = f"{defaults[key]:.0f}"
        return defaults

    def clean_model(self):
        slug = self.cleaned_data["model"].strip()
        model = snapshot.current().models.get(slug)
        if model is None:
            raise forms.ValidationError(f"We have no model called “{slug}”.")
        if model.modality != "text":
            raise forms.ValidationError(
                f"{model.name} does not generate tokens; pick a text model."
            )
        return model

    def clean_quant(self):
        name = self.cleaned_data["quant"].strip()
        quant = snapshot.current().quants.get(name)
        if quant is None:
            raise forms.ValidationError(f"We have no quantization called “{name}”.")
        if quant.family != "gguf":
            raise forms.ValidationError("Costs assume llama.cpp: pick a GGUF quant.")
        return quant

    def clean_hardware(self):
        slug = self.cleaned_data["hardware"].strip()
        hardware = snapshot.current().hardware.get(slug)
        if hardware is None:
            raise forms.ValidationError(f"We have no hardware called “{slug}”.")
        return hardware

    def clean(self):
        data = super().clean()
        hardware = data.get("hardware")
        purchase, load = data.get("purchase_usd"), data.get("load_watts")
        data["price_entered"] = purchase is not None
        if hardware is not None:
            if purchase is None and not hardware.price_usd:
                self.add_error(
                    "purchase_usd",
                    f"We have no price for {hardware.name}: enter what you would pay.",
                )
            if load is None and not hardware.tdp_w:
                self.add_error(
                    "load_watts",
                    f"We have no power figure for {hardware.name}: enter its draw at load.",
                )
            purchase = hardware.price_usd if purchase is None else purchase
            load = hardware.tdp_w if load is None else load
        data["purchase_usd"] = float(purchase) if purchase is not None else None
        data["load_watts"] = load
        if data.get("idle_watts") is None and load:
            data["idle_watts"] = round(load * IDLE_SHARE_OF_LOAD)
            data["idle_assumed"] = True
        return data
