"""The command that starts a runtime on one model, for the model page's list of runtimes, and
the estimator's notes with the commands in them set as code."""

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

from estimator import bridge
from estimator.commands import run_example
from estimator.constants import DEFAULT_QUANT_NAME
from estimator.specs import QuantSpec

register = template.Library()

# Only the name and family matter to which artefact a runtime loads.
GGUF_DEFAULT = QuantSpec(DEFAULT_QUANT_NAME, "gguf", 4.8944)
UNQUANTIZED = QuantSpec("BF16", "fp", 16)
CODE_SPAN = re.compile(r"`([^`]+)`")


@register.simple_tag
def default_gguf_quant():
    return GGUF_DEFAULT.name


@register.simple_tag
def model_run_commands(model, runtimes):
    """(runtimes with a command for this model as (runtime, command), runtimes without)."""
    spec = bridge.spec_for(model)
    pairs = [(r, run_example(spec, r.slug, GGUF_DEFAULT, UNQUANTIZED)) for r in runtimes]
    return [pair for pair in pairs if pair[1]], [r for r, command in pairs if not command]


@register.filter
def inline_code(text):
    """A plain-text note with `code` spans (as the API and CLI print it), marked up as <code>."""
    return mark_safe(CODE_SPAN.sub(r"<code>\1</code>", escape(text)))
