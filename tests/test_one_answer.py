"""One question, one answer: every speed and verdict a page shows for a hardware × model × quant
cell equals what /api/v1/estimate answers for the same question (value and basis).

Every cell that shows a speed links to its full answer on Will it run?; the API takes the same
query string, so this walks the rendered pages of the seeded catalog — each hardware page, each
model page, Compare, every buyer guide and Choose my GPU — and asks the API about every cell.
"""

import re
from html import unescape
from urllib.parse import urlsplit

import pytest

from catalog.models import Benchmark, Hardware, Model
from editorial.models import BuyerGuide

pytestmark = pytest.mark.django_db

CELL = re.compile(r"<td[^>]*>(.*?)</td>", re.S)
LINK = re.compile(r'class="[^"]*answer-link[^"]*" href="/will-it-run/\?([^"]+)"')
VERDICT = re.compile(r'class="badge verdict-(\w+)"')
SPEED = re.compile(r'<data class="speed" value="([\d.]+)" data-basis="(\w+)"')


def shown_cells(html):
    """(query, verdict, (value, basis) or None) for every cell that links to its answer."""
    cells = []
    for body in CELL.findall(html):
        link = LINK.search(body)
        if not link:
            continue
        verdict, speed = VERDICT.search(body), SPEED.search(body)
        cells.append(
            (
                unescape(link.group(1)),
                verdict.group(1) if verdict else None,
                (float(speed.group(1)), speed.group(2)) if speed else None,
            )
        )
    return cells


def pages():
    hardware = list(Hardware.objects.published())
    popular = [hw.slug for hw in hardware if hw.popular]
    variants = [slug for hw in hardware for slug, _gb in hw.memory_variants]
    yield from (f"/hardware/{slug}/" for slug in [hw.slug for hw in hardware] + variants)
    yield from (m.get_absolute_url() for m in Model.objects.published().filter(modality="text"))
    for start in range(0, len(popular), 4):
        group = ",".join(popular[start : start + 4] + variants[:1])
        yield f"/compare/?hw={group}&context=16384"
        yield f"/compare/?hw={group}&quant=Q8_0"
    yield from (g.get_absolute_url() for g in BuyerGuide.objects.published())
    yield "/best-gpu/"
    for preset, budget in [("chat-8b", 1500), ("coding-32b", 3000), ("70b", 6000)]:
        yield f"/choose-my-gpu/?preset={preset}&budget={budget}&used_allowed=on&max_gpus=2"
        yield f"/choose-my-gpu/?preset={preset}&budget={budget}&context=16384"


def test_every_cell_on_every_page_equals_the_api_answer(client):
    shown = {}  # query -> [(page, verdict, speed)]
    for page in pages():
        response = client.get(page)
        assert response.status_code == 200, page
        for query, verdict, speed in shown_cells(response.content.decode()):
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
    for page in [
        "/hardware/rtx-4090/",
        "/models/llama-3.1-8b/",
        "/compare/?hw=rtx-4090,rtx-3090",
        "/best-gpu/",
        "/choose-my-gpu/?preset=chat-8b&budget=1500",
    ]:
        cells = shown_cells(client.get(page).content.decode())
        assert any(speed for _q, _v, speed in cells), page
        for query, _verdict, _speed in cells:
            assert urlsplit(f"/?{query}").query == query


@pytest.mark.parametrize(
    ("hardware", "basis"),
    [("rtx-4090", "measured"), ("rtx-5090", "scaled")],
)
def test_the_model_matrix_shows_the_basis_will_it_run_shows(client, hardware, basis):
    """Llama 3 8B at Q4_K_M is measured on the RTX 4090 and not on the RTX 5090, where the
    answer scales a measurement by bandwidth: the model page's matrix says the same as Will it
    run? and the API, figure and basis."""
    query = f"hardware={hardware}&model=llama-3-8b&quant=Q4_K_M&context=4096"
    api = client.get(f"/api/v1/estimate?{query}").json()["decode_tok_s"]
    assert api["basis"] == basis
    cells = {q: s for q, _v, s in shown_cells(client.get("/models/llama-3-8b/").content.decode())}
    assert cells[query] == (api["value"], basis)
    page = client.get(f"/will-it-run/?{query}").content.decode()
    assert f'<data class="speed" value="{api["value"]}" data-basis="{basis}">' in page


def test_a_scaled_speed_starts_from_the_nearest_comparable_card(client):
    """The RTX 5090 has no Llama 3 8B measurement: its figure scales the RTX 4090's 4k-context
    run (the GeForce card nearest in bandwidth) by 1,792 / 1,008 GB/s, not a workstation or
    data-centre card's run at another context."""
    query = "hardware=rtx-5090&model=llama-3-8b&quant=Q4_K_M&context=4096"
    speed = client.get(f"/api/v1/estimate?{query}").json()["decode_tok_s"]
    reference = Benchmark.objects.get(
        hardware__slug="rtx-4090",
        model__slug="llama-3-8b",
        quant__name="Q4_K_M",
        context_tokens=4096,
        gpu_count=1,
    )
    assert speed["basis"] == "scaled"
    assert speed["source_url"] == reference.source_url
    assert speed["value"] == round(reference.decode_tok_s * 1792 / 1008, 1)


def test_a_scaled_prefill_says_it_was_scaled_by_compute(client):
    """Decode scales by the bandwidth ratio, prompt processing by the FP16 compute ratio; the
    page says which for each figure."""
    query = "hardware=rtx-5090&model=llama-3-8b&quant=Q4_K_M&context=4096"
    body = client.get(f"/api/v1/estimate?{query}").json()
    assert body["decode_tok_s"]["basis"] == body["prefill_tok_s"]["basis"] == "scaled"
    html = client.get(f"/will-it-run/?{query}").content.decode()
    assert "by the bandwidth ratio" in html and "by the FP16 compute ratio" in html
