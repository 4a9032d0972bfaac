"""Filter and sort forms for the directory pages.

Bad values never break a page: each field that fails validation is dropped and named in a
visible note, and the rest of the filters still apply.
"""

from django import forms
from django.core.exceptions import ValidationError

from catalog.models import (
    MAX_BENCHMARK_TOKENS,
    MAX_DECODE_TOK_S,
    MAX_PREFILL_TOK_S,
    SIZE_CLASSES,
    Architecture,
    Backend,
    HardwareKind,
    Modality,
    OperatingSystem,
    QuantFormat,
    RuntimeKind,
    Vendor,
)

# The code of a validation error whose message explains itself better than "not valid".
EXPLAINED = "explained"


class ForgivingForm(forms.Form):
    """A GET form whose invalid fields are ignored and reported instead of failing."""

    def __init__(self, data=None, **kwargs):
        kwargs.setdefault("label_suffix", "")  # labels match the hand-written selects beside them
        data = data.copy() if data is not None else None
        super().__init__(data, **kwargs)
        self.notices = []
        if data is None:
            return
        if not self.is_valid():
            for name, errors in list(self.errors.as_data().items()):
                if name in self.fields:
                    label = self.fields[name].label or name
                    explained = [e.messages[0] for e in errors if e.code == EXPLAINED]
                    reason = (
                        explained[0] if explained else f"{data.get(name)!r} is not a valid value."
                    )
                    self.notices.append(f"Ignored the {label.lower()} filter: {reason}")
                    data.pop(name, None)
            super().__init__(data, **kwargs)
            self.is_valid()

    def value(self, name):
        return self.cleaned_data.get(name) if hasattr(self, "cleaned_data") else None


def choices_with_any(choices, any_label="Any"):
    return [("", any_label), *choices]


HARDWARE_SORTS = {
    "name": ("Name", "name"),
    "memory": ("Memory (most first)", "-memory_gb"),
    "bandwidth": ("Bandwidth (fastest first)", "-bandwidth_gb_s"),
    "price": ("Price (lowest first)", "price"),
    "price_per_gb": ("Price per GB of memory", "price_per_gb"),
    "speed": ("Estimated tok/s for the chosen model", None),
}


class HardwareFilterForm(ForgivingForm):
    vendor = forms.ModelChoiceField(
        queryset=Vendor.objects.all(),
        to_field_name="slug",
        required=False,
        label="Vendor",
        empty_label="Any",
    )
    kind = forms.ChoiceField(
        choices=choices_with_any(HardwareKind.choices), required=False, label="Kind"
    )
    backend = forms.ChoiceField(
        choices=choices_with_any(Backend.choices), required=False, label="Backend"
    )
    min_memory = forms.FloatField(
        min_value=0, max_value=10_000, required=False, label="Minimum memory (GB)"
    )
    max_price = forms.DecimalField(
        min_value=0, max_value=1_000_000, required=False, label="Maximum price (USD)"
    )
    runs_model = forms.CharField(required=False, max_length=80, label="Runs model")
    runs_quant = forms.ModelChoiceField(
        queryset=QuantFormat.objects.all(),
        to_field_name="name",
        required=False,
        label="At quant",
        empty_label="Any",
    )
    sort = forms.ChoiceField(
        choices=[(key, label) for key, (label, _) in HARDWARE_SORTS.items()],
        required=False,
        label="Sort",
    )


MODEL_SORTS = {
    "name": ("Name", "name"),
    "size": ("Size (largest first)", "-params_b"),
    "size_asc": ("Size (smallest first)", "params_b"),
    "release": ("Release date (newest first)", "-release_date"),
}


class ModelFilterForm(ForgivingForm):
    family = forms.CharField(required=False, max_length=80, label="Family")
    organisation = forms.CharField(required=False, max_length=80, label="Organisation")
    size = forms.ChoiceField(
        choices=choices_with_any([(key, label) for key, label, _low, _high in SIZE_CLASSES]),
        required=False,
        label="Size class",
    )
    architecture = forms.ChoiceField(
        choices=choices_with_any(Architecture.choices), required=False, label="Architecture"
    )
    modality = forms.ChoiceField(
        choices=choices_with_any(Modality.choices), required=False, label="Modality"
    )
    license = forms.CharField(required=False, max_length=120, label="Licence")
    fits_on = forms.CharField(required=False, max_length=80, label="Fits on hardware")
    sort = forms.ChoiceField(
        choices=[(key, label) for key, (label, _) in MODEL_SORTS.items()],
        required=False,
        label="Sort",
    )


class RuntimeFilterForm(ForgivingForm):
    kind = forms.ChoiceField(
        choices=choices_with_any(RuntimeKind.choices), required=False, label="Kind"
    )
    backend = forms.ChoiceField(
        choices=choices_with_any(Backend.choices), required=False, label="Backend"
    )
    os = forms.ChoiceField(
        choices=choices_with_any(OperatingSystem.choices),
        required=False,
        label="Operating system",
    )
    format = forms.CharField(required=False, max_length=40, label="Format")


BENCHMARK_SORTS = {
    "decode": ("Decode tok/s (fastest first)", "-decode_tok_s"),
    "prefill": ("Prefill tok/s (fastest first)", "-prefill_tok_s"),
    "context": ("Tokens", "context_tokens"),
    "gpus": ("GPU count", "gpu_count"),
    "date": ("Date measured (newest first)", "-measured_on"),
}


class BenchmarkFilterForm(ForgivingForm):
    hardware = forms.CharField(required=False, max_length=80, label="Hardware")
    model = forms.CharField(required=False, max_length=80, label="Model")
    quant = forms.CharField(required=False, max_length=40, label="Quant")
    runtime = forms.CharField(required=False, max_length=80, label="Runtime")
    runtime_version = forms.CharField(required=False, max_length=120, label="Runtime version")
    # A stored benchmark never exceeds these (Benchmark.clean), so neither does a filter.
    context = forms.IntegerField(
        required=False, min_value=1, max_value=MAX_BENCHMARK_TOKENS, label="Tokens"
    )
    min_decode = forms.FloatField(
        required=False, min_value=0, max_value=MAX_DECODE_TOK_S, label="Decode at least (tok/s)"
    )
    min_prefill = forms.FloatField(
        required=False, min_value=0, max_value=MAX_PREFILL_TOK_S, label="Prefill at least (tok/s)"
    )
    measured_from = forms.DateField(
        required=False, label="Measured from", widget=forms.DateInput(attrs={"type": "date"})
    )
    measured_to = forms.DateField(
        required=False, label="Measured until", widget=forms.DateInput(attrs={"type": "date"})
    )
    source = forms.URLField(required=False, max_length=500, label="Source")
    sort = forms.ChoiceField(
        choices=[(key, label) for key, (label, _) in BENCHMARK_SORTS.items()],
        required=False,
        label="Sort",
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("measured_from"), cleaned.get("measured_to")
        if start and end and start > end:
            message = f"{end} is before the start date {start}."
            self.add_error("measured_to", ValidationError(message, code=EXPLAINED))
        return cleaned
