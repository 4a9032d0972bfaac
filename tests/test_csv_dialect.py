"""One CSV dialect: the seed files, the admin's import/export and the public benchmarks CSV
share each table's columns, and a downloaded benchmarks file imports back unchanged."""

import csv
import datetime
import io
import re
import shutil

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from catalog.loaders import DATA_DIR, TABLES
from catalog.models import Benchmark, Hardware, Vendor
from tests.factories import BenchmarkFactory, HardwareFactory, RuntimeFactory, edit_seed_row

pytestmark = pytest.mark.django_db

# Seed-file columns that describe a row but are stored nowhere, so no export writes them.
UNSTORED = {"quant_formats.csv": {"size_gib_llama3_8b"}, "api_prices.csv": {"notes"}}


def header_of(path):
    with path.open(newline="") as handle:
        return next(csv.reader(handle))


@pytest.mark.parametrize("file_name,resource_class,label", TABLES)
def test_each_table_exports_the_columns_of_its_seed_file(file_name, resource_class, label):
    exported = resource_class().export().headers
    expected = [c for c in header_of(DATA_DIR / file_name) if c not in UNSTORED.get(file_name, ())]
    assert exported == expected


def test_public_benchmarks_csv_has_the_seed_files_columns(client):
    response = client.get("/benchmarks/", {"format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == header_of(DATA_DIR / "benchmarks.csv")
    assert len(rows) - 1 == Benchmark.objects.published().count()


def admin_import(client, model_name, file_name, text):
    """Upload a CSV to the admin's import page, confirm it, and return (preview, result) html."""
    upload = SimpleUploadedFile(file_name, text.encode(), content_type="text/csv")
    preview = client.post(
        reverse(f"admin:catalog_{model_name}_import"),
        {"import_file": upload, "format": "0", "resource": "0"},
    )
    assert preview.status_code == 200
    html = preview.content.decode()
    hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html))
    assert "import_file_name" in hidden, "the preview offers no confirm button"
    del hidden["csrfmiddlewaretoken"]
    result = client.post(reverse(f"admin:catalog_{model_name}_process_import"), hidden, follow=True)
    assert result.status_code == 200
    return html, result.content.decode()


def benchmark_state():
    return list(Benchmark.objects.order_by("pk").values())


def test_downloaded_benchmarks_import_back_unchanged(editor_client):
    before, history = benchmark_state(), Benchmark.history.count()
    exported = editor_client.get("/benchmarks/", {"format": "csv"}).content.decode()
    rows = exported.count("\n") - 1
    assert rows == Benchmark.objects.published().count() > 200

    preview, result = admin_import(editor_client, "benchmark", "benchmarks.csv", exported)

    assert "Errors" not in preview.split('id="content"')[1].split("Confirm import")[0]
    assert f"Import finished: 0 new, 0 updated, 0 deleted and {rows} skipped benchmarks." in (
        result
    )
    assert benchmark_state() == before
    assert Benchmark.history.count() == history


def every_column_filled():
    """A benchmark of the test's own with every column of the CSV set to something other than
    its default, on hardware that runs two backends."""
    hardware = HardwareFactory(backends=["cuda", "vulkan"])
    return BenchmarkFactory(
        hardware=hardware,
        gpu_count=2,
        runtime=RuntimeFactory(),
        runtime_version="b4567",
        backend="vulkan",
        prompt_tokens=1024,
        depth=2048,
        flash_attention=False,
        context_tokens=8192,
        batch_size=4,
        decode_tok_s=87.25,
        prefill_tok_s=1234.5,
        command='llama-bench -p 1024 -n 128 -d 2048 -fa 0 -sm "layer"',
        measured_on=datetime.date(2026, 2, 3),
        notes="Mean of 5 runs, with a comma\nand a second line",
    )


def test_an_edited_cell_updates_exactly_that_benchmark(editor_client):
    target = every_column_filled()
    exported = editor_client.get("/benchmarks/", {"format": "csv"}).content.decode()
    table = list(csv.DictReader(io.StringIO(exported)))
    edited = next(row for row in table if row["hardware"] == target.hardware.slug)
    edited["decode_tok_s"] = "123.25"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(table[0]))
    writer.writeheader()
    writer.writerows(table)
    others = [b for b in benchmark_state() if b["id"] != target.pk]

    _preview, result = admin_import(editor_client, "benchmark", "edited.csv", out.getvalue())

    assert "Import finished: 0 new, 1 updated, 0 deleted" in result
    target.refresh_from_db()
    assert target.decode_tok_s == 123.25
    assert [b for b in benchmark_state() if b["id"] != target.pk] == others


