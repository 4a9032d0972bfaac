import pytest
from django.core.management import CommandError, call_command

from catalog.models import Benchmark, Hardware, Model
from estimator.models import CalibrationRun
from tests.factories import BenchmarkFactory, HardwareFactory


@pytest.mark.django_db(transaction=True)
def test_backup_restores_round_trip_into_an_empty_database(tmp_path):
    priced = HardwareFactory(slug="backup-card", street_price_usd=1899)
    BenchmarkFactory.create_batch(3, hardware=priced)
    call_command("calibrate", verbosity=0)
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
    assert Hardware.objects.get(slug="backup-card").street_price_usd == 1899
    assert Benchmark.objects.filter(hardware__slug="backup-card").count() == 3
