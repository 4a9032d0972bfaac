"""Choose my GPU, part two: order the options that meet every need and explain the order.

Every sentence a visitor reads about an option (why it ranks where it does, why two equal
scores were split, what the budget cannot buy) is written here from the numbers the search in
estimator.choose computed, so the page never states a reason the ranking did not use.
"""

from __future__ import annotations

from dataclasses import replace
from itertools import groupby
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from estimator.choose import Needs, Option


def shown_speed(tok_s):
    """A speed as the page shows it: whole tok/s, or tenths below 10 tok/s."""
    if tok_s is None:
        return None
    return round(tok_s) if tok_s >= 10 else round(tok_s, 1)


LEADER_TEXT = {
    "fastest": "The fastest option within budget",
    "value": "The most speed per dollar within budget",
    "cheapest": "The cheapest option that meets every need",
}
RANKING_RULES = {
    "fastest": (
        "Ranked by the decode speed of the slowest model you chose, as shown (whole tok/s, "
        "tenths below 10); equal speeds go to the lower price, then the larger memory, then "
        "the name."
    ),
    "value": (
        "Ranked by tok/s per $1,000 (the slowest chosen model's speed over the price, to one "
        "decimal); equal values go to the lower price, then the larger memory, then the name."
    ),
    "cheapest": (
        "Ranked by price; equal prices go to the faster option, then the larger memory, "
        "then the name."
    ),
    "no_speed": (
        "Image models have no speed estimate, so options are ranked by price (lowest first), "
        "then by the larger memory, then by name."
    ),
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


def _tie_note(option: Option, other: Option, sort: str):
    what = {"fastest": "speed", "value": "speed per dollar"}.get(sort, "price")
    if sort in ("fastest", "value") and option.price_usd != other.price_usd:
        reason = "costs less"
    elif (option.memory_gb or 0) != (other.memory_gb or 0):
        reason = "has more memory"
    elif sort in ("cheapest", "no_speed") and option.bottleneck_tok_s != other.bottleneck_tok_s:
        reason = "is faster"
    else:
        return f"Tied with #{other.rank} on {what}, price and memory; the two are listed by name."
    winner = "this one" if option.rank < other.rank else f"#{other.rank}"
    return f"Tied with #{other.rank} on {what}; {winner} comes first because it {reason}."


def money(value):
    return f"${value:,.0f}"


def _why(option: Option, leader: Option, sort: str, names: list[str]):
    if option.rank == 1:
        first = LEADER_TEXT.get(sort, LEADER_TEXT["cheapest"])
    else:
        diff = leader.price_usd - option.price_usd
        cost = f"{money(abs(diff))} {'less' if diff > 0 else 'more'}" if diff else "same price"
        speed, top = option.bottleneck_tok_s, leader.bottleneck_tok_s
        if speed and top:
            first = f"{speed / top * 100:.0f}% of #1's speed, {cost}"
        else:
            first = f"{cost} than #1" if diff else "Same price as #1"
    lower = [run for run in option.runs if (run.quant, run.verdict) != (names[0], "fits")]
    if not lower:
        second = f"room for {names[0]} on every model"
    else:
        run = max(lower, key=lambda r: (r.verdict != "fits", names.index(r.quant)))
        second = f"{run.model.name} at {run.quant}"
        if run.verdict == "partial_offload":
            second += " with part of it in system RAM"
    memory = f"{option.memory_gb:g} GB: " if option.memory_gb else ""
    return f"{first}; {memory}{second}."


def rank(options: list[Option], sort: str, ladder):
    if sort != "cheapest" and not any(o.bottleneck_tok_s for o in options):
        sort = "no_speed"
    ordered = sorted(options, key=lambda o: _sort_key(o, sort))
    ranked = [replace(option, rank=index) for index, option in enumerate(ordered, 1)]
    final = []
    # Equal shown scores sit next to each other in the sorted list.
    for _score, group in groupby(ranked, key=lambda o: _primary(o, sort)):
        group = list(group)
        for option in group:
            others = [other for other in group if other is not option][:2]
            note = " ".join(_tie_note(option, other, sort) for other in others)
            final.append(replace(option, tie_note=note))
    leader = final[0] if final else None
    names = [q.name for q in ladder]
    final = [replace(o, why=_why(o, leader, sort, names)) for o in final]
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