def test_a_deleted_benchmark_imports_back_from_its_download_as_it_was(editor_client):
    """The whole row travels: download a benchmark from /benchmarks/?format=csv, delete it,
    import the file through admin, and every field comes back as it was. Left out of the
    public file on purpose: the submitter's address and pasted output (private), and
    peak_memory_gb (no page shows it)."""
    original = every_column_filled()
    download = editor_client.get(
        "/benchmarks/", {"format": "csv", "hardware": original.hardware.slug}
    ).content.decode()
    assert len(list(csv.DictReader(io.StringIO(download)))) == 1
    left_out = {"submitter_email", "pasted_output", "peak_memory_gb"}
    own = {"id", "created_at", "updated_at"}  # a new row's own key and timestamps
    fields = [f.attname for f in Benchmark._meta.concrete_fields if f.attname not in left_out | own]
    before = Benchmark.objects.filter(pk=original.pk).values(*fields).get()
    original.delete()

    _preview, result = admin_import(editor_client, "benchmark", "download.csv", download)

    assert "Import finished: 1 new, 0 updated, 0 deleted" in result
    back = Benchmark.objects.filter(hardware=original.hardware).values(*fields).get()
    assert back == before


ADMIN_PAGES = {
    "vendors.csv": "vendor",
    "hardware.csv": "hardware",
    "models.csv": "model",
    "quant_formats.csv": "quantformat",
    "model_files.csv": "modelfile",
    "runtimes.csv": "runtime",
    "runtime_installs.csv": "runtimeinstall",
    "benchmarks.csv": "benchmark",
    "cloud_offers.csv": "cloudoffer",
    "api_prices.csv": "apiprice",
    "hardware_prices.csv": "pricepoint",
}


@pytest.mark.parametrize("file_name", [table[0] for table in TABLES])
def test_editors_import_every_seed_file_as_it_is(editor_client, file_name):
    """The seeded database already holds every row, so the shipped file changes nothing."""
    text = (DATA_DIR / file_name).read_text()
    rows = len(list(csv.DictReader(io.StringIO(text))))
    _preview, result = admin_import(editor_client, ADMIN_PAGES[file_name], file_name, text)
    assert re.search(rf"Import finished: 0 new, 0 updated, 0 deleted and {rows} skipped", result)


def test_seed_and_admin_refuse_a_bad_cell_with_the_same_message(editor_client, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    hardware_csv = data / "hardware.csv"
    number = edit_seed_row(hardware_csv, lambda row: row["memory_gb"], memory_gb="lots")
    lines = hardware_csv.read_text().splitlines(keepends=True)
    bad = lines[number - 1]
    slug = bad.split(",", 1)[0]
    stored_gb = Hardware.objects.get(slug=slug).memory_gb
    message = "'memory_gb' must be a number, got 'lots'"

    with pytest.raises(CommandError) as error:
        call_command("seed", "--only", "catalog", "--data-dir", str(data))
    assert f"hardware.csv, line {number}: {message}" in str(error.value)

    upload = SimpleUploadedFile("hardware.csv", (lines[0] + bad).encode())
    response = editor_client.post(
        reverse("admin:catalog_hardware_import"),
        {"import_file": upload, "format": "0", "resource": "0"},
    )
    assert message.replace("'", "&#x27;") in response.content.decode()
    assert Hardware.objects.get(slug=slug).memory_gb == stored_gb


def any_row(row):
    return True


@pytest.mark.parametrize(
    "file_name,where,changes,reason",
    [
        (
            "benchmarks.csv",
            any_row,
            {"source": lambda urls: f"not-a-url ; {urls}"},
            "'source' holds something that is not a URL: 'not-a-url'",
        ),
        ("benchmarks.csv", any_row, {"model": "no-such-model"}, "unknown model"),
        (
            "models.csv",
            lambda row: row["modality"] == "text" and row["architecture"] == "dense",
            {"num_layers": "", "num_kv_heads": ""},
            "text models need",
        ),
        ("cloud_offers.csv", any_row, {"checked_on": "25/09/2026"}, "must be a date YYYY-MM-DD"),
        ("runtimes.csv", any_row, {"os": "linux;beos"}, "'os' must be from"),
        ("benchmarks.csv", any_row, {"source": ""}, "missing required field 'source'"),
        (
            "runtime_installs.csv",
            lambda row: row["install_command"] and not row["download_url"],
            {"install_command": ""},
            "an install route needs 'install_command' or 'download_url'",
        ),
        # The model's own checks speak as 'field: message'.
        (
            "benchmarks.csv",
            lambda row: row["decode_tok_s"],
            {"decode_tok_s": "7e9"},
            "decode_tok_s: Give a speed above 0 and at most 100,000 tok/s.",
        ),
    ],
)
def test_seed_refuses_a_bad_row_of_any_table_and_keeps_nothing(
    tmp_path, file_name, where, changes, reason
):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    with (data / "vendors.csv").open("a") as handle:
        handle.write("newco,NewCo\n")
    line = edit_seed_row(data / file_name, where, **changes)
    with pytest.raises(CommandError) as error:
        call_command("seed", "--only", "catalog", "--data-dir", str(data))
    assert f"Nothing was loaded. {file_name}, line {line}: " in str(error.value)
    assert reason in str(error.value)
    assert not Vendor.objects.filter(slug="newco").exists()


def test_a_downloaded_cell_a_spreadsheet_would_run_is_defused(client):
    benchmark = BenchmarkFactory(command="=HYPERLINK(1)")
    rows = list(csv.DictReader(io.StringIO(client.get("/benchmarks/?format=csv").content.decode())))
    commands = {row["command"] for row in rows if row["hardware"] == benchmark.hardware.slug}
    assert commands == {"'=HYPERLINK(1)"}
