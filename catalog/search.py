"""What site search finds in the catalog (registered in CatalogConfig.ready)."""

from core.search import Kind


def describe_hardware(hardware):
    """A card's result line: what it is and its memory, not the editors' spec notes."""
    parts = [hardware.get_kind_display()]
    if hardware.memory_gb:
        parts.append(f"{hardware.memory_gb:g} GB {hardware.memory_type}".strip())
    parts.append(f"{hardware.bandwidth_gb_s:g} GB/s")
    if hardware.launch_year:
        parts.append(f"launched {hardware.launch_year}")
    return " · ".join(parts)


def describe_model(model):
    """A model's result line: who made it, its size and what it is for."""
    parts = [model.organisation, f"{model.params_b:g}B parameters", model.get_modality_display()]
    if model.use_cases:
        parts.append(", ".join(model.use_cases))
    if model.max_context:
        parts.append(f"{model.max_context:,} tokens of context")
    return " · ".join(parts)


KINDS = [
    Kind(
        "hardware",
        "Hardware",
        "catalog.Hardware",
        ("name", "slug"),
        ("memory_type", "notes"),
        describe=describe_hardware,
    ),
    Kind(
        "models",
        "Models",
        "catalog.Model",
        ("name", "slug"),
        ("organisation", "notes"),
        describe=describe_model,
    ),
    Kind("tools", "Tools", "catalog.Runtime", ("name", "slug"), ("notes", "install_command")),
]
