import pytest
from django.core.management import CommandError, call_command

from catalog.models import Benchmark, Hardware, Model
from estimator.models import CalibrationRun


@pytest.mark.django_db(transaction=True)
def test_backup_restores_round_trip_into_an_empty_database(tmp_path):
    call_command("seed", "--only", "catalog", verbosity=0)
    call_command("calibrate", verbosity=0)
    Hardware.objects.filter(slug="rtx-4090").update(street_price_usd=1899)
    counts = (
        Hardware.objects.count(),
        Model.objects.count(),
        Benchmark.objects.count(),
        CalibrationRun.objects.count(),
    )
    path = tmp_path / "backup.json"
    call_command("backup", str(path))
    with pytest.raises(CommandError, match="already holds a catalog"):
        call_command("restore", str(path))

    call_command("flush", "--no-input", verbosity=0)
    assert not Hardware.objects.exists()
    call_command("restore", str(path))
    restored = (
        Hardware.objects.count(),
        Model.objects.count(),
        Benchmark.objects.count(),
        CalibrationRun.objects.count(),
    )
    assert restored == counts
    assert Hardware.objects.get(slug="rtx-4090").street_price_usd == 1899
