"""Choose my GPU, part two: order the options that meet every need and explain the order.

Every sentence a visitor reads about an option (why it ranks where it does, what the budget
cannot buy) is written here from the numbers the search in estimator.choose computed, so the
page never states a reason the ranking did not use.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from estimator.choose import Needs, Option


def shown_speed(tok_s):
    """A speed as the page shows it: whole tok/s, or tenths below 10 tok/s."""
    if tok_s is None:
        return None
    return round(tok_s) if tok_s >= 10 else round(tok_s, 1)


LEADER_TEXT = {
    "fastest": "Fastest within your budget",
    "value": "Most speed per dollar within your budget",
    "cheapest": "Cheapest that meets every need",
    "no_speed": "Cheapest that meets every need",
}
RANKING_RULES = {
    "fastest": "Fastest first, judged by the slowest of the models you chose; at equal speed, "
    "the cheaper first.",
    "value": "Most tok/s per $1,000 first, judged by the slowest of the models you chose; at "
    "equal value, the cheaper first.",
    "cheapest": "Cheapest first; at equal price, the faster first.",
    "no_speed": "Image models have no speed estimate, so the cheapest comes first.",
}


def _primary(option: Option, sort: str):
    """The ranking score as shown on the page: equal shown scores are a tie."""
    if sort == "value":
        value = option.tok_s_per_1000_usd
        return round(value, 1) if value else 0.0
    if sort == "fastest":
        return shown_speed(option.bottleneck_tok_s) or 0
    return option.price_usd


def _sort_key(option: Option, sort: str):
    memory = -(option.memory_gb or 0)
    if sort in ("cheapest", "no_speed"):
        return (option.price_usd, -(shown_speed(option.bottleneck_tok_s) or 0), memory, option.name)
    return (-_primary(option, sort), option.price_usd, memory, option.name)


def money(value):
    return f"${value:,.0f}"


def _compared_with_leader(option: Option, leader: Option):
    """How an option differs from #1, in words: speed first, then price."""
    speed, top = option.bottleneck_tok_s, leader.bottleneck_tok_s
    parts = []
    if speed and top:
        percent = round((speed / top - 1) * 100)
        if percent == 0:
            parts.append("as fast as #1")
        else:
            parts.append(f"{abs(percent)}% {'faster' if percent > 0 else 'slower'} than #1")
    diff = leader.price_usd - option.price_usd
    if diff:
        parts.append(f"{money(abs(diff))} {'cheaper' if diff > 0 else 'more'}")
    else:
        parts.append("at the same price")
    text = " and ".join(parts)
    return text[0].upper() + text[1:]


def _why(option: Option, leader: Option, sort: str):
    """One plain sentence: where the option stands against #1, and any model it can hold only
    with part of it in system RAM (the speed and quant have their own columns)."""
    first = LEADER_TEXT[sort] if option.rank == 1 else _compared_with_leader(option, leader)
    offloaded = [run.model.name for run in option.runs if run.verdict == "partial_offload"]
    if offloaded:
        first += f"; {' and '.join(offloaded)} with part of it in system RAM"
    return first + "."


def rank(options: list[Option], sort: str):
    if sort != "cheapest" and not any(o.bottleneck_tok_s for o in options):
        sort = "no_speed"
    ordered = sorted(options, key=lambda o: _sort_key(o, sort))
    ranked = [replace(option, rank=index) for index, option in enumerate(ordered, 1)]
    leader = ranked[0] if ranked else None
    final = [replace(o, why=_why(o, leader, sort)) for o in ranked]
    return tuple(final), RANKING_RULES[sort]


def _scope(needs: Needs):
    if needs.max_gpus == 2:
        return "card, pair of cards or machine"
    return "single card or machine"


def limits(needs: Needs, in_budget: list[Option], ladder, cheapest_over: Option | None):
    budget = money(needs.budget_usd)
    if not in_budget:
        text = f"Nothing that matches your filters costs {budget} or less"
        if cheapest_over:
            price = money(cheapest_over.price_usd)
            text += f"; the cheapest is {cheapest_over.name} at {price}"
        return [text + "."]
    limits = []
    floor = ladder[-1].name
    for index, wanted in enumerate(needs.models):
        pairs = [(option, option.runs[index]) for option in in_budget]
        if any(run.meets for _option, run in pairs):
            continue
        fitting = [(o, r) for o, r in pairs if r.verdict == "fits" and r.tok_s]
        if wanted.is_text and fitting:
            option, run = max(fitting, key=lambda pair: pair[1].tok_s)
            limits.append(
                f"Nothing within {budget} runs {wanted.name} at {needs.min_tok_s:g} tok/s or "
                f"faster; the fastest is {option.name} at about {run.tok_s:.0f} tok/s "
                f"({run.quant})."
            )
            continue
        text = f"No {_scope(needs)} within {budget} fits {wanted.name} at {floor} in GPU memory."
        offloaded = [(o, r) for o, r in pairs if r.verdict == "partial_offload" and r.tok_s]
        if offloaded:
            option, run = max(offloaded, key=lambda pair: pair[1].tok_s)
            text += (
                f" With part of it in system RAM, {option.name} manages about "
                f"{run.tok_s:.1f} tok/s."
            )
        limits.append(text)
    if not limits and not any(option.meets_all for option in in_budget):
        limits.append(
            f"Each model runs on something within {budget}, but no single option within "
            "budget runs all of them."
        )
    return limits
