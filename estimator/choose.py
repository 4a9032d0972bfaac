"""Choose my GPU: rank hardware that runs the chosen models, within a budget. Pure Python.

Every configuration (a piece of hardware, alone or as a pair of cards) is checked against
every chosen model at every quant on the quality ladder. Memory need and decode speed are both
monotonic in bits per weight, so a binary search over the ladder finds the best quant for a
model with a handful of engine runs instead of one per quant, and nothing slower than that is
ever computed: a model whose weights alone exceed the configuration's memory is rejected by
arithmetic, and hardware over budget is only evaluated, cheapest first, until the "just over
budget" list is full.
"""

import bisect
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace

from estimator import engine
from estimator.calibration import Calibration
from estimator.constants import DEFAULT_CONTEXT_TOKENS, MARKETED_MEMORY_BYTES_PER_GB
from estimator.memory import weights_bytes
from estimator.ranking import limits, money, rank, shown_speed
from estimator.specs import HardwareSpec, ModelSpec, QuantSpec

MULTI_GPU_KINDS = frozenset({"discrete_gpu", "datacenter_gpu"})
# A form factor keeps the kinds of hardware sold in it. A laptop GPU (a discrete GPU soldered
# into a laptop) is a kind of its own here: sold in laptops, never as a desktop card.
LAPTOP_GPU = "laptop_gpu"
FORM_FACTOR_KINDS = {
    "any": frozenset({"discrete_gpu", LAPTOP_GPU, "datacenter_gpu", "apple_silicon", "apu", "cpu"}),
    "desktop": frozenset({"discrete_gpu", "apu", "cpu"}),
    "laptop": frozenset({"apple_silicon", "apu", LAPTOP_GPU}),
    "mac": frozenset({"apple_silicon"}),
}
VERDICT_TEXT = {
    "fits": "fits",
    "partial_offload": "partial offload",
    "does_not_fit": "does not fit",
}
# The catalog has no stock data: "new only" keeps hardware launched within this many years;
# older cards appear only when used is allowed, at a recorded used-market price where there is
# one and at their launch MSRP (said so) where there is none.
NEW_WITHIN_YEARS = 4
OVER_BUDGET_SHOWN = 3
RANKED_SHOWN = 25
# Two quants closer than this in size are the same size for the quality ladder.
SAME_SIZE_TOLERANCE = 0.01


@dataclass(frozen=True)
class Candidate:
    """A piece of hardware as sold: one unit, with its price when the catalog has one."""

    slug: str
    name: str
    kind: str
    vendor: str  # vendor slug: nvidia, amd, apple, intel, ...
    spec: HardwareSpec  # one unit
    price_usd: float | None = None
    price_basis: str = ""  # used | street | msrp | ""
    price_date: object = None  # datetime.date of a used or street price
    price_source_url: str = ""
    price_seller: str = ""  # where a used price was seen
    used_price_missing: bool = False  # used allowed, but no used price is on record
    price_stale: bool = False  # the dated price is past the catalog's freshness rule
    tdp_w: int | None = None
    launch_year: int | None = None
    memory_gb: float | None = None
    laptop_gpu: bool = False  # soldered into a laptop: not a card to buy on its own


def _sold_as(candidate: Candidate) -> str:
    """The kind of hardware as it is sold: a laptop GPU apart from desktop cards."""
    return LAPTOP_GPU if candidate.laptop_gpu else candidate.kind


def _pairs(candidate: Candidate) -> bool:
    """Whether two of these can go in one machine."""
    return _sold_as(candidate) in MULTI_GPU_KINDS


@dataclass(frozen=True)
class Wanted:
    """A model the visitor wants to run."""

    slug: str
    name: str
    spec: ModelSpec
    file_sizes: tuple = ()  # (quant name, bytes) of the files published for this model

    def sized(self, ladder):
        """The ladder with this model's published file sizes, as the bridge asks the engine."""
        sizes = dict(self.file_sizes)
        return tuple(replace(q, file_size_bytes=sizes.get(q.name)) for q in ladder)

    @property
    def is_text(self):
        return self.spec.modality == "text"


@dataclass(frozen=True)
class Needs:
    budget_usd: float
    models: tuple[Wanted, ...]
    min_tok_s: float = 10.0
    context_tokens: int = DEFAULT_CONTEXT_TOKENS
    platform: str = "any"  # any, or a vendor slug
    form_factor: str = "any"
    used_allowed: bool = False
    max_gpus: int = 1
    sort: str = "fastest"
    current_year: int = 2026


@dataclass(frozen=True)
class Speed:
    """A decode speed and where it comes from (measured, community, scaled or estimated)."""

    tok_s: float
    basis: str = "estimated"
    source_url: str = ""


