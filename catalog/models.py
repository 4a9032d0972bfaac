"""The catalog: hardware, models, quantization formats, runtimes and measured benchmarks."""

import datetime
import math
import re

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from core.workflow import Publishable, PublishableQuerySet


def split_sources(value):
    """A source cell holds one or more URLs separated by ' ; '."""
    return [part.strip() for part in (value or "").split(" ; ") if part.strip()]


class SourcedMixin:
    @property
    def source_urls(self):
        return split_sources(self.source_url)


VARIANT_SLUG = re.compile(r"^(?P<base>[a-z0-9-]+)-(?P<memory>\d+)gb$")


class Vendor(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=80, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class HardwareKind(models.TextChoices):
    DISCRETE_GPU = "discrete_gpu", "Discrete GPU"
    DATACENTER_GPU = "datacenter_gpu", "Data-centre GPU"
    APPLE_SILICON = "apple_silicon", "Apple Silicon"
    APU = "apu", "Unified-memory PC (APU)"
    CPU = "cpu", "CPU"


class Backend(models.TextChoices):
    CUDA = "cuda", "CUDA"
    ROCM = "rocm", "ROCm"
    METAL = "metal", "Metal"
    SYCL = "sycl", "SYCL"
    VULKAN = "vulkan", "Vulkan"
    CPU = "cpu", "CPU"


class Condition(models.TextChoices):
    NEW = "new", "New"
    USED = "used", "Used"


class UseCase(models.TextChoices):
    CHAT = "chat", "Chat"
    CODING = "coding", "Coding"
    REASONING = "reasoning", "Reasoning"
    VISION = "vision", "Vision"
    IMAGE = "image", "Image generation"
    SPEECH = "speech", "Speech"
    EMBEDDING = "embedding", "Embeddings"


# A street price older than this many days is shown as stale, never as the current price: GPU
# street prices move within weeks, and a quarter-old figure can mislead a buyer.
PRICE_FRESH_DAYS = 90


def price_is_stale(observed_on, today=None):
    """The one freshness rule for prices: undated, or observed more than PRICE_FRESH_DAYS ago."""
    if observed_on is None:
        return True
    today = today or timezone.localdate()
    return today - observed_on > datetime.timedelta(days=PRICE_FRESH_DAYS)


class HardwareQuerySet(PublishableQuerySet):
    def for_listing(self):
        return self.published().select_related("vendor")

    def resolve(self, slug):
        """The hardware for a slug, or for '<slug>-<N>gb' naming one of its memory configurations.

        Returns (hardware, memory_gb); raises Http404 when neither matches.
        """
        hardware = self.select_related("vendor").filter(slug=slug).first()
        if hardware:
            return hardware, hardware.memory_gb
        match = VARIANT_SLUG.match(slug)
        if match:
            base = self.select_related("vendor").filter(slug=match["base"]).first()
            memory_gb = int(match["memory"])
            if base and memory_gb in base.memory_options_gb:
                return base, float(memory_gb)
        raise Http404(f"No hardware called {slug!r}.")


class Hardware(SourcedMixin, Publishable):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=120)
    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, related_name="hardware")
    kind = models.CharField(max_length=20, choices=HardwareKind.choices, db_index=True)
    memory_gb = models.FloatField(
        null=True, blank=True, help_text="VRAM, or the largest unified-memory configuration."
    )
    memory_type = models.CharField(max_length=60, blank=True)
    bandwidth_gb_s = models.FloatField(help_text="Theoretical peak memory bandwidth, GB/s.")
    fp16_tflops = models.FloatField(null=True, blank=True, help_text="Dense FP16 tensor TFLOPS.")
    tdp_w = models.PositiveIntegerField(null=True, blank=True)
    launch_year = models.PositiveSmallIntegerField(null=True, blank=True)
    launch_msrp_usd = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    street_price_usd = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    street_price_date = models.DateField(null=True, blank=True)
    street_price_source_url = models.URLField(max_length=500, blank=True)
    interface = models.CharField(max_length=60, blank=True)
    architecture = models.CharField(
        max_length=30,
        blank=True,
        help_text="The chip's architecture generation (e.g. 'ada', 'rdna4', 'apple-m4'); "
        "the estimator calibrates each generation apart where it has measurements.",
    )
    gpu_dies = models.PositiveSmallIntegerField(
        default=1,
        validators=[MinValueValidator(1)],
        help_text="Dies the GPU is split across (2 for an Apple Ultra: two Max dies joined by "
        "UltraFusion); the estimator fits their generation speed apart.",
    )
    backend = models.CharField(
        max_length=10, choices=Backend.choices, help_text="The usual backend for this hardware."
    )
    backends = models.JSONField(
        default=list,
        blank=True,
        help_text="Every backend this hardware runs, usual one first; empty: only 'backend'.",
    )
    fp16_tflops_printed = models.FloatField(
        null=True, blank=True, help_text="The compute figure exactly as the vendor printed it."
    )
    fp16_tflops_convention = models.CharField(
        max_length=80,
        blank=True,
        help_text="What the printed figure counts, e.g. 'FP16 sparse', 'FP16 accumulate'.",
    )
    gpu_working_set_gb = models.FloatField(
        null=True,
        blank=True,
        help_text="Unified memory: the GPU working set the OS recommends (Apple's "
        "recommendedMaxWorkingSetSize), GB.",
    )
    memory_options_gb = models.JSONField(
        default=list, blank=True, help_text="Memory configurations sold (Apple Silicon, APUs)."
    )
    source_url = models.TextField(help_text="Spec source URL(s), separated by ' ; '.")
    notes = models.TextField(blank=True)
    popular = models.BooleanField(default=False, help_text="Shown in matrices on model pages.")
    history = HistoricalRecords()

    objects = HardwareQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "hardware"
        constraints = [
            models.CheckConstraint(
                condition=Q(memory_gb__isnull=True) | Q(memory_gb__gt=0),
                name="hardware_memory_positive",
            ),
            models.CheckConstraint(
                condition=Q(bandwidth_gb_s__gt=0), name="hardware_bandwidth_positive"
            ),
        ]
        indexes = [models.Index(fields=["status", "kind"]), models.Index(fields=["memory_gb"])]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("catalog:hardware_detail", args=[self.slug])

    @property
    def memory_variants(self):
        """(slug, memory_gb) for each memory configuration sold, when there are several."""
        if len(self.memory_options_gb) < 2:
            return []
        return [(f"{self.slug}-{gb}gb", gb) for gb in self.memory_options_gb]

    @property
    def backend_set(self):
        """Backends this hardware runs, the usual one first."""
        rest = [b for b in self.backends if b != self.backend]
        return [self.backend, *rest]

    @property
    def price_usd(self):
        """The street price when known, otherwise the launch MSRP."""
        return self.street_price_usd or self.launch_msrp_usd

    @property
    def price_basis(self):
        if self.street_price_usd:
            return "street"
        return "msrp" if self.launch_msrp_usd else ""

    price_fresh_days = PRICE_FRESH_DAYS

    @property
    def is_laptop_gpu(self):
        """A GPU soldered into laptops (its interface says so), not a card sold on its own."""
        return self.interface.lower().startswith("laptop")

    def take_new_price(self, point):
        """Make a dated new-condition offer the street price, unless a newer one is set: the
        one price every tool and listing ranks this hardware at."""
        if self.street_price_date and self.street_price_date > point.observed_on:
            return
        self.street_price_usd = point.price_usd
        self.street_price_date = point.observed_on
        self.street_price_source_url = point.source_url
        self.save(
            update_fields=["street_price_usd", "street_price_date", "street_price_source_url"]
        )

    @property
    def street_price_is_stale(self):
        """Whether the street price is past PRICE_FRESH_DAYS (or undated): shown as stale."""
        return price_is_stale(self.street_price_date)


