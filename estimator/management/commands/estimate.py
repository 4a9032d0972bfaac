"""`manage.py estimate`: the API's answer on the command line (same form, same engine). With
hardware and no model it prints what runs on that hardware, as /api/v1/runs-on lists it."""

import json

from django.core.management.base import BaseCommand, CommandError

from estimator.bridge import answer
from estimator.forms import ApiEstimateForm
from estimator.views import runs_on_problem

OPTIONS = [
    "hardware",
    "model",
    "quant",
    "context",
    "kv_cache_type",
    "runtime",
    "memory_gb",
    "bandwidth_gb_s",
    "hardware_kind",
    "fp16_tflops",
    "gpu_count",
    "system_ram_gb",
    "system_ram_bandwidth_gb_s",
    "params_b",
    "active_params_b",
    "layers",
    "kv_heads",
    "head_dim",
    "sliding_window",
    "full_attention_layers",
    "bits_per_weight",
    "backend",
    "prompt_tokens",
    "depth",
    "offload",
    "split_mode",
    "gpus",
    "use_case",
    "min_tok_s",
    "sort",
]


class Command(BaseCommand):
    help = "Will a model run on some hardware, and how fast? Same parameters as /api/v1/estimate."

    def add_arguments(self, parser):
        for name in OPTIONS:
            parser.add_argument(f"--{name.replace('_', '-')}", dest=name)
        parser.add_argument("--json", action="store_true", help="Print the API's JSON.")

    def handle(self, *args, **options):
        params = {name: options[name] for name in OPTIONS if options.get(name) is not None}
        form = ApiEstimateForm(params)
        if not form.is_valid():
            fail(form.error_payload())
        if form.mode == "answer":
            body = answer(form.question()).as_dict()
            text = summary
        else:
            problem = runs_on_problem(form)
            if problem:
                fail(problem)
            body = form.listing().as_dict()
            text = listing_summary
        self.stdout.write(json.dumps(body, indent=2) if options["json"] else text(body))


def fail(error):
    where = f" ({error['field']})" if error["field"] else ""
    raise CommandError(f"{error['error']}{where}")


def _speed(label, speed):
    if not speed:
        return f"{label}: no estimate"
    source = f", source {speed['source_url']}" if speed["source_url"] else ""
    return (
        f"{label}: {speed['value']} tok/s (range {speed['low']}–{speed['high']}, "
        f"{speed['basis']}{source})"
    )


def summary(body):
    memory = body["memory"]
    inputs = body["inputs"]
    lines = [
        f"{inputs['model']} {inputs['quant']} on {inputs['hardware']} "
        f"at {inputs['context']} tokens ({inputs['runtime']})",
        f"Verdict: {body['verdict']} — {body['reason']}",
        f"Memory (GiB): weights {_gib(memory['weights_gb'])} + KV cache "
        f"{_gib(memory['kv_cache_gb'])} + overhead {_gib(memory['overhead_gb'])} = "
        f"{_gib(memory['total_gb'])} (usable {_gib(memory['usable_gb'])})",
        _speed("Decode", body["decode_tok_s"]),
        _speed("Prefill", body["prefill_tok_s"]),
        f"Largest quant that fits: {body['largest_quant_that_fits'] or 'none'}; "
        f"longest context: {body['max_context_that_fits']} tokens",
    ]
    lines += [f"  $ {command}" for command in body["commands"]]
    lines += [f"Note: {note}" for note in body["notes"]]
    if body["assumed"]:
        lines.append("Assumed: " + "; ".join(body["assumed"]))
    return "\n".join(lines)


def _short_speed(speed):
    if not speed:
        return "no speed figure"
    return f"{speed['value']} tok/s ({speed['basis']})"


def listing_summary(body):
    """The runs-on list as lines: one per model (or hardware), best first."""
    subject = "models" if body["kind"] == "models" else "hardware"
    lines = [
        f"{body['count']} of {body['considered']} catalog {subject} fit entirely "
        f"(sorted: {body['sort']})"
    ]
    for row in body["results"]:
        name = row["name"]
        if body["kind"] == "hardware":
            memory = f" {row['memory_gb']:g} GB" if row["memory_gb"] else ""
            price = f", ${row['price_usd']:,.0f} ({row['price_basis']})" if row["price_usd"] else ""
            name = f"{name}{memory}{price}"
        lines.append(
            f"  {name}: {row['quant']}, {row['total_gb']} GB, {_short_speed(row['decode_tok_s'])}"
            f"  {row['url']}"
        )
    lines += [f"Left out: {item['count']} — {item['reason']}" for item in body["left_out"]]
    return "\n".join(lines)


def _gib(value_gb):
    """The API's 10^9-byte GB as GiB, the unit memory is sold in (as the page shows it)."""
    return f"{value_gb * 1e9 / 2**30:.2f}"
