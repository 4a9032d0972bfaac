"""One question, one answer: every speed and verdict a page shows for a hardware × model × quant
cell equals what /api/v1/estimate answers for the same question (value and basis).

Every cell that shows a speed links to its full answer on Will it run?; the API takes the same
query string, so this walks the rendered pages of the seeded catalog — each hardware page, each
model page, Compare, every buyer guide, Choose my GPU, the runs-on lists and the hardware
directory's runs-model filter — and asks the API about every cell. The rule that picks a
speed's basis is tested below on rows the tests build themselves.
"""

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest

from catalog.models import Hardware, Model
from editorial.models import BuyerGuide
from tests.factories import BenchmarkFactory, HardwareFactory, ModelFactory, QuantFormatFactory

pytestmark = pytest.mark.django_db

ROW = re.compile(r"<tr[^>]*>(.*?)</tr>", re.S)
CELL = re.compile(r"<t[dh][^>]*>(.*?)</t[dh]>", re.S)
LINK = re.compile(r'class="[^"]*answer-link[^"]*" href="/will-it-run/\?([^"]+)"')
VERDICT = re.compile(r'class="badge verdict-(\w+)"')
SPEED = re.compile(r'<data class="speed" value="([\d.]+)" data-basis="(\w+)"')
ASKED = ("context", "quant")  # page parameters every cell's question must carry


def shown_cells(html):
    """(query, verdict, (value, basis) or None) for every table cell that links to its answer;
    in a row with a single answer link (a list of answers), the row's verdict and speed."""
    cells = []
    for row in ROW.findall(html):
        linked = [cell for cell in CELL.findall(row) if LINK.search(cell)]
        for unit in [row] if len(linked) == 1 else linked:
            verdict, speed = VERDICT.search(unit), SPEED.search(unit)
            cells.append(
                (
                    unescape(LINK.search(unit).group(1)),
                    verdict.group(1) if verdict else None,
                    (float(speed.group(1)), speed.group(2)) if speed else None,
                )
            )
    return cells


def pages():
    hardware = list(Hardware.objects.published())
    popular = [hw.slug for hw in hardware if hw.popular]
    variants = [slug for hw in hardware for slug, _gb in hw.memory_variants]
    text_models = list(Model.objects.published().filter(modality="text"))
    yield from (f"/hardware/{slug}/" for slug in [hw.slug for hw in hardware] + variants)
    yield from (m.get_absolute_url() for m in text_models)
    for start in range(0, len(popular), 4):
        group = ",".join(popular[start : start + 4] + variants[:1])
        yield f"/compare/?hw={group}&context=16384"
        yield f"/compare/?hw={group}&quant=Q8_0"
    yield from (g.get_absolute_url() for g in BuyerGuide.objects.published())
    yield "/best-gpu/"
    for preset, budget in [("chat-8b", 1500), ("coding-32b", 3000), ("70b", 6000)]:
        yield f"/choose-my-gpu/?preset={preset}&budget={budget}&used_allowed=on&max_gpus=2"
        yield f"/choose-my-gpu/?preset={preset}&budget={budget}&context=16384"
    yield from (f"/will-it-run/?hardware={slug}" for slug in popular + variants[:2])
    for model in text_models[::4]:
        yield f"/will-it-run/?model={model.slug}"
        yield f"/hardware/?runs_model={model.slug}&sort=speed"


def test_every_cell_on_every_page_equals_the_api_answer(client):
    shown = {}  # query -> [(page, verdict, speed)]
    for page in pages():
        response = client.get(page)
        assert response.status_code == 200, page
        html = response.content.decode()
        cells = shown_cells(html)
        # Every speed the page shows belongs to a cell with its answer link, so none escapes.
        assert len(SPEED.findall(html)) == sum(1 for _q, _v, speed in cells if speed), page
        # A cell answers the question the page was asked: its context and quant, where given.
        asked = {k: v for k, v in parse_qs(urlsplit(page).query).items() if k in ASKED}
        for query, verdict, speed in cells:
            linked = parse_qs(query)
            assert all(linked.get(key) == value for key, value in asked.items()), (page, query)
            shown.setdefault(query, []).append((page, verdict, speed))
    assert len(shown) > 3000, "the walk should reach thousands of distinct questions"
    disagreements = []
    for query, seen in shown.items():
        response = client.get(f"/api/v1/estimate?{query}")
        assert response.status_code == 200, (query, response.content)
        body = response.json()
        speed = body["decode_tok_s"]
        for page, verdict, shown_speed in seen:
            if verdict and verdict != body["verdict"]:
                disagreements.append((page, query, verdict, body["verdict"]))
            if shown_speed is not None:
                expected = (speed["value"], speed["basis"]) if speed else None
                if shown_speed != expected:
                    disagreements.append((page, query, shown_speed, expected))
    assert not disagreements, f"{len(disagreements)} cells disagree, e.g. {disagreements[:5]}"


