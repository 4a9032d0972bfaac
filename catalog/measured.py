"""A hardware page's measured results: runs of one setup grouped together, and a chart that
draws exactly the single-card runs the table lists, in the table's order.

Runs of the same model, quant and token counts differ only in GPU count, runtime, backend or
source; listed apart they read as contradictory duplicates, so the table shows them as one
group and names what differs.
"""

from dataclasses import dataclass

from core.charts import horizontal_bar_chart

CHART_MAX_BARS = 40


@dataclass(frozen=True)
class MeasuredGroup:
    """Runs of one model, quant and token count on this hardware, fewest GPUs first."""

    model: object
    quant: object
    context_tokens: int
    depth: int
    runs: tuple

    @property
    def label(self):
        depth = f" after {self.depth:,} in context" if self.depth else ""
        return f"{self.model.name} · {self.quant.name} · {self.context_tokens:,} tokens{depth}"

    @property
    def gpu_counts(self):
        return sorted({run.gpu_count for run in self.runs})


def _setup(run):
    return (run.model.name, run.quant.name, run.context_tokens, run.depth)


def _run_order(run):
    return (run.gpu_count, run.runtime.name, run.backend, -(run.decode_tok_s or 0))


def measured_groups(benchmarks):
    """The benchmarks as MeasuredGroups, in model, quant and token order."""
    by_setup = {}
    for run in benchmarks:
        by_setup.setdefault(_setup(run), []).append(run)
    return [
        MeasuredGroup(
            model=runs[0].model,
            quant=runs[0].quant,
            context_tokens=runs[0].context_tokens,
            depth=runs[0].depth,
            runs=tuple(sorted(runs, key=_run_order)),
        )
        for _key, runs in sorted(by_setup.items(), key=lambda item: item[0])
    ]


def chart_gpu_count(groups):
    """The GPU count the chart draws: one card when there are single-card runs, else the
    fewest cards measured."""
    counts = {run.gpu_count for group in groups for run in group.runs if run.decode_tok_s}
    return min(counts, default=None)


def measured_chart(hardware_name, groups):
    """Decode speed of the runs on chart_gpu_count cards, one bar per run, in table order."""
    gpus = chart_gpu_count(groups)
    if gpus is None:
        return None
    rows = []
    for group in groups:
        runs = [run for run in group.runs if run.gpu_count == gpus and run.decode_tok_s]
        several = len(runs) > 1
        for run in runs:
            runtime = f" · {run.runtime.name}" if several else ""
            rows.append((f"{group.label}{runtime}", run.decode_tok_s, run.verified))
    rows = rows[:CHART_MAX_BARS]
    cards = "one" if gpus == 1 else f"{gpus} ×"
    others = (
        "; runs on other numbers of cards are in the table only" if _mixed(groups, gpus) else ""
    )
    return horizontal_bar_chart(
        f"Decode speed measured on {cards} {hardware_name}",
        f"One bar per {'single-card ' if gpus == 1 else ''}run in the table, in the table's "
        f"order{others}.",
        "tokens/s",
        rows,
        label_width=300,
    )


def _mixed(groups, gpus):
    return any(run.gpu_count != gpus for group in groups for run in group.runs)
