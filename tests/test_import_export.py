import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from tablib import Dataset

from catalog.loaders import DATA_DIR
from catalog.models import Hardware
from catalog.resources import HardwareResource
from tests.factories import HardwareFactory, VendorFactory

pytestmark = pytest.mark.django_db

# The columns of catalog/data/hardware.csv (any subset of them imports).
HEADER = "slug,name,vendor,kind,memory_gb,bandwidth_gb_s,backend,source\n"
GOOD_NEW = (
    "test-import-card,Import Card,Test Vendor,discrete_gpu,16,500,cuda,https://example.com/a\n"
)
GOOD_UPDATE = (
    "imp-card,Import Card Two,Test Vendor,discrete_gpu,24,1111,cuda,https://example.com/b\n"
)
BAD = "bad-card,Bad Card,Test Vendor,discrete_gpu,-4,500,cuda,https://example.com/c\n"


@pytest.fixture(autouse=True)
def own_card():
    """The vendor the rows above name, and the card GOOD_UPDATE changes (1,000 GB/s)."""
    VendorFactory()
    return HardwareFactory(slug="imp-card", name="Import Card Two")


def run_import(text, dry_run):
    dataset = Dataset().load(text, format="csv")
    return HardwareResource().import_data(dataset, dry_run=dry_run, raise_errors=False)


def test_dry_run_reports_row_errors_and_writes_nothing():
    result = run_import(HEADER + GOOD_NEW + BAD, dry_run=True)
    assert result.has_validation_errors()
    invalid = result.invalid_rows[0]
    assert invalid.number == 2
    assert invalid.non_field_specific_errors == ["'memory_gb' must be positive, got -4"]
    assert not Hardware.objects.filter(slug__in=["test-import-card", "bad-card"]).exists()


def test_any_invalid_row_stops_the_whole_import():
    result = run_import(HEADER + GOOD_NEW + BAD, dry_run=False)
    assert result.has_validation_errors()
    assert not Hardware.objects.filter(slug="test-import-card").exists()


def test_valid_import_creates_and_updates_by_slug():
    result = run_import(HEADER + GOOD_NEW + GOOD_UPDATE, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    assert Hardware.objects.get(slug="test-import-card").memory_gb == 16
    assert Hardware.objects.get(slug="imp-card").bandwidth_gb_s == 1111
    assert Hardware.objects.filter(slug="imp-card").count() == 1


def test_admin_import_preview_shows_errors_to_the_editor(editor_client):
    from django.contrib.auth.models import Permission

    upload = SimpleUploadedFile("hw.csv", (HEADER + BAD).encode(), content_type="text/csv")
    response = editor_client.post(
        reverse("admin:catalog_hardware_import"),
        {"import_file": upload, "format": "0", "resource": "0"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    # The editor reads the message the seed command gives for the same cell.
    assert "&#x27;memory_gb&#x27; must be positive, got -4" in html
    assert "bad-card" in html
    assert not Hardware.objects.filter(slug="bad-card").exists()
    assert Permission.objects.filter(codename="change_hardware").exists()


def test_export_csv_contains_the_catalog(editor_client):
    csv_text = HardwareResource().export().csv
    assert csv_text.splitlines()[0] == (DATA_DIR / "hardware.csv").read_text().splitlines()[0]
    assert "imp-card,Import Card Two,Test Vendor," in csv_text