def test_cells_of_every_kind_of_page_are_walked(client):
    """The walk above is only as good as the pages it reaches: each page type shows cells."""
    model = Model.objects.published().filter(modality="text", popular=True).first()
    hardware = Hardware.objects.published().filter(popular=True).order_by("memory_gb")
    first, second = hardware[0].slug, hardware[1].slug
    for page in [
        f"/hardware/{first}/",
        model.get_absolute_url(),
        f"/compare/?hw={first},{second}",
        "/best-gpu/",
        "/choose-my-gpu/?preset=chat-8b&budget=1500",
        f"/will-it-run/?hardware={first}",
        f"/will-it-run/?model={model.slug}",
        f"/hardware/?runs_model={model.slug}",
    ]:
        cells = shown_cells(client.get(page).content.decode())
        assert any(speed for _q, _v, speed in cells), page
        for query, _verdict, _speed in cells:
            assert urlsplit(f"/?{query}").query == query


@pytest.fixture
def scaled_setup():
    """A test model measured on one GeForce-like card, and a faster card of the same kind with
    no measurement of it. Decoys: a data-centre card nearer in bandwidth and a same-kind card
    further away, both measured at a shorter context (the old rule picked the shortest)."""
    quant = QuantFormatFactory(name="Q4_K_M")
    model = ModelFactory()
    near = HardwareFactory(bandwidth_gb_s=1000, fp16_tflops=80, popular=True)
    target = HardwareFactory(bandwidth_gb_s=1800, fp16_tflops=100, popular=True)
    decoys = [
        HardwareFactory(kind="datacenter_gpu", bandwidth_gb_s=1700, fp16_tflops=90),
        HardwareFactory(bandwidth_gb_s=500, fp16_tflops=40),
    ]
    reference = BenchmarkFactory(
        hardware=near, model=model, quant=quant, decode_tok_s=100.0, prefill_tok_s=4000.0
    )
    for decoy in decoys:
        BenchmarkFactory(
            hardware=decoy, model=model, quant=quant, context_tokens=512, decode_tok_s=300.0
        )
    return {"model": model, "near": near, "target": target, "reference": reference}


@pytest.mark.parametrize(("card", "basis"), [("near", "measured"), ("target", "scaled")])
def test_the_model_matrix_shows_the_basis_will_it_run_shows(client, scaled_setup, card, basis):
    """The test model is measured on one card and not on the other, where the answer scales a
    measurement by bandwidth: the model page's matrix says the same as Will it run? and the
    API, figure and basis."""
    model, hardware = scaled_setup["model"], scaled_setup[card]
    query = f"hardware={hardware.slug}&model={model.slug}&quant=Q4_K_M&context=4096"
    api = client.get(f"/api/v1/estimate?{query}").json()["decode_tok_s"]
    assert api["basis"] == basis
    cells = {
        q: s for q, _v, s in shown_cells(client.get(model.get_absolute_url()).content.decode())
    }
    assert cells[query] == (api["value"], basis)
    page = client.get(f"/will-it-run/?{query}").content.decode()
    assert f'<data class="speed" value="{api["value"]}" data-basis="{basis}">' in page


def test_a_scaled_speed_starts_from_the_nearest_comparable_card(client, scaled_setup):
    """The target card has no measurement of the model: its figure scales the same-kind card's
    run nearest in bandwidth by 1,800 / 1,000 GB/s, not the data-centre card's run nearer in
    bandwidth nor a run at a shorter context."""
    model, target = scaled_setup["model"], scaled_setup["target"]
    query = f"hardware={target.slug}&model={model.slug}&quant=Q4_K_M&context=4096"
    speed = client.get(f"/api/v1/estimate?{query}").json()["decode_tok_s"]
    reference = scaled_setup["reference"]
    assert speed["basis"] == "scaled"
    assert speed["source_url"] == reference.source_url
    assert speed["value"] == round(reference.decode_tok_s * 1800 / 1000, 1)


def test_only_generation_is_scaled_and_the_page_says_by_what(client, scaled_setup):
    """Decode scales by the bandwidth ratio; prompt speed is never scaled (FP16 compute ratios
    predicted measured prompts worse than the calibrated estimate), so it shows the estimate."""
    model, target = scaled_setup["model"], scaled_setup["target"]
    query = f"hardware={target.slug}&model={model.slug}&quant=Q4_K_M&context=4096"
    body = client.get(f"/api/v1/estimate?{query}").json()
    assert body["decode_tok_s"]["basis"] == "scaled"
    assert body["prefill_tok_s"]["basis"] == "estimated"
    html = client.get(f"/will-it-run/?{query}").content.decode()
    assert "by the bandwidth ratio" in html and "FP16 compute ratio" not in html


def test_nothing_is_scaled_from_another_kind_of_hardware(client):
    """A model measured only on a data-centre card: a desktop card shows the estimate, not the
    data-centre run scaled (an M2 once showed a speed scaled from an RX 9070 XT)."""
    quant = QuantFormatFactory(name="Q4_K_M")
    model = ModelFactory()
    source = HardwareFactory(kind="datacenter_gpu", bandwidth_gb_s=1000, fp16_tflops=80)
    BenchmarkFactory(hardware=source, model=model, quant=quant, decode_tok_s=100.0)
    desktop = HardwareFactory(bandwidth_gb_s=1000, fp16_tflops=80)
    query = f"hardware={desktop.slug}&model={model.slug}&quant=Q4_K_M&context=4096"
    assert client.get(f"/api/v1/estimate?{query}").json()["decode_tok_s"]["basis"] == "estimated"