class PricePointQuerySet(models.QuerySet):
    def latest_used(self):
        """{hardware id: PricePoint}: the most recent used-market price of each piece of
        hardware (the lowest one when a day has several)."""
        latest = {}
        rows = self.filter(condition=Condition.USED).order_by(
            "hardware_id", "-observed_on", "price_usd"
        )
        for point in rows:
            latest.setdefault(point.hardware_id, point)
        return latest


class PricePoint(models.Model):
    """One observed street price, kept for the price history."""

    hardware = models.ForeignKey(Hardware, on_delete=models.CASCADE, related_name="prices")
    price_usd = models.DecimalField(max_digits=9, decimal_places=2)
    observed_on = models.DateField()
    retailer = models.CharField(max_length=80, blank=True)
    condition = models.CharField(max_length=4, choices=Condition.choices, default=Condition.NEW)
    source_url = models.URLField(max_length=500)

    objects = PricePointQuerySet.as_manager()

    class Meta:
        ordering = ["-observed_on"]
        constraints = [
            models.CheckConstraint(condition=Q(price_usd__gt=0), name="price_point_positive"),
        ]

    def __str__(self):
        return f"{self.hardware} ${self.price_usd} on {self.observed_on}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        if self.condition == Condition.NEW:
            self.hardware.take_new_price(self)

    fresh_days = PRICE_FRESH_DAYS

    @property
    def is_stale(self):
        return price_is_stale(self.observed_on)

    @staticmethod
    def latest_by_condition(points):
        """The newest point of each condition (new before used) among `points`."""
        latest = {}
        for point in sorted(points, key=lambda p: p.observed_on, reverse=True):
            latest.setdefault(point.condition, point)
        return [latest[c] for c in Condition.values if c in latest]


