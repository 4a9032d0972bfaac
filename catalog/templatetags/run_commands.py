"""The command that starts a runtime on one model, for the model page's list of runtimes."""

from django import template

from estimator import bridge
from estimator.commands import run_example
from estimator.constants import DEFAULT_QUANT_NAME
from estimator.specs import QuantSpec

register = template.Library()

# Only the name and family matter to which artefact a runtime loads.
GGUF_DEFAULT = QuantSpec(DEFAULT_QUANT_NAME, "gguf", 4.8944)
UNQUANTIZED = QuantSpec("BF16", "fp", 16)


@register.simple_tag
def model_run_command(model, runtime):
    """`runtime` started on `model`'s own weights, or "" when the catalog has none for it."""
    return run_example(bridge.spec_for(model), runtime.slug, GGUF_DEFAULT, UNQUANTIZED)


@register.simple_tag
def default_gguf_quant():
    return GGUF_DEFAULT.name
