"""What visitors and scripts type, read into the estimator's terms: runtime names as people
write them, a list of mixed GPUs, and raw model specs (with what is borrowed, and from where)."""

import re

from estimator.constants import RUNTIMES

# Shape values a raw model may borrow from the catalog model nearest in size when not given.
# Limits (max_context) and attention layout (sliding window, MLA, experts) are never borrowed.
BORROWABLE_SHAPE = (
    "layers",
    "kv_heads",
    "head_dim",
    "hidden_size",
    "attention_heads",
    "vocab_size",
)
RAW_MODEL_FIELDS = (
    "params_b",
    "active_params_b",
    "layers",
    "kv_heads",
    "head_dim",
    "sliding_window",
    "full_attention_layers",
)
# A raw model is its own model: nothing of the nearest catalog model's identity, limits or
# attention layout carries over unless the caller gives it.
RAW_MODEL_RESET = {
    "max_context": 0,
    "attention_kind": "gqa",
    "sliding_window": None,
    "full_attention_layers": None,
    "kv_lora_rank": None,
    "rope_head_dim": None,
    "expert_count": None,
    "experts_per_token": None,
    "shared_experts": None,
    "modality": "text",
    "slug": "custom-model",
    "hf_repo": "",
}
GPU_ENTRY = re.compile(r"^\s*(?P<slug>[a-z0-9-]+)\s*(?::\s*(?P<count>\d+))?\s*$")


def _normalised(name):
    return re.sub(r"[^a-z0-9]", "", name.lower())


_RUNTIME_NAMES = {
    **{_normalised(profile.name): slug for slug, profile in RUNTIMES.items()},
    **{_normalised(slug): slug for slug in RUNTIMES},
    "mlx": "mlx-lm",
    "exllama": "exllamav2",
}


def runtime_slug(value):
    """The runtime slug for a slug or a name as people write it (llama.cpp, LM Studio, any
    case or spacing); None when it names no runtime we know."""
    if not value:
        return None
    return _RUNTIME_NAMES.get(_normalised(str(value)))


def parse_gpus(value, resolve, max_total):
    """[(Hardware, memory_gb, count), ...] from 'rtx-4090:1,rtx-3090:2' (count defaults to 1),
    `resolve` being snapshot.resolve_hardware. Raises ValueError with a visitor's message."""
    cards, seen = [], set()
    for entry in value.split(","):
        match = GPU_ENTRY.match(entry.lower())
        if not match:
            raise ValueError(f"Write each card as slug:count, e.g. rtx-4090:1 (not “{entry}”).")
        slug, count = match["slug"], int(match["count"] or 1)
        found = resolve(slug)
        if found is None:
            raise ValueError(f"We have no hardware called “{slug}”.")
        if count < 1:
            raise ValueError(f"Give at least one {slug}.")
        if slug in seen:
            raise ValueError(f"{slug} is listed twice; give its count once.")
        seen.add(slug)
        cards.append((found[0], found[1], count))
    total = sum(count for _, _, count in cards)
    if total > max_total:
        raise ValueError(f"At most {max_total} GPUs in one machine (you listed {total}).")
    return cards


def raw_model_overrides(data, *, catalog_model=False):
    """ModelSpec changes for the raw model values given. A catalog model keeps its limits and
    layout; a model given only by its size gets none of its stand-in's (RAW_MODEL_RESET)."""
    given = {name: data[name] for name in RAW_MODEL_FIELDS if data.get(name)}
    overrides = {} if catalog_model else dict(RAW_MODEL_RESET)
    overrides.update(given)
    if given.get("params_b") and not given.get("active_params_b"):
        overrides["active_params_b"] = given["params_b"]
    if "sliding_window" in given:
        overrides["attention_kind"] = "sliding"
    return overrides


def borrowed_shape(data, nearest):
    """(name, value, source slug) for each shape value not given, taken from `nearest`."""
    return [
        (name, getattr(nearest, name), nearest.slug)
        for name in BORROWABLE_SHAPE
        if not data.get(name) and getattr(nearest, name)
    ]
