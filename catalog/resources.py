"""CSV import/export for editors (django-import-export), matched on natural keys."""

from import_export import fields, resources
from import_export.widgets import ForeignKeyWidget

from catalog.models import (
    BENCHMARK_IDENTITY,
    ApiPrice,
    Benchmark,
    CloudOffer,
    Hardware,
    Model,
    QuantFormat,
    Runtime,
    Vendor,
)


class AllOrNothingResource(resources.ModelResource):
    """An import writes every row or none: any invalid row stops the whole file."""

    def import_data(self, dataset, dry_run=False, **kwargs):
        preview = super().import_data(dataset, dry_run=True, **kwargs)
        if dry_run or preview.has_errors() or preview.has_validation_errors():
            return preview
        return super().import_data(dataset, dry_run=False, **kwargs)


class HardwareResource(AllOrNothingResource):
    vendor = fields.Field(
        attribute="vendor", column_name="vendor", widget=ForeignKeyWidget(Vendor, "slug")
    )

    class Meta:
        model = Hardware
        import_id_fields = ["slug"]
        exclude = ["id", "updated_at"]
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True


class ModelResource(AllOrNothingResource):
    class Meta:
        model = Model
        import_id_fields = ["slug"]
        exclude = ["id", "updated_at"]
        skip_unchanged = True
        clean_model_instances = True


class QuantFormatResource(AllOrNothingResource):
    class Meta:
        model = QuantFormat
        import_id_fields = ["slug"]
        exclude = ["id", "updated_at"]
        skip_unchanged = True
        clean_model_instances = True


class RuntimeResource(AllOrNothingResource):
    class Meta:
        model = Runtime
        import_id_fields = ["slug"]
        exclude = ["id", "updated_at"]
        skip_unchanged = True
        clean_model_instances = True


def slug_fk(name, model, field="slug"):
    return fields.Field(attribute=name, column_name=name, widget=ForeignKeyWidget(model, field))


class BenchmarkResource(AllOrNothingResource):
    hardware = slug_fk("hardware", Hardware)
    model = slug_fk("model", Model)
    quant = slug_fk("quant", QuantFormat, "name")
    runtime = slug_fk("runtime", Runtime)

    class Meta:
        model = Benchmark
        import_id_fields = list(BENCHMARK_IDENTITY)
        exclude = ["id", "updated_at", "created_at", "submitter_email", "pasted_output"]
        skip_unchanged = True
        clean_model_instances = True


class CloudOfferResource(AllOrNothingResource):
    hardware = slug_fk("hardware", Hardware)

    class Meta:
        model = CloudOffer
        import_id_fields = ["provider", "hardware", "gpu_count"]
        exclude = ["id"]
        skip_unchanged = True
        clean_model_instances = True


class ApiPriceResource(AllOrNothingResource):
    model = slug_fk("model", Model)

    class Meta:
        model = ApiPrice
        import_id_fields = ["provider", "model"]
        exclude = ["id"]
        skip_unchanged = True
        clean_model_instances = True
