"""An in-process copy of the published catalog, rebuilt whenever the content version changes.

The catalog is small (hundreds of rows) and read on every estimate. Each worker keeps the rows
it needs in memory and checks the site-wide content version (one cache read) per request; an
editor's save bumps the version, so every worker rebuilds on its next request. With the cache
unreachable there is no version to trust, so the snapshot is rebuilt for every use.
"""

import threading
from dataclasses import dataclass, field
from functools import cached_property

from catalog.models import VARIANT_SLUG, Benchmark, Hardware, Model, QuantFormat
from core.caching import content_version

_lock = threading.Lock()
_current = None


@dataclass
class Snapshot:
    version: object
    hardware: dict = field(default_factory=dict)  # slug -> Hardware
    models: dict = field(default_factory=dict)  # slug -> Model
    quants: dict = field(default_factory=dict)  # name -> QuantFormat
    benchmarks: list = field(default_factory=list)  # published, with related rows

    @cached_property
    def _by_model_quant(self):
        index = {}
        for b in self.benchmarks:
            index.setdefault((b.model_id, b.quant_id), []).append(b)
        return index

    def measurements(self, model, quant, hardware=None):
        """Published benchmarks of a model at a quant, on one piece of hardware if given."""
        rows = self._by_model_quant.get((model.pk, quant.pk), [])
        if hardware is None:
            return list(rows)
        return [b for b in rows if b.hardware_id == hardware.pk]


def resolve_hardware(slug):
    """(hardware, memory_gb) like HardwareQuerySet.resolve, from the snapshot; None if unknown."""
    snapshot = current()
    hardware = snapshot.hardware.get(slug)
    if hardware:
        return hardware, hardware.memory_gb
    match = VARIANT_SLUG.match(slug)
    if match:
        base = snapshot.hardware.get(match["base"])
        memory_gb = int(match["memory"])
        if base and memory_gb in base.memory_options_gb:
            return base, float(memory_gb)
    return None


def _build(version):
    return Snapshot(
        version=version,
        hardware={hw.slug: hw for hw in Hardware.objects.for_listing()},
        models={m.slug: m for m in Model.objects.for_listing()},
        quants={q.name: q for q in QuantFormat.objects.published()},
        benchmarks=list(Benchmark.objects.for_listing().order_by("gpu_count", "context_tokens")),
    )


def current():
    global _current
    version = content_version()
    if version is None:
        return _build(None)
    snapshot = _current
    if snapshot is not None and snapshot.version == version:
        return snapshot
    with _lock:
        if _current is None or _current.version != version:
            _current = _build(version)
        return _current


_derived = {"version": None, "values": {}}


def cached(key, compute):
    """A value derived from the catalog, computed once per content version (without loading
    the whole snapshot)."""
    version = content_version()
    if version is None:
        return compute()
    with _lock:
        if _derived["version"] != version:
            _derived["version"], _derived["values"] = version, {}
        values = _derived["values"]
    if key not in values:
        values[key] = compute()
    return values[key]