# (hardware slug, model slug, quant name, the engine's estimate, GPU count) -> the speed to
# show. Which basis a configuration's speed gets is the lookup's rule (estimator.bridge for the
# site's pages), never this module's.
SpeedLookup = Callable[[str, str, str, engine.Estimate, int], Speed]


def estimated_only(hardware_slug, model_slug, quant_name, estimate, gpu_count):
    """The lookup for a catalog without measurements: every speed is the estimate."""
    return Speed(estimate.decode_tok_s.expected)


@dataclass(frozen=True)
class ModelRun:
    """How one configuration runs one model: the best quant on the ladder that meets the need,
    or, when none does, the closest it gets."""

    model: Wanted
    verdict: str  # fits | partial_offload | does_not_fit
    quant: str = ""
    speed: Speed | None = None
    meets: bool = False
    problem: str = ""

    @property
    def tok_s(self):
        return self.speed.tok_s if self.speed else None

    @property
    def rounded_tok_s(self):
        """To a tenth, as the API gives the same speed."""
        return round(self.tok_s, 1) if self.speed else None

    @property
    def verdict_text(self):
        return VERDICT_TEXT[self.verdict]

    @property
    def shown_tok_s(self):
        return shown_speed(self.tok_s)


@dataclass(frozen=True)
class Option:
    candidate: Candidate
    gpu_count: int
    runs: tuple[ModelRun, ...]
    price_usd: float | None
    older: bool = False  # launched before the "new only" window: likely bought used
    rank: int = 0
    why: str = ""

    @property
    def name(self):
        return f"2 × {self.candidate.name}" if self.gpu_count == 2 else self.candidate.name

    @property
    def memory_gb(self):
        memory = self.candidate.memory_gb
        return memory * self.gpu_count if memory else None

    @property
    def power_w(self):
        tdp = self.candidate.tdp_w
        return tdp * self.gpu_count if tdp else None

    @property
    def meets_all(self):
        return all(run.meets for run in self.runs)

    @property
    def bottleneck_tok_s(self):
        """The slowest decode speed among the chosen text models (what limits the machine)."""
        speeds = [run.tok_s for run in self.runs if run.model.is_text and run.tok_s]
        return min(speeds) if speeds else None

    @property
    def tok_s_per_1000_usd(self):
        if not self.price_usd or not self.bottleneck_tok_s:
            return None
        return self.bottleneck_tok_s / self.price_usd * 1000


@dataclass(frozen=True)
class Choice:
    needs: Needs
    ladder: tuple[QuantSpec, ...]
    ranked: tuple[Option, ...]
    over_budget: tuple[Option, ...]
    limits: tuple[str, ...]
    unpriced: tuple[Option, ...]
    ranking_rule: str
    evaluated: int  # configuration x model pairs the engine looked at
    matching: int  # configurations that passed the filters

    @property
    def shown(self):
        return self.ranked[:RANKED_SHOWN]

    @property
    def not_shown(self):
        return max(0, len(self.ranked) - RANKED_SHOWN)

    @property
    def caveats(self):
        """Plain-words notes on the options shown: only those that apply to one of them."""
        options = (*self.shown, *self.over_budget)
        runs = [run for option in options for run in option.runs]
        bases = {option.candidate.price_basis for option in options}
        notes = []
        if "used" in bases:
            notes.append(
                "Used prices are recorded used-market listings, each dated and linked; "
                "check current listings before you buy."
            )
        unpriced_used = list(
            dict.fromkeys(
                o.candidate.name for o in options if o.candidate.used_price_missing and o.older
            )
        )
        if unpriced_used:
            notes.append(
                f"No used price is on record for {', '.join(unpriced_used)}, so the price shown "
                "is the new one; older cards usually sell used for less."
            )
        if "msrp" in bases and not unpriced_used:
            notes.append("Prices marked launch MSRP have no recorded street price.")
        if any(option.gpu_count == 2 for option in options):
            notes.append(
                "A pair of cards holds a larger model than one card, but is not faster: "
                "llama.cpp splits the layers between them, and both draw power."
            )
        if any(run.verdict == "partial_offload" for run in runs):
            notes.append(
                "Where part of a model sits in system RAM, that part runs at system RAM speed, "
                "far slower than GPU memory."
            )
        if any(not wanted.is_text for wanted in self.needs.models):
            notes.append("Image models are checked for fit only: there is no speed estimate.")
        return notes


