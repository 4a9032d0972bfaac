"""One schema per catalog table: the columns of catalog/data/*.csv, what each fills and how it
is checked. `manage.py seed`, the admin's import and export and the public benchmarks CSV all
read and write rows through these resources (the dialect itself is in catalog/columns.py).
"""

from catalog.columns import (
    Choice,
    Column,
    Date,
    Flag,
    GithubRepo,
    Integer,
    Items,
    Lookup,
    Money,
    Number,
    SchemaResource,
    Sources,
    Text,
    row_error,
    whole_number,
)
from catalog.models import (
    BENCHMARK_IDENTITY,
    ApiPrice,
    Architecture,
    AttentionKind,
    Backend,
    Benchmark,
    CloudOffer,
    Hardware,
    HardwareKind,
    Modality,
    Model,
    ModelFamily,
    ModelFile,
    OperatingSystem,
    QuantFamily,
    QuantFormat,
    Runtime,
    RuntimeInstall,
    RuntimeKind,
    UseCase,
    Vendor,
)
from core.seeding import slug_for


class VendorResource(SchemaResource):
    slug = Column(Text(required=True))
    name = Column(Text(required=True))

    class Meta:
        model = Vendor
        import_id_fields = ["slug"]


class HardwareResource(SchemaResource):
    slug = Column(Text(required=True))
    name = Column(Text(required=True))
    vendor = Column(Lookup(Vendor, "name", "vendor"))
    kind = Column(Choice(HardwareKind.values))
    memory_gb = Column(Number())
    memory_type = Column(Text())
    bandwidth_gb_s = Column(Number(required=True))
    fp16_tflops = Column(Number())
    tdp_w = Column(Integer())
    launch_year = Column(Integer())
    launch_msrp_usd = Column(Money())
    interface = Column(Text())
    architecture = Column(Text())
    gpu_dies = Column(Integer(), default=1)
    backend = Column(Choice(Backend.values))
    backends = Column(Items(Backend.values))
    fp16_tflops_printed = Column(Number())
    fp16_tflops_convention = Column(Text())
    gpu_working_set_gb = Column(Number())
    memory_options_gb = Column(Items(item=whole_number))
    source_url = Column(Sources(), "source")
    notes = Column(Text())
    popular = Column(Flag())

    class Meta:
        model = Hardware
        import_id_fields = ["slug"]

    def clean_row(self, hardware, row):
        if hardware.memory_gb is None and hardware.kind != HardwareKind.CPU:
            raise row_error("missing required field 'memory_gb'")


class ModelResource(SchemaResource):
    slug = Column(Text(required=True))
    name = Column(Text(required=True))
    family = Column(Lookup(ModelFamily, "name", "model family"))
    organisation = Column(Text(required=True), "org")
    params_b = Column(Number(required=True))
    active_params_b = Column(Number())
    expert_count = Column(Integer())
    experts_per_token = Column(Integer())
    shared_experts = Column(Integer(sign="non-negative"))
    architecture = Column(Choice(Architecture.values))
    layers = Column(Integer(), "num_layers")
    hidden_size = Column(Integer())
    attention_heads = Column(Integer(), "num_attention_heads")
    kv_heads = Column(Integer(), "num_kv_heads")
    head_dim = Column(Integer())
    vocab_size = Column(Integer())
    max_context = Column(Integer())
    attention_kind = Column(Choice(AttentionKind.values, required=False))
    sliding_window = Column(Integer())
    full_attention_layers = Column(Integer())
    kv_lora_rank = Column(Integer())
    rope_head_dim = Column(Integer())
    attention_notes = Column(Text(max_length=255), "attention")
    license = Column(Text(required=True))
    release_date = Column(Date())
    hf_repo = Column(Text())
    use_cases = Column(Items(UseCase.values))
    use_cases_source_url = Column(Text(), "use_cases_source")
    ollama_tag = Column(Text())
    ollama_source_url = Column(Text(), "ollama_source")
    gguf_repo = Column(Text())
    mlx_repo = Column(Text())
    mmproj_gb = Column(Number())
    aux_weights_gb = Column(Number())
    source_url = Column(Sources(), "source")
    modality = Column(Choice(Modality.values))
    notes = Column(Text())
    popular = Column(Flag())

    class Meta:
        model = Model
        import_id_fields = ["slug"]

    def before_import_row(self, row, **kwargs):
        # A family is created with the organisation of the first model that names it.
        name = (row.get("family") or "").strip()
        if name and not ModelFamily.objects.filter(name=name).exists():
            organisation = (row.get("org") or "").strip()
            ModelFamily.objects.create(slug=slug_for(name), name=name, organisation=organisation)
            self.created_alongside["model families"] = (
                self.created_alongside.get("model families", 0) + 1
            )

    def clean_row(self, model, row):
        model.active_params_b = model.active_params_b or model.params_b
        if model.active_params_b > model.params_b:
            raise row_error("'active_params_b' cannot exceed 'params_b'")
        if model.architecture == Architecture.MOE and not (
            model.expert_count and model.experts_per_token
        ):
            raise row_error(
                "MoE models need 'expert_count' and 'experts_per_token' from config.json"
            )
        if (model.experts_per_token or 0) > (model.expert_count or 0):
            raise row_error("'experts_per_token' cannot exceed 'expert_count'")
        if model.modality == Modality.TEXT and not (model.layers and model.kv_heads):
            raise row_error("text models need 'num_layers' and 'num_kv_heads' for memory estimates")
        if model.use_cases and not model.use_cases_source_url:
            raise row_error("'use_cases' need 'use_cases_source', the model card that states them")


