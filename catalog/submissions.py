"""The public "submit a benchmark" form: lands unverified in the editors' review queue."""

from django import forms
from django.db import IntegrityError, transaction

from catalog import llama_bench
from catalog.models import (
    MAX_BENCHMARK_TOKENS,
    MAX_DECODE_TOK_S,
    MAX_PREFILL_TOK_S,
    Benchmark,
    Hardware,
    Model,
    QuantFormat,
    Runtime,
)
from core.ratelimit import client_ip, hit

SUBMISSIONS_PER_HOUR = 5


class BenchmarkSubmissionForm(forms.ModelForm):
    hardware = forms.ModelChoiceField(Hardware.objects.published(), to_field_name="slug")
    model = forms.ModelChoiceField(
        Model.objects.published().filter(modality="text"), to_field_name="slug"
    )
    quant = forms.ModelChoiceField(QuantFormat.objects.all(), to_field_name="name")
    runtime = forms.ModelChoiceField(Runtime.objects.published(), to_field_name="slug")
    context_tokens = forms.IntegerField(
        min_value=1,
        max_value=MAX_BENCHMARK_TOKENS,
        required=False,
        label="Tokens (prompt length for prefill, generated tokens for decode)",
    )
    decode_tok_s = forms.FloatField(
        min_value=0.01, max_value=MAX_DECODE_TOK_S, required=False, label="Decode tokens/s"
    )
    prefill_tok_s = forms.FloatField(
        min_value=0.01, max_value=MAX_PREFILL_TOK_S, required=False, label="Prefill tokens/s"
    )
    website = forms.CharField(required=False, label="Leave this empty")

    class Meta:
        model = Benchmark
        fields = [
            "hardware",
            "gpu_count",
            "model",
            "quant",
            "runtime",
            "runtime_version",
            "context_tokens",
            "command",
            "pasted_output",
            "decode_tok_s",
            "prefill_tok_s",
            "source_url",
            "submitter_email",
        ]
        labels = {
            "pasted_output": "llama-bench output (paste the table to fill the numbers in)",
            "source_url": "Where can others check this? (URL)",
            "submitter_email": "Your email (optional, only to ask you about the result)",
        }
        widgets = {
            "pasted_output": forms.Textarea(attrs={"rows": 8}),
            "command": forms.Textarea(attrs={"rows": 2}),
        }

    @property
    def is_bot(self):
        return bool(self.data.get("website"))

    def parsed_output(self):
        """The pasted table, read; an unreadable one comes back empty with its problem."""
        try:
            return llama_bench.parse(self.data.get("pasted_output", ""))
        except llama_bench.LlamaBenchError as error:
            return llama_bench.LlamaBenchResult(problem=str(error))

    def _from_paste(self, data, name, value, what):
        """Fill an empty field from the pasted table, held to the same limits as typed input."""
        if data.get(name) or value is None:
            return
        try:
            data[name] = self.fields[name].clean(value)
        except forms.ValidationError as error:
            self.add_error("pasted_output", f"The pasted {what} ({value:,}): {error.messages[0]}")

    def clean_gpu_count(self):
        count = self.cleaned_data.get("gpu_count") or 1
        if not 1 <= count <= 16:
            raise forms.ValidationError("Between 1 and 16 GPUs.")
        return count

    def clean(self):
        data = super().clean()
        parsed = self.parsed_output()
        if parsed.problem:
            self.add_error("pasted_output", parsed.problem)
            return data
        self._from_paste(data, "decode_tok_s", parsed.decode_tok_s, "decode speed")
        self._from_paste(data, "prefill_tok_s", parsed.prefill_tok_s, "prefill speed")
        tokens = parsed.prompt_tokens or parsed.generated_tokens
        self._from_paste(data, "context_tokens", tokens, "token count")
        if self.has_error("pasted_output"):
            return data
        if data.get("decode_tok_s") is None and data.get("prefill_tok_s") is None:
            raise forms.ValidationError(
                "Give a decode or prefill speed, or paste llama-bench output that contains one."
            )
        if not data.get("context_tokens"):
            self.add_error("context_tokens", "How many tokens did the test use?")
        if not data.get("runtime_version") and parsed.build:
            data["runtime_version"] = f"build {parsed.build}"
        return data

    def save_submission(self):
        """Store the result as unverified and in review; a duplicate becomes a form error."""
        benchmark = self.save(commit=False)
        benchmark.context_tokens = self.cleaned_data["context_tokens"]
        benchmark.decode_tok_s = self.cleaned_data["decode_tok_s"]
        benchmark.prefill_tok_s = self.cleaned_data["prefill_tok_s"]
        benchmark.runtime_version = self.cleaned_data.get("runtime_version", "")
        benchmark.status = Benchmark.Status.IN_REVIEW
        benchmark.verified = False
        try:
            with transaction.atomic():
                benchmark.save()
        except IntegrityError:
            self.add_error(None, "This result (same setup and source) is already in the catalog.")
            return None
        return benchmark


def within_rate_limit(request):
    """Fails closed: with the counter unreachable RateLimitUnavailable propagates, and
    FormPausedMiddleware answers that the form is paused."""
    return hit("benchmark-submit", client_ip(request), SUBMISSIONS_PER_HOUR, 3600)