@dataclass
class _Search:
    """Engine runs for one configuration and one model, each quant computed at most once."""

    spec: HardwareSpec
    wanted: Wanted
    ladder: Sequence[QuantSpec]
    context: int
    calibration: Calibration
    slug: str
    speed_lookup: SpeedLookup
    estimates: dict = field(default_factory=dict)

    def request(self, index):
        return engine.EstimateRequest(
            hardware=self.spec,
            model=self.wanted.spec,
            quant=self.ladder[index],
            context_tokens=self.context,
        )

    def fits(self, index):
        return engine.fits(self.request(index))

    def estimate(self, index):
        if index not in self.estimates:
            self.estimates[index] = engine.estimate(self.request(index), self.calibration)
        return self.estimates[index]

    def speed(self, index):
        result = self.estimate(index)
        if result.decode_tok_s is None:
            return None
        quant_name = self.ladder[index].name
        return self.speed_lookup(
            self.slug, self.wanted.slug, quant_name, result, self.spec.gpu_count
        )


def first_true(low, high, predicate):
    """The first index in [low, high) where a monotonic predicate holds, else high. The low end
    is tried first: the best quant usually qualifies, and then one engine run is enough."""
    if low >= high or predicate(low):
        return low
    low += 1
    while low < high:
        middle = (low + high) // 2
        if predicate(middle):
            high = middle
        else:
            low = middle + 1
    return low


def quant_ladder(quants: Iterable[tuple[QuantSpec, float | None]], floor_name: str):
    """GGUF quants from best to worst quality, down to the floor: each one smaller and worse
    than the last by measured perplexity; a quant that another beats on both size and
    quality is left out. quants: (spec, perplexity increase) pairs; unmeasured ones are skipped.
    """
    measured = sorted(
        ((q, ppl) for q, ppl in quants if q.family == "gguf" and ppl is not None),
        key=lambda pair: (pair[1], pair[0].bits_per_weight),
    )
    ladder = []
    for quant, _ppl in measured:
        if not ladder or quant.bits_per_weight < ladder[-1].bits_per_weight * (
            1 - SAME_SIZE_TOLERANCE
        ):
            ladder.append(quant)
    names = [q.name for q in ladder]
    if floor_name in names:
        ladder = ladder[: names.index(floor_name) + 1]
    return tuple(ladder)


def _capacity_bytes(spec: HardwareSpec):
    """Everything the weights could occupy: GPU memory plus (separate) system RAM."""
    gpu = (
        spec.memory_gb
        * MARKETED_MEMORY_BYTES_PER_GB
        * (1 if spec.unified_memory else len(spec.cards()))
    )
    ram = 0.0 if spec.unified_memory else spec.system_ram_gb * MARKETED_MEMORY_BYTES_PER_GB
    return gpu + ram, gpu


def best_run(search: _Search, min_tok_s: float) -> ModelRun:
    """The highest-quality quant that meets the need, preferring a full fit in GPU memory."""
    wanted, ladder = search.wanted, search.ladder
    floor = len(ladder) - 1
    total_bytes, gpu_bytes = _capacity_bytes(search.spec)
    floor_weights = weights_bytes(wanted.spec, ladder[floor])
    if floor_weights > total_bytes:
        return ModelRun(
            wanted,
            "does_not_fit",
            problem=f"needs {floor_weights / 1e9:.0f} GB for weights alone at {ladder[floor].name}",
        )
    # Quants whose weights alone exceed GPU memory cannot fit fully: start after them.
    start = first_true(0, len(ladder), lambda i: weights_bytes(wanted.spec, ladder[i]) <= gpu_bytes)
    fit = first_true(start, len(ladder), search.fits)
    if not wanted.is_text:
        if fit < len(ladder):
            return ModelRun(wanted, "fits", ladder[fit].name, meets=True)
        verdict = search.estimate(floor).verdict
        return ModelRun(
            wanted, verdict, ladder[floor].name, problem="does not fit in GPU memory at any quant"
        )

    def fast_enough(index):
        speed = search.speed(index)
        return speed is not None and speed.tok_s >= min_tok_s

    if fit < len(ladder):
        found = first_true(fit, len(ladder), fast_enough)
        if found < len(ladder):
            return ModelRun(wanted, "fits", ladder[found].name, search.speed(found), meets=True)
        return ModelRun(
            wanted,
            "fits",
            ladder[floor].name,
            search.speed(floor),
            problem=f"below {min_tok_s:g} tok/s even at {ladder[floor].name}",
        )
    # Nothing fits in GPU memory: part of the model in system RAM, or a CPU-only machine.
    floor_result = search.estimate(floor)
    if floor_result.verdict == "does_not_fit":
        return ModelRun(wanted, "does_not_fit", ladder[floor].name, problem="does not fit")
    if not fast_enough(floor):
        where = "with offload to system RAM" if floor_result.verdict != "fits" else "on the CPU"
        return ModelRun(
            wanted,
            floor_result.verdict,
            ladder[floor].name,
            search.speed(floor),
            problem=f"below {min_tok_s:g} tok/s {where}",
        )
    found = first_true(0, floor, fast_enough)
    return ModelRun(
        wanted, search.estimate(found).verdict, ladder[found].name, search.speed(found), meets=True
    )