class QuantFormatResource(SchemaResource):
    name = Column(Text(required=True))
    family = Column(Choice(QuantFamily.values))
    bits_per_weight = Column(Number())
    quality_note = Column(Text(), "typical_quality_note")
    source_url = Column(Sources(), "source")
    bpw_basis = Column(Text(max_length=255))
    bpw_nominal = Column(Number())
    ppl_delta_llama3_8b = Column(Number(sign="any"))

    class Meta:
        model = QuantFormat
        import_id_fields = ["name"]

    def clean_row(self, quant, row):
        quant.slug = quant.slug or slug_for(quant.name)
        if quant.bits_per_weight is None:
            if quant.bpw_nominal is None:
                raise row_error("missing required field 'bpw_nominal'")
            quant.bits_per_weight = quant.bpw_nominal


class RuntimeResource(SchemaResource):
    slug = Column(Text(required=True))
    name = Column(Text(required=True))
    license = Column(Text(required=True))
    repo_url = Column(GithubRepo(), "repo")
    kind = Column(Choice(RuntimeKind.values))
    backends = Column(Items(Backend.values))
    formats = Column(Items())
    operating_systems = Column(Items(OperatingSystem.values), "os")
    openai_compatible_api = Column(Flag())
    multi_gpu = Column(Flag(empty=None))
    install_command = Column(Text())
    run_command = Column(Text(), "run_example_command")
    source_url = Column(Sources(), "source")
    notes = Column(Text())

    class Meta:
        model = Runtime
        import_id_fields = ["slug"]


class RuntimeInstallResource(SchemaResource):
    """Per-OS install and run commands; row order within a runtime and OS is the display order."""

    runtime = Column(Lookup(Runtime, "slug", "runtime"))
    os = Column(Choice(OperatingSystem.values))
    method = Column(Text(required=True))
    install_command = Column(Text())
    download_url = Column(Text())
    run_command = Column(Text())
    source_url = Column(Sources(), "source")
    note = Column(Text())

    derived = ["position"]

    class Meta:
        model = RuntimeInstall
        import_id_fields = ["runtime", "os", "method"]

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self.positions = {}

    def clean_row(self, install, row):
        runtime = install.runtime
        if install.os not in runtime.operating_systems:
            raise row_error(
                f"{runtime.name} does not list {install.os!r} among its operating systems"
            )
        if not (install.install_command or install.download_url):
            raise row_error("an install route needs 'install_command' or 'download_url'")
        key = (runtime.slug, install.os)
        self.positions[key] = self.positions.get(key, -1) + 1
        install.position = self.positions[key]


class BenchmarkResource(SchemaResource):
    hardware = Column(Lookup(Hardware, "slug", "hardware"))
    gpu_count = Column(Integer(), default=1)
    model = Column(Lookup(Model, "slug", "model"))
    quant = Column(Lookup(QuantFormat, "name", "quant format"))
    runtime = Column(Lookup(Runtime, "slug", "runtime"))
    runtime_version = Column(Text())
    backend = Column(Choice(Backend.values, required=False))
    prompt_tokens = Column(Integer())
    depth = Column(Integer(sign="non-negative"), default=0)
    flash_attention = Column(Flag(empty=None))
    context_tokens = Column(Integer(required=True))
    batch_size = Column(Integer(), default=1)
    decode_tok_s = Column(Number())
    prefill_tok_s = Column(Number())
    command = Column(Text())
    source_url = Column(Sources(), "source")
    measured_on = Column(Date())
    notes = Column(Text())
    verified = Column(Flag())

    class Meta:
        model = Benchmark
        import_id_fields = list(BENCHMARK_IDENTITY)

    def clean_row(self, benchmark, row):
        if benchmark.decode_tok_s is None and benchmark.prefill_tok_s is None:
            raise row_error("a benchmark needs 'decode_tok_s' or 'prefill_tok_s'")


class CloudOfferResource(SchemaResource):
    """An hourly rental price, with the pricing page and the day it was read there."""

    provider = Column(Text(required=True))
    hardware = Column(Lookup(Hardware, "slug", "hardware"))
    gpu_count = Column(Integer(), default=1)
    usd_per_hour = Column(Money(required=True))
    checked_on = Column(Date(required=True))
    source_url = Column(Sources(), "source")
    notes = Column(Text(max_length=255))

    class Meta:
        model = CloudOffer
        import_id_fields = ["provider", "hardware", "gpu_count"]


class ApiPriceResource(SchemaResource):
    """Per-million-token prices of a hosted model, dated like cloud offers."""

    provider = Column(Text(required=True))
    model = Column(Lookup(Model, "slug", "model"))
    input_usd_per_m = Column(Money(required=True, sign="non-negative"))
    output_usd_per_m = Column(Money(required=True, sign="non-negative"))
    checked_on = Column(Date(required=True))
    source_url = Column(Sources(), "source")

    class Meta:
        model = ApiPrice
        import_id_fields = ["provider", "model"]


class ModelFileResource(SchemaResource):
    """A published download of a model at one quant, with the size its repo's file page lists."""

    model = Column(Lookup(Model, "slug", "model"))
    quant = Column(Lookup(QuantFormat, "name", "quant format"))
    size_bytes = Column(Integer())
    download_repo = Column(Text(required=True))
    source_url = Column(Sources(), "source")

    class Meta:
        model = ModelFile
        import_id_fields = ["model", "quant"]