class ModelFamily(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=80, unique=True)
    organisation = models.CharField(max_length=80)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "model families"

    def __str__(self):
        return self.name


class Architecture(models.TextChoices):
    DENSE = "dense", "Dense"
    MOE = "moe", "Mixture of experts"


class AttentionKind(models.TextChoices):
    MHA = "mha", "Multi-head (MHA)"
    GQA = "gqa", "Grouped-query (GQA)"
    MLA = "mla", "Multi-head latent (MLA)"
    SLIDING = "sliding", "Sliding window / local-global"
    HYBRID = "hybrid", "Hybrid linear / full attention"


class Modality(models.TextChoices):
    TEXT = "text", "Text"
    IMAGE = "image", "Image generation"
    SPEECH = "speech", "Speech recognition"


class ModelQuerySet(PublishableQuerySet):
    def for_listing(self):
        return self.published().select_related("family")


# Model slugs keep the version dots people search for ("llama-3.1-8b", "qwen2.5-7b").
validate_model_slug = RegexValidator(
    r"^[a-z0-9]+(?:[.-][a-z0-9]+)*$", "Use lowercase letters, digits, dots and hyphens."
)


class Model(SourcedMixin, Publishable):
    """An open-weight model."""

    slug = models.CharField(max_length=80, unique=True, validators=[validate_model_slug])
    name = models.CharField(max_length=120)
    family = models.ForeignKey(ModelFamily, on_delete=models.PROTECT, related_name="models")
    organisation = models.CharField(max_length=80)
    params_b = models.FloatField(help_text="Total parameters, billions.")
    active_params_b = models.FloatField(help_text="Parameters used per token, billions.")
    architecture = models.CharField(max_length=10, choices=Architecture.choices)
    expert_count = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="MoE: routed experts per MoE layer (config.json)."
    )
    experts_per_token = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="MoE: routed experts each token uses."
    )
    shared_experts = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="MoE: experts every token uses besides the routed ones."
    )
    layers = models.PositiveIntegerField(null=True, blank=True)
    hidden_size = models.PositiveIntegerField(null=True, blank=True)
    attention_heads = models.PositiveIntegerField(null=True, blank=True)
    kv_heads = models.PositiveIntegerField(null=True, blank=True)
    head_dim = models.PositiveIntegerField(null=True, blank=True)
    vocab_size = models.PositiveIntegerField(null=True, blank=True)
    max_context = models.PositiveIntegerField(null=True, blank=True)
    attention_kind = models.CharField(max_length=10, choices=AttentionKind.choices, blank=True)
    attention_notes = models.CharField(max_length=255, blank=True)
    sliding_window = models.PositiveIntegerField(null=True, blank=True)
    full_attention_layers = models.PositiveIntegerField(null=True, blank=True)
    kv_lora_rank = models.PositiveIntegerField(null=True, blank=True)
    rope_head_dim = models.PositiveIntegerField(null=True, blank=True)
    modality = models.CharField(max_length=10, choices=Modality.choices, default=Modality.TEXT)
    license = models.CharField(max_length=200)
    release_date = models.DateField(null=True, blank=True)
    hf_repo = models.CharField(max_length=200, blank=True)
    use_cases = models.JSONField(
        default=list, blank=True, help_text="What the model is for: chat, coding, reasoning, ..."
    )
    use_cases_source_url = models.URLField(
        max_length=500, blank=True, help_text="Model card stating those uses."
    )
    ollama_tag = models.CharField(
        max_length=120, blank=True, help_text="Tag in the Ollama library, e.g. 'llama3.1:8b'."
    )
    ollama_source_url = models.URLField(max_length=500, blank=True)
    gguf_repo = models.CharField(
        max_length=200, blank=True, help_text="Hugging Face repo of the GGUF files."
    )
    mlx_repo = models.CharField(
        max_length=200, blank=True, help_text="Hugging Face repo of the MLX weights."
    )
    mmproj_gb = models.FloatField(
        null=True, blank=True, help_text="Vision projector (mmproj) file size, GB."
    )
    aux_weights_gb = models.FloatField(
        null=True,
        blank=True,
        help_text="Other weights loaded alongside (e.g. FLUX's T5 text encoder), GB.",
    )
    source_url = models.TextField()
    notes = models.TextField(blank=True)
    popular = models.BooleanField(default=False, help_text="Shown in matrices on hardware pages.")
    history = HistoricalRecords()

    objects = ModelQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(params_b__gt=0), name="model_params_positive"),
            models.CheckConstraint(
                condition=Q(active_params_b__gt=0) & Q(active_params_b__lte=models.F("params_b")),
                name="model_active_params_within_total",
            ),
            models.CheckConstraint(
                condition=Q(experts_per_token__isnull=True)
                | Q(expert_count__isnull=True)
                | Q(experts_per_token__lte=models.F("expert_count")),
                name="model_active_experts_within_total",
            ),
        ]
        indexes = [models.Index(fields=["status", "params_b"])]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("catalog:model_detail", args=[self.slug])

    @property
    def is_moe(self):
        return self.architecture == Architecture.MOE

    def clean(self):
        super().clean()
        if (
            self.expert_count
            and self.experts_per_token
            and (self.experts_per_token > self.expert_count)
        ):
            raise ValidationError(
                {"experts_per_token": "A token cannot use more experts than the layer has."}
            )


