"""An in-process copy of the published catalog, rebuilt whenever the content version changes.

The catalog is small (hundreds of rows) and read on every estimate. Each worker keeps the rows
it needs in memory and checks the site-wide content version (one cache read) per request; an
editor's save bumps the version, so every worker rebuilds on its next request. With the cache
unreachable there is no version to trust, so the snapshot is rebuilt once per request (a page
asks for it a dozen times; rebuilding for every use made pages several times slower exactly
when the cache was already down).
"""

import contextvars
import threading
from dataclasses import dataclass, field
from functools import cached_property

from django.core.signals import request_finished, request_started

from catalog.models import VARIANT_SLUG, Benchmark, Hardware, Model, QuantFormat
from core.caching import content_version

_lock = threading.Lock()
_current = None
# While a request is served: a dict holding the snapshot built without a content version, so
# it is built at most once per request. Outside requests (commands, shells) it is None.
_request_scope = contextvars.ContextVar("snapshot_request_scope", default=None)
_SNAPSHOT = object()  # the snapshot's key in the request scope, apart from `cached` keys


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
        scope = _request_scope.get()
        if scope is None:
            return _build(None)
        if _SNAPSHOT not in scope:
            scope[_SNAPSHOT] = _build(None)
        return scope[_SNAPSHOT]
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
    the whole snapshot); without a version, once per request."""
    version = content_version()
    if version is None:
        scope = _request_scope.get()
        if scope is None:
            return compute()
        if key not in scope:
            scope[key] = compute()
        return scope[key]
    with _lock:
        if _derived["version"] != version:
            _derived["version"], _derived["values"] = version, {}
        values = _derived["values"]
    if key not in values:
        values[key] = compute()
    return values[key]


def _open_request_scope(**kwargs):
    _request_scope.set({})


def _close_request_scope(**kwargs):
    _request_scope.set(None)


request_started.connect(_open_request_scope, dispatch_uid="catalog.snapshot.open_scope")
request_finished.connect(_close_request_scope, dispatch_uid="catalog.snapshot.close_scope")
