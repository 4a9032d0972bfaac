from django.contrib import admin
from import_export.admin import ImportExportModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from catalog import resources
from catalog.hardware_prices import HardwarePriceResource
from catalog.models import (
    ApiPrice,
    Benchmark,
    CloudOffer,
    Hardware,
    Model,
    ModelFamily,
    ModelFile,
    Offer,
    PricePoint,
    QuantFormat,
    Runtime,
    RuntimeInstall,
    Vendor,
)
from core.admin_login import BoundedAdminLoginForm
from core.admin_workflow import STATUS_ACTIONS, publish_checked

admin.site.login_form = BoundedAdminLoginForm


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


class OfferInline(admin.TabularInline):
    model = Offer
    extra = 0
    fields = ["retailer", "url", "price", "currency", "in_stock", "last_checked", "clicks"]
    readonly_fields = ["clicks"]


class CatalogAdmin(ImportExportModelAdmin, SimpleHistoryAdmin):
    """Import/export with a dry-run preview, full change history, and status actions."""

    actions = STATUS_ACTIONS


@admin.register(Vendor)
class VendorAdmin(ImportExportModelAdmin):
    resource_classes = [resources.VendorResource]
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Hardware)
class HardwareAdmin(CatalogAdmin):
    resource_classes = [resources.HardwareResource]
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
    inlines = [OfferInline, PricePointInline, HardwareBenchmarkInline]


@admin.register(ModelFamily)
class ModelFamilyAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation"]
    search_fields = ["name", "organisation"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Model)
class ModelAdmin(CatalogAdmin):
    resource_classes = [resources.ModelResource]
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
class QuantFormatAdmin(CatalogAdmin):
    resource_classes = [resources.QuantFormatResource]
    list_display = ["name", "family", "bits_per_weight", "status"]
    list_filter = ["family", "status"]
    search_fields = ["name"]


@admin.register(ModelFile)
class ModelFileAdmin(ImportExportModelAdmin):
    resource_classes = [resources.ModelFileResource]
    list_display = ["model", "quant", "size_bytes", "download_repo"]
    search_fields = ["model__name", "quant__name", "download_repo"]
    autocomplete_fields = ["model", "quant"]


class RuntimeInstallInline(admin.StackedInline):
    model = RuntimeInstall
    extra = 0
    fields = [
        ("os", "method", "position"),
        "install_command",
        "download_url",
        "run_command",
        "source_url",
        "note",
    ]


@admin.register(RuntimeInstall)
class RuntimeInstallAdmin(ImportExportModelAdmin, SimpleHistoryAdmin):
    """The per-OS install routes as one table, for importing runtime_installs.csv."""

    resource_classes = [resources.RuntimeInstallResource]
    list_display = ["runtime", "os", "method", "position"]
    list_filter = ["os", "runtime"]
    search_fields = ["runtime__name", "method"]
    autocomplete_fields = ["runtime"]
    list_select_related = ["runtime"]


@admin.register(Runtime)
class RuntimeAdmin(CatalogAdmin):
    resource_classes = [resources.RuntimeResource]
    list_display = ["name", "kind", "license", "openai_compatible_api", "multi_gpu", "status"]
    list_filter = ["kind", "status", "openai_compatible_api"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [RuntimeInstallInline]


@admin.action(description="Verify and publish selected benchmarks")
def verify_benchmarks(modeladmin, request, queryset):
    values = {"verified": True, "status": Benchmark.Status.PUBLISHED}
    published = publish_checked(modeladmin, request, queryset, values)
    modeladmin.message_user(request, f"{published} benchmark(s) verified and published.")


@admin.action(description="Reject selected benchmarks (archive)")
def reject_benchmarks(modeladmin, request, queryset):
    for benchmark in queryset:
        benchmark.verified = False
        benchmark.status = Benchmark.Status.ARCHIVED
        benchmark.save()
    modeladmin.message_user(request, f"{queryset.count()} benchmark(s) rejected.")


@admin.register(Benchmark)
class BenchmarkAdmin(CatalogAdmin):
    resource_classes = [resources.BenchmarkResource]
    list_display = [
        "__str__",
        "context_tokens",
        "decode_tok_s",
        "prefill_tok_s",
        "status",
        "verified",
        "created_at",
    ]
    list_filter = ["status", "verified", "runtime", "quant", "hardware__kind"]
    search_fields = ["hardware__name", "model__name", "notes"]
    autocomplete_fields = ["hardware", "model", "quant", "runtime"]
    list_select_related = ["hardware", "model", "quant", "runtime"]
    actions = [verify_benchmarks, reject_benchmarks, *STATUS_ACTIONS]


@admin.register(Offer)
class OfferAdmin(SimpleHistoryAdmin):
    list_display = [
        "hardware",
        "retailer",
        "price",
        "currency",
        "in_stock",
        "last_checked",
        "clicks",
    ]
    list_filter = ["retailer", "in_stock"]
    search_fields = ["hardware__name", "retailer"]
    autocomplete_fields = ["hardware"]
    readonly_fields = ["clicks"]
    list_select_related = ["hardware"]


@admin.register(CloudOffer)
class CloudOfferAdmin(ImportExportModelAdmin, SimpleHistoryAdmin):
    resource_classes = [resources.CloudOfferResource]
    list_display = ["provider", "hardware", "gpu_count", "usd_per_hour", "checked_on"]
    list_filter = ["provider"]
    autocomplete_fields = ["hardware"]
    list_select_related = ["hardware"]


@admin.register(ApiPrice)
class ApiPriceAdmin(ImportExportModelAdmin, SimpleHistoryAdmin):
    resource_classes = [resources.ApiPriceResource]
    list_display = ["provider", "model", "input_usd_per_m", "output_usd_per_m", "checked_on"]
    list_filter = ["provider"]
    autocomplete_fields = ["model"]
    list_select_related = ["model"]


@admin.register(PricePoint)
class PricePointAdmin(ImportExportModelAdmin):
    resource_classes = [HardwarePriceResource]
    list_display = ["hardware", "price_usd", "observed_on", "retailer"]
    autocomplete_fields = ["hardware"]
    list_select_related = ["hardware"]
