"""What Will it run?'s form shows a visitor: the Sort select names the order of the list on show,
machines are picked by the memory they are bought with, names are in number order, and the list
says which unit its memory is in."""

import re

import pytest

from tests.factories import HardwareFactory, ModelFactory, mac

pytestmark = pytest.mark.django_db


@pytest.fixture
def asked():
    """A card, an 8B model and a Mac (sold in 16, 48 and 64 GB) of the test's own."""
    HardwareFactory(slug="wf-card", name="WF Card")
    ModelFactory(slug="wf-8b", name="WF 8B")
    mac(slug="wf-mac", name="WF Mac")


def sort_select(html):
    """[(value, label, selected)] of the Sort select."""
    select = re.search(r'<select id="id_sort" name="sort">(.*?)</select>', html, re.S).group(1)
    return [
        (value, label, bool(selected))
        for value, selected, label in re.findall(
            r'<option value="([^"]*)"( selected)?>([^<]*)</option>', select
        )
    ]


def selected_label(html):
    return next(label for _value, label, selected in sort_select(html) if selected)


def test_sort_names_the_order_of_a_models_list(client, asked):
    html = client.get("/will-it-run/", {"hardware": "wf-card"}).content.decode()
    assert selected_label(html) == "Largest model first"
    assert [label for _v, label, _s in sort_select(html)] == [
        "Largest model first",
        "Least quantized first",
        "Fastest first",
    ]
    assert "Largest model first." in html  # the list's own sentence agrees


def test_sort_names_the_order_of_a_hardware_list(client, asked):
    html = client.get("/will-it-run/", {"model": "wf-8b"}).content.decode()
    assert selected_label(html) == "Cheapest first"
    assert "Largest model first" not in html


def test_a_shared_sort_is_selected_and_one_for_the_other_list_falls_back(client, asked):
    html = client.get("/will-it-run/", {"hardware": "wf-card", "sort": "speed"}).content.decode()
    assert selected_label(html) == "Fastest first"
    assert "Fastest first." in html
    html = client.get("/will-it-run/", {"hardware": "wf-card", "sort": "price"}).content.decode()
    assert selected_label(html) == "Largest model first"


def test_the_swapped_answer_brings_the_sort_select_that_fits_it(client, asked):
    response = client.get(
        "/will-it-run/",
        {"model": "wf-8b"},
        headers={"HX-Request": "true", "HX-Target": "result"},
    )
    html = response.content.decode()
    assert "<header" not in html
    assert '<div class="field sort-field" id="sort-field" hx-swap-oob="true">' in html
    assert selected_label(html) == "Cheapest first"


def make_test_mac():
    """A Mac sold with 16 or 32 GB (the catalog row lists its largest)."""
    return HardwareFactory(
        slug="test-mac",
        name="Test Mac",
        kind="apple_silicon",
        memory_gb=32,
        memory_options_gb=[16, 32],
        backend="metal",
    )


def test_a_unified_memory_machine_is_picked_by_its_memory(client):
    HardwareFactory(
        slug="test-apu", name="Test APU", kind="apu", memory_gb=96, memory_options_gb=[]
    )
    make_test_mac()
    html = client.get("/will-it-run/").content.decode()
    assert '<option value="test-apu" data-unified="1">Test APU · 96 GB</option>' in html
    assert '<option value="test-mac-16gb" data-unified="1">Test Mac · 16 GB</option>' in html
    assert '<option value="test-mac-32gb" data-unified="1">Test Mac · 32 GB</option>' in html


def test_names_are_listed_in_number_order(client):
    for size in (12, 4, 27):
        ModelFactory(slug=f"zebu-{size}b", name=f"Zebu {size}B")
    html = client.get("/will-it-run/").content.decode()
    positions = [html.index(f">Zebu {size}B</option>") for size in (4, 12, 27)]
    assert positions == sorted(positions)


def test_the_list_says_its_memory_is_in_gib(client, asked):
    html = client.get("/will-it-run/", {"hardware": "wf-card"}).content.decode()
    assert "Memory (<abbr" in html and ">GiB</abbr>)" in html
    assert "in GiB (2³⁰ bytes)" in html
    assert "GB (10⁹ bytes)" not in html


@pytest.mark.parametrize(
    "query,machine",
    [
        ({"hardware": "test-mac-16gb"}, "Test Mac · 16 GB"),
        ({"hardware": "test-card", "gpu_count": 2}, "2× Test Card"),
        (
            {"hardware": "custom", "memory_gb": 24, "bandwidth_gb_s": 900},
            "Custom hardware (24 GB, 900 GB/s)",
        ),
    ],
)
def test_the_answer_names_the_machine_asked_about(client, query, machine):
    make_test_mac()
    HardwareFactory(slug="test-card", name="Test Card")
    model = ModelFactory(slug="test-answer-model", name="Answer Model 8B")
    query = {"hardware_kind": "discrete_gpu", **query} if query["hardware"] == "custom" else query
    html = client.get("/will-it-run/", {**query, "model": model.slug}).content.decode()
    heading = re.search(r'<h2 id="result-h">([^<]*)</h2>', html).group(1)
    assert heading.startswith(f"{machine} · Answer Model 8B ")


def test_a_command_in_a_note_is_set_as_code(client, asked):
    html = client.get(
        "/will-it-run/", {"hardware": "wf-mac-16gb", "model": "wf-8b"}
    ).content.decode()
    assert "<code>sudo sysctl iogpu.wired_limit_mb=N</code>" in html
    assert "`sudo sysctl" not in html


def test_a_link_naming_a_mac_without_its_size_selects_the_size_it_answers_for(client):
    """?hardware=<mac> answers for the catalog's memory (the largest); the select must show that
    configuration, not 'Any hardware', so Check by hand asks the same question again."""
    mac(slug="wr-mac", name="WR Mac")
    ModelFactory(slug="wr-8b")
    html = client.get("/will-it-run/?hardware=wr-mac&model=wr-8b").content.decode()
    assert '<option value="wr-mac-64gb" data-unified="1" selected>WR Mac · 64 GB</option>' in html
    assert '<option value="wr-mac-16gb" data-unified="1">WR Mac · 16 GB</option>' in html