SIZE_CLASSES = [
    ("tiny", "Under 4B", 0, 4),
    ("small", "4–10B", 4, 10),
    ("medium", "10–40B", 10, 40),
    ("large", "40–100B", 40, 100),
    ("huge", "Over 100B", 100, 10_000),
]


class QuantFamily(models.TextChoices):
    GGUF = "gguf", "GGUF"
    AWQ = "awq", "AWQ"
    GPTQ = "gptq", "GPTQ"
    EXL2 = "exl2", "EXL2"
    MLX = "mlx", "MLX"
    FP = "fp", "Native floating point"


class QuantFormat(SourcedMixin, Publishable):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=40, unique=True)
    family = models.CharField(max_length=10, choices=QuantFamily.choices)
    bits_per_weight = models.FloatField(help_text="Average bits per weight.")
    bpw_nominal = models.FloatField(null=True, blank=True)
    bpw_basis = models.CharField(max_length=255, blank=True)
    quality_note = models.TextField(blank=True)
    ppl_delta_llama3_8b = models.FloatField(null=True, blank=True)
    source_url = models.TextField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-bits_per_weight", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(bits_per_weight__gt=0), name="quant_bpw_positive"),
        ]

    def __str__(self):
        return self.name


class ModelFile(models.Model):
    """A published quantized artefact of a model."""

    model = models.ForeignKey(Model, on_delete=models.CASCADE, related_name="files")
    quant = models.ForeignKey(QuantFormat, on_delete=models.PROTECT, related_name="files")
    size_bytes = models.BigIntegerField(null=True, blank=True)
    download_repo = models.CharField(max_length=200, blank=True)
    source_url = models.URLField(max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["model", "quant"], name="one_file_per_model_quant"),
            models.CheckConstraint(
                condition=Q(size_bytes__isnull=True) | Q(size_bytes__gt=0),
                name="model_file_size_positive",
            ),
        ]

    def __str__(self):
        return f"{self.model} {self.quant}"


class RuntimeKind(models.TextChoices):
    LLM_RUNTIME = "llm_runtime", "LLM runtime"
    UI = "ui", "Desktop / web UI"
    IMAGE = "image", "Image generation"
    SPEECH = "speech", "Speech"


