from django.contrib import admin

from catalog.models import (
    Benchmark,
    Hardware,
    Model,
    ModelFamily,
    ModelFile,
    PricePoint,
    QuantFormat,
    Runtime,
    Vendor,
)


class BenchmarkInline(admin.TabularInline):
    model = Benchmark
    extra = 0
    fields = [
        "model",
        "quant",
        "runtime",
        "gpu_count",
        "context_tokens",
        "decode_tok_s",
        "prefill_tok_s",
        "source_url",
        "verified",
    ]
    autocomplete_fields = ["hardware", "model", "quant", "runtime"]
    show_change_link = True


class HardwareBenchmarkInline(BenchmarkInline):
    fk_name = "hardware"


class ModelBenchmarkInline(BenchmarkInline):
    fk_name = "model"
    fields = [
        "hardware",
        "quant",
        "runtime",
        "gpu_count",
        "context_tokens",
        "decode_tok_s",
        "prefill_tok_s",
        "source_url",
        "verified",
    ]


class PricePointInline(admin.TabularInline):
    model = PricePoint
    extra = 0


@admin.register(Vendor)
class VendorAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Hardware)
class HardwareAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "vendor",
        "kind",
        "memory_gb",
        "bandwidth_gb_s",
        "launch_msrp_usd",
        "street_price_usd",
        "status",
        "popular",
    ]
    list_filter = ["status", "kind", "vendor", "backend", "popular"]
    search_fields = ["name", "slug"]
    autocomplete_fields = ["vendor"]
    prepopulated_fields = {"slug": ["name"]}
    list_editable = ["street_price_usd"]
    inlines = [PricePointInline, HardwareBenchmarkInline]


@admin.register(ModelFamily)
class ModelFamilyAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation"]
    search_fields = ["name", "organisation"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Model)
class ModelAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "family",
        "params_b",
        "active_params_b",
        "architecture",
        "modality",
        "release_date",
        "status",
        "popular",
    ]
    list_filter = ["status", "architecture", "modality", "attention_kind", "family", "popular"]
    search_fields = ["name", "slug", "hf_repo"]
    autocomplete_fields = ["family"]
    inlines = [ModelBenchmarkInline]


@admin.register(QuantFormat)
class QuantFormatAdmin(admin.ModelAdmin):
    list_display = ["name", "family", "bits_per_weight", "status"]
    list_filter = ["family", "status"]
    search_fields = ["name"]


@admin.register(ModelFile)
class ModelFileAdmin(admin.ModelAdmin):
    list_display = ["model", "quant", "size_bytes", "download_repo"]
    search_fields = ["model__name", "quant__name", "download_repo"]
    autocomplete_fields = ["model", "quant"]


@admin.register(Runtime)
class RuntimeAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "license", "openai_compatible_api", "multi_gpu", "status"]
    list_filter = ["kind", "status", "openai_compatible_api"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Benchmark)
class BenchmarkAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "context_tokens",
        "decode_tok_s",
        "prefill_tok_s",
        "verified",
        "created_at",
    ]
    list_filter = ["verified", "runtime", "quant", "hardware__kind"]
    search_fields = ["hardware__name", "model__name", "notes"]
    autocomplete_fields = ["hardware", "model", "quant", "runtime"]
    list_select_related = ["hardware", "model", "quant", "runtime"]


@admin.register(PricePoint)
class PricePointAdmin(admin.ModelAdmin):
    list_display = ["hardware", "price_usd", "observed_on", "retailer"]
    autocomplete_fields = ["hardware"]
    list_select_related = ["hardware"]