def is_older(candidate: Candidate, needs: Needs):
    year = candidate.launch_year
    return year is None or year < needs.current_year - NEW_WITHIN_YEARS


def matches_filters(candidate: Candidate, needs: Needs):
    return (
        _sold_as(candidate) in FORM_FACTOR_KINDS[needs.form_factor]
        and needs.platform in ("any", candidate.vendor)
        and (needs.used_allowed or not is_older(candidate, needs))
    )


class _Evaluator:
    """Runs configurations through best_run, each at most once per request."""

    def __init__(self, needs, ladder, calibration, speed_lookup):
        self.needs, self.ladder = needs, ladder
        self.calibration, self.speed_lookup = calibration, speed_lookup
        self.done = {}
        self.evaluated = 0
        self.ladder_index = {quant.name: index for index, quant in enumerate(ladder)}

    def option(self, candidate: Candidate, gpu_count: int) -> Option | None:
        """The configuration's runs; None for a pair that does nothing one card cannot."""
        key = (candidate.slug, gpu_count)
        if key not in self.done:
            self.done[key] = self._evaluate(candidate, gpu_count)
        return self.done[key]

    def _evaluate(self, candidate, gpu_count):
        if gpu_count == 2:
            single = self.option(candidate, 1)
            if all(self._quality(run) == (True, True, 0) for run in single.runs):
                return None  # one card already runs everything at the top of the ladder
        spec = candidate.spec if gpu_count == 1 else replace(candidate.spec, gpu_count=gpu_count)
        runs = []
        for wanted in self.needs.models:
            search = _Search(
                spec,
                wanted,
                wanted.sized(self.ladder),
                self.needs.context_tokens,
                self.calibration,
                candidate.slug,
                self.speed_lookup,
            )
            runs.append(best_run(search, self.needs.min_tok_s))
            self.evaluated += 1
        option = Option(
            candidate,
            gpu_count,
            tuple(runs),
            candidate.price_usd * gpu_count if candidate.price_usd else None,
            older=is_older(candidate, self.needs),
        )
        if gpu_count == 2:
            single = self.option(candidate, 1)
            pairs = zip(option.runs, single.runs, strict=True)
            if not any(self._quality(a) > self._quality(b) for a, b in pairs):
                return None
        return option

    def _quality(self, run: ModelRun):
        index = self.ladder_index.get(run.quant, len(self.ladder))
        return (run.meets, run.verdict == "fits", -index)


def choose(
    candidates: Iterable[Candidate],
    needs: Needs,
    ladder: Sequence[QuantSpec],
    calibration: Calibration,
    speed_lookup: SpeedLookup = estimated_only,
) -> Choice:
    """Rank the configurations within budget that meet every need, find the nearest ones just
    over budget, and say what the budget cannot do."""
    evaluator = _Evaluator(needs, ladder, calibration, speed_lookup)
    matching = [c for c in candidates if matches_filters(c, needs)]
    unpriced = tuple(
        Option(c, 1, (), None, older=is_older(c, needs)) for c in matching if not c.price_usd
    )
    configurations = [
        (c.price_usd * count, c, count)
        for c in matching
        if c.price_usd
        for count in ((1, 2) if needs.max_gpus == 2 and _pairs(c) else (1,))
    ]
    configurations.sort(key=lambda item: (item[0], item[1].slug, item[2]))
    prices = [price for price, _c, _n in configurations]
    split = bisect.bisect_right(prices, needs.budget_usd)
    in_budget = [
        option
        for _price, candidate, count in configurations[:split]
        if (option := evaluator.option(candidate, count)) is not None
    ]
    over_budget = []
    for _price, candidate, count in configurations[split:]:
        if len(over_budget) == OVER_BUDGET_SHOWN:
            break
        option = evaluator.option(candidate, count)
        if option is not None and option.meets_all:
            over = money(option.price_usd - needs.budget_usd)
            over_budget.append(replace(option, why=f"{over} over your budget."))
    ranked, rule = rank([o for o in in_budget if o.meets_all], needs.sort)
    cheapest_over = None
    if split < len(configurations):
        price, candidate, count = configurations[split]
        cheapest_over = Option(candidate, count, (), price)
    return Choice(
        needs=needs,
        ladder=tuple(ladder),
        ranked=ranked,
        over_budget=tuple(over_budget),
        limits=tuple(limits(needs, in_budget, ladder, cheapest_over)),
        unpriced=unpriced,
        ranking_rule=rule,
        evaluated=evaluator.evaluated,
        matching=len(matching),
    )