class Runtime(SourcedMixin, Publishable):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=20, choices=RuntimeKind.choices)
    license = models.CharField(max_length=120)
    repo_url = models.URLField(max_length=300, blank=True)
    backends = models.JSONField(default=list, blank=True)
    formats = models.JSONField(default=list, blank=True)
    operating_systems = models.JSONField(default=list, blank=True)
    openai_compatible_api = models.BooleanField(default=False)
    multi_gpu = models.BooleanField(null=True, blank=True)
    install_command = models.TextField(blank=True)
    run_command = models.TextField(blank=True)
    source_url = models.TextField()
    notes = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("catalog:runtime_detail", args=[self.slug])

    @property
    def os_labels(self):
        return os_labels(self.operating_systems)

    def installs_by_os(self):
        """[(os value, label, [install routes])] for each OS the runtime supports, in a fixed
        Linux, macOS, Windows order; reads the prefetched `installs` where there is one."""
        routes = list(self.installs.all())
        return [
            (value, label, [r for r in routes if r.os == value])
            for value, label in OperatingSystem.choices
            if value in self.operating_systems
        ]

    def primary_install(self, os):
        return next((r for r in self.installs.all() if r.os == os), None)


class OperatingSystem(models.TextChoices):
    LINUX = "linux", "Linux"
    MACOS = "macos", "macOS"
    WINDOWS = "windows", "Windows"


def os_labels(values):
    """Stored OS values ("linux", "macos") as people write them, in a fixed order."""
    return [label for value, label in OperatingSystem.choices if value in values]


