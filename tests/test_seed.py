import csv
import shutil

import pytest
from django.core.management import CommandError, call_command

from catalog.loaders import DATA_DIR
from catalog.models import Benchmark, Hardware, Model, QuantFormat, Runtime, Vendor
from tests.factories import edit_seed_row

pytestmark = pytest.mark.django_db

REFERENCE_MINIMUMS = {Hardware: 60, Model: 40, Runtime: 15}


def test_seed_loads_the_shipped_catalog():
    for model, minimum in REFERENCE_MINIMUMS.items():
        assert model.objects.count() >= minimum, model.__name__
    # Every row of benchmarks.csv is a Benchmark, with its decode and prefill figures.
    with (DATA_DIR / "benchmarks.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert Benchmark.objects.count() == len(rows) > 200
    decode = sum(1 for row in rows if row["decode_tok_s"])
    prefill = sum(1 for row in rows if row["prefill_tok_s"])
    assert Benchmark.objects.exclude(decode_tok_s=None).count() == decode
    assert Benchmark.objects.exclude(prefill_tok_s=None).count() == prefill
    assert Model.objects.filter(architecture="moe").count() >= 5
    families = set(QuantFormat.objects.values_list("family", flat=True))
    assert {"gguf", "awq", "gptq", "exl2", "mlx", "fp"} <= families
    kinds = set(Hardware.objects.values_list("kind", flat=True))
    assert {"discrete_gpu", "datacenter_gpu", "apple_silicon", "apu", "cpu"} <= kinds


def test_every_row_keeps_its_source():
    for model in (Hardware, Model, QuantFormat, Runtime, Benchmark):
        assert not model.objects.filter(source_url="").exists(), model.__name__


def test_seed_twice_changes_nothing(capsys):
    call_command("seed")
    output = capsys.readouterr().out
    assert "Seed complete: 0 rows changed." in output
    assert "hardware: 0 created, 0 updated" in output


def test_seed_updates_an_edited_row_back_to_the_fixture():
    with (DATA_DIR / "hardware.csv").open(newline="") as handle:
        shipped = next(csv.DictReader(handle))
    Hardware.objects.filter(slug=shipped["slug"]).update(bandwidth_gb_s=1)
    call_command("seed", "--only", "catalog")
    assert Hardware.objects.get(slug=shipped["slug"]).bandwidth_gb_s == float(
        shipped["bandwidth_gb_s"]
    )


@pytest.fixture
def data_copy(tmp_path):
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    # A new vendor row proves whether anything from a failing run is kept.
    with (target / "vendors.csv").open("a") as handle:
        handle.write("newco,NewCo\n")
    return target


def has_memory(row):
    return bool(row["memory_gb"])


@pytest.mark.parametrize(
    "changes,reason",
    [
        ({"memory_gb": "-8"}, "'memory_gb' must be positive, got -8"),
        ({"vendor": "Nvidiaa"}, "unknown vendor 'Nvidiaa'"),
        ({"name": ""}, "missing required field 'name'"),
    ],
)
def test_bad_row_names_file_line_and_reason_and_loads_nothing(data_copy, changes, reason):
    line = edit_seed_row(data_copy / "hardware.csv", has_memory, **changes)
    with pytest.raises(CommandError) as error:
        call_command("seed", "--only", "catalog", "--data-dir", str(data_copy))
    assert f"hardware.csv, line {line}: {reason}" in str(error.value)
    assert "Nothing was loaded" in str(error.value)
    assert not Vendor.objects.filter(slug="newco").exists()


def test_json_entries_share_the_csv_rows_date_and_lookup_errors(tmp_path):
    import json

    from core.seeding import SeedError
    from editorial.loaders import read_entries

    path = tmp_path / "pulse.json"
    path.write_text(json.dumps([{"slug": "ok", "date": "2026-11-01"}, {"slug": "bad"}]))
    good, bad = read_entries(path)
    assert str(good.date("date")) == "2026-11-01"
    with pytest.raises(SeedError) as error:
        bad.date("date")  # JSON fields are required unless a loader says otherwise
    assert str(error.value) == "pulse.json, line 2: (entry 'bad') missing required field 'date'"
    assert bad.date("date", required=False) is None
    with pytest.raises(SeedError) as error:
        good.lookup("slug", {}, "author")
    assert str(error.value) == "pulse.json, line 1: (entry 'ok') unknown author 'ok'"
