"""Catalog shortcodes in Markdown bodies, so numbers the catalog knows are never typed twice.

    {{hw:rtx-4090.memory_gb}}            a hardware field (name, memory_gb, bandwidth_gb_s, ...)
    {{model:llama-3.1-8b.params_b}}      a model field (name, params_b, layers, max_context, ...)
    {{weights:llama-3.1-70b@Q4_K_M}}     weight size at a quant (estimator), in GiB
    {{kv:llama-3.1-8b@8192}}             f16 KV cache at a context length (estimator), in GiB
    {{fit:rtx-4090@llama-3.1-70b@Q4_K_M}}  the estimator's verdict at 4,096 tokens of context
    {{tps:rtx-4090@llama-3.1-8b@Q4_K_M}}   decode tokens/s: measured (cited) or estimated (labelled)

All references in a text are fetched in one query per table before anything is rendered.
A reference to something the catalog does not have renders as "[not in catalog]".
Sizes are in GiB, as on Will it run?: a card sold as "24 GB" holds 24 GiB (memory chips come in
binary sizes), so prose can set a size beside a card's memory as it is sold.
"""

import re
from functools import cached_property

from django.utils.formats import number_format

from catalog import snapshot
from core.text import plain_text
from editorial.rendering import render_markdown
from estimator import bridge
from estimator.constants import BYTES_PER_GB, BYTES_PER_GIB

SHORTCODE = re.compile(r"\{\{\s*(hw|model|weights|kv|fit|tps):([A-Za-z0-9._@-]+)\s*\}\}")
MISSING = "[not in catalog]"

HARDWARE_FIELDS = {
    "name": lambda hw: hw.name,
    "memory_gb": lambda hw: (
        f"{number_format(hw.memory_gb, 0, force_grouping=True)} GB"
        if hw.memory_gb
        else "system RAM"
    ),
    "bandwidth_gb_s": lambda hw: f"{number_format(hw.bandwidth_gb_s, 0, force_grouping=True)} GB/s",
    "fp16_tflops": lambda hw: f"{hw.fp16_tflops:g} TFLOPS" if hw.fp16_tflops else "not published",
    "tdp_w": lambda hw: f"{hw.tdp_w} W" if hw.tdp_w else "not published",
    "launch_msrp_usd": lambda hw: (
        f"${number_format(hw.launch_msrp_usd, 0, force_grouping=True)}"
        if hw.launch_msrp_usd
        else "no published MSRP"
    ),
}
MODEL_FIELDS = {
    "name": lambda m: m.name,
    "params_b": lambda m: f"{m.params_b:g}B",
    "active_params_b": lambda m: f"{m.active_params_b:g}B",
    "layers": lambda m: str(m.layers),
    "kv_heads": lambda m: str(m.kv_heads),
    "max_context": lambda m: f"{number_format(m.max_context, 0, force_grouping=True)} tokens",
}


def _split_field(argument):
    slug, _, field = argument.rpartition(".")
    return slug, field


class References:
    """The catalog rows shortcodes name, read from the in-process catalog snapshot (published
    rows only) the first time a shortcode needs one."""

    @cached_property
    def _catalog(self):
        return snapshot.current()

    @property
    def hardware(self):
        return self._catalog.hardware

    @property
    def models(self):
        return self._catalog.models

    @property
    def quants(self):
        return self._catalog.quants

    def value(self, kind, argument):
        parts = argument.split("@")
        if kind == "hw":
            slug, field = _split_field(argument)
            hw, fmt = self.hardware.get(slug), HARDWARE_FIELDS.get(field)
            return fmt(hw) if hw and fmt else MISSING
        if kind == "model":
            slug, field = _split_field(argument)
            model, fmt = self.models.get(slug), MODEL_FIELDS.get(field)
            return fmt(model) if model and fmt else MISSING
        if kind == "weights" and len(parts) == 2:
            model, quant = self.models.get(parts[0]), self.quants.get(parts[1])
            return _gib(bridge.weights_gb(model, quant), 1) if model and quant else MISSING
        if kind == "kv" and len(parts) == 2 and parts[1].isdigit():
            model = self.models.get(parts[0])
            return _gib(bridge.kv_cache_gb(model, int(parts[1])), 2) if model else MISSING
        if kind in {"fit", "tps"} and len(parts) == 3:
            hw = self.hardware.get(parts[0])
            model, quant = self.models.get(parts[1]), self.quants.get(parts[2])
            if not (hw and model and quant):
                return MISSING
            answer = bridge.answer(bridge.Question(model, quant, hw))
            return answer.verdict_label if kind == "fit" else _speed_label(answer.decode)
        return MISSING


def _gib(value_gb: float, digits: int) -> str:
    return f"{value_gb * BYTES_PER_GB / BYTES_PER_GIB:,.{digits}f} GiB"


def _speed_label(speed):
    if speed is None:
        return "no speed (does not run)"
    if speed.basis == "estimated":
        return f"~{speed.value:.0f} tok/s (estimated)"
    approximate = "~" if speed.basis == "scaled" else ""
    return f"{approximate}{speed.value:.0f} tok/s ({speed.basis_label}: {speed.source_url})"


def expand(text, references=None):
    """Replace every shortcode in a Markdown text with the catalog's current value."""
    references = references or References()
    return SHORTCODE.sub(lambda match: references.value(*match.groups()), text or "")


def plain_content(text, references=None):
    """Shortcodes expanded, then the Markdown reduced to the words a reader sees (snippets)."""
    return plain_text(expand(text, references))


def render_content(text, references=None):
    """Shortcodes, then Markdown, then sanitising: the one way bodies reach a page."""
    return render_markdown(expand(text, references))