class RuntimeInstall(SourcedMixin, models.Model):
    """One documented way to install and start a runtime on one operating system."""

    runtime = models.ForeignKey(Runtime, on_delete=models.CASCADE, related_name="installs")
    os = models.CharField("operating system", max_length=10, choices=OperatingSystem.choices)
    method = models.CharField(max_length=60, help_text="e.g. Homebrew, winget, pip, Installer.")
    install_command = models.TextField(blank=True)
    download_url = models.URLField(
        max_length=300, blank=True, help_text="Official download page, for installer routes."
    )
    run_command = models.TextField(blank=True)
    source_url = models.TextField(help_text="Page(s) documenting these commands, ' ; ' between.")
    note = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(
        default=0,
        help_text="Lower first; the first route per OS is shown open, the others folded under it.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["runtime", "os", "position", "method"]
        constraints = [
            models.UniqueConstraint(
                fields=["runtime", "os", "method"], name="runtime_install_unique_method"
            ),
            models.CheckConstraint(
                condition=~Q(install_command="") | ~Q(download_url=""),
                name="runtime_install_has_route",
                violation_error_message="Give an install command or a download URL.",
            ),
        ]

    def __str__(self):
        return f"{self.runtime} on {self.get_os_display()} ({self.method})"

    def clean(self):
        # A route for an OS the runtime does not list would never be shown.
        if self.runtime_id and self.os and self.os not in self.runtime.operating_systems:
            raise ValidationError(
                {
                    "os": f"{self.runtime.name} does not list {self.get_os_display()}; add it to "
                    f"the runtime's operating systems first."
                }
            )


class BenchmarkQuerySet(PublishableQuerySet):
    def for_listing(self):
        return self.published().select_related("hardware", "model", "quant", "runtime")

    def verified(self):
        return self.published().filter(verified=True)


# What makes a benchmark the same measurement: the unique constraint, the seed loader and the
# admin import all key on it.
BENCHMARK_IDENTITY = (
    "hardware",
    "gpu_count",
    "model",
    "quant",
    "runtime",
    "backend",
    "context_tokens",
    "depth",
    "source_url",
)

# Plausible ceilings, far above any published measurement (decode peaks in the hundreds of
# tok/s for one stream, prefill in the tens of thousands): a number above them is a typo or an
# attack, and one that large would only break charts.
MAX_DECODE_TOK_S = 100_000
MAX_PREFILL_TOK_S = 1_000_000
MAX_BENCHMARK_TOKENS = 1_000_000
# A spreadsheet reads a cell starting with one of these as a formula (OWASP "CSV injection"),
# and the runtime version is submitter text that the public benchmarks CSV exports.
validate_not_a_formula = RegexValidator(
    r"^[=+\-@\t\r]",
    inverse_match=True,
    message="Start with a letter or digit (a leading =, +, - or @ is read as a formula).",
)


class Benchmark(Publishable):
    """One measured result, always traceable to a source URL.

    Public submissions arrive "in review" and unverified; editors verify (publish) or reject
    (archive) them. Only published rows appear on the site.
    """

    hardware = models.ForeignKey(Hardware, on_delete=models.PROTECT, related_name="benchmarks")
    gpu_count = models.PositiveSmallIntegerField(default=1)
    model = models.ForeignKey(Model, on_delete=models.PROTECT, related_name="benchmarks")
    quant = models.ForeignKey(QuantFormat, on_delete=models.PROTECT, related_name="benchmarks")
    runtime = models.ForeignKey(Runtime, on_delete=models.PROTECT, related_name="benchmarks")
    runtime_version = models.CharField(
        max_length=120, blank=True, validators=[validate_not_a_formula]
    )
    context_tokens = models.PositiveIntegerField(
        help_text="Prompt length for prefill, generated length for decode (llama-bench pN/nN)."
    )
    batch_size = models.PositiveSmallIntegerField(default=1)
    backend = models.CharField(
        max_length=10,
        choices=Backend.choices,
        blank=True,
        help_text="Backend the run used; empty means the hardware's usual one.",
    )
    prompt_tokens = models.PositiveIntegerField(
        null=True, blank=True, help_text="Prompt length of the prefill figure (llama-bench -p)."
    )
    depth = models.PositiveIntegerField(
        default=0, help_text="Tokens already in the context when measured (llama-bench -d)."
    )
    flash_attention = models.BooleanField(null=True, blank=True)
    decode_tok_s = models.FloatField(null=True, blank=True)
    prefill_tok_s = models.FloatField(null=True, blank=True)
    peak_memory_gb = models.FloatField(null=True, blank=True)
    command = models.TextField(blank=True)
    source_url = models.URLField(max_length=500)
    measured_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    verified = models.BooleanField(default=False)
    submitter_email = models.EmailField(blank=True)
    pasted_output = models.TextField(blank=True, help_text="llama-bench output as submitted.")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    objects = BenchmarkQuerySet.as_manager()

    class Meta:
        ordering = ["hardware__name", "model__name", "context_tokens"]
        constraints = [
            models.UniqueConstraint(
                fields=BENCHMARK_IDENTITY, name="one_benchmark_per_setup_and_source"
            ),
            models.CheckConstraint(condition=Q(gpu_count__gte=1), name="benchmark_gpu_count_min"),
            models.CheckConstraint(
                condition=Q(decode_tok_s__isnull=False) | Q(prefill_tok_s__isnull=False),
                name="benchmark_has_a_speed",
            ),
            models.CheckConstraint(
                condition=(Q(decode_tok_s__isnull=True) | Q(decode_tok_s__gt=0))
                & (Q(prefill_tok_s__isnull=True) | Q(prefill_tok_s__gt=0)),
                name="benchmark_speeds_positive",
            ),
            # NaN and infinity fail these too: neither is <= a finite bound.
            models.CheckConstraint(
                condition=(Q(decode_tok_s__isnull=True) | Q(decode_tok_s__lte=MAX_DECODE_TOK_S))
                & (Q(prefill_tok_s__isnull=True) | Q(prefill_tok_s__lte=MAX_PREFILL_TOK_S)),
                name="benchmark_speeds_plausible",
                violation_error_message="A speed is above the plausible ceiling.",
            ),
        ]
        indexes = [
            models.Index(fields=["hardware", "model", "quant"]),
            models.Index(fields=["verified"]),
            models.Index(fields=["status", "verified"]),
        ]

    def __str__(self):
        count = f" x{self.gpu_count}" if self.gpu_count > 1 else ""
        return f"{self.hardware}{count} · {self.model} {self.quant} · {self.runtime}"

    @property
    def hardware_label(self):
        count = f" ×{self.gpu_count}" if self.gpu_count > 1 else ""
        return f"{self.hardware.name}{count}"

    def clean(self):
        errors = {}
        for name, ceiling in (
            ("decode_tok_s", MAX_DECODE_TOK_S),
            ("prefill_tok_s", MAX_PREFILL_TOK_S),
        ):
            value = getattr(self, name)
            if value is not None and not (math.isfinite(value) and 0 < value <= ceiling):
                errors[name] = f"Give a speed above 0 and at most {ceiling:,} tok/s."
        if self.context_tokens is not None and self.context_tokens > MAX_BENCHMARK_TOKENS:
            errors["context_tokens"] = f"At most {MAX_BENCHMARK_TOKENS:,} tokens."
        if errors:
            raise ValidationError(errors)


# Prices from outside the catalog live in their own module; importing registers the models.
from catalog.offers import ApiPrice, CloudOffer, Offer  # noqa: E402, F401
