"""Per-OS install and run commands on the tool pages, their data and their admin."""

import csv
import html
import re
import shutil

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from catalog.loaders import DATA_DIR
from catalog.models import OperatingSystem, Runtime, RuntimeInstall
from tests.factories import RuntimeFactory, RuntimeInstallFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tools():
    """Two tools of the test's own: one for Linux, macOS and Windows with two Linux routes and a
    Windows release package (a download plus a command), one for Linux only."""
    everywhere = RuntimeFactory(
        slug="ri-everywhere", name="RI Everywhere", operating_systems=["linux", "macos", "windows"]
    )
    for os_name, method in [("linux", "Script"), ("linux", "Homebrew"), ("macos", "Homebrew")]:
        RuntimeInstallFactory(runtime=everywhere, os=os_name, method=method)
    RuntimeInstallFactory(
        runtime=everywhere,
        os="windows",
        method="Release package",
        download_url="https://example.org/ri-everywhere/release.zip",
        install_command="Expand-Archive release.zip",
    )
    linux_only = RuntimeFactory(
        slug="ri-linux",
        name="RI Linux",
        operating_systems=["linux"],
        install_command="pip install ri-linux",
    )
    RuntimeInstallFactory(runtime=linux_only, os="linux", method="pip")
    return {"everywhere": everywhere, "linux_only": linux_only}


def install_sections(page):
    """{os heading: section markup} for the Install and run part of a tool page."""
    part = page.split('id="install"', 1)[1].split("<h2", 1)[0]
    found = re.findall(r'<h3 id="install-(\w+)">([^<]+)</h3>(.*?)</section>', part, re.S)
    return {label: body for _os, label, body in found}


def test_tool_page_shows_each_os_with_its_own_commands_and_source(client, tools):
    runtime = tools["everywhere"]
    page = client.get("/tools/ri-everywhere/").content.decode()
    sections = install_sections(page)
    assert list(sections) == ["Linux", "macOS", "Windows"]
    for _os, label, routes in runtime.installs_by_os():
        body = html.unescape(sections[label])
        for route in routes:
            assert route.method in body
            if route.install_command:
                assert route.install_command in body
            if route.run_command:
                assert route.run_command in body
            assert html.unescape(route.source_urls[0]) in body
    windows = RuntimeInstall.objects.filter(runtime=runtime, os="windows")
    assert windows.first().install_command not in html.unescape(sections["Linux"])


def test_a_linux_only_tool_shows_only_linux(client, tools):
    page = client.get("/tools/ri-linux/").content.decode()
    assert list(install_sections(page)) == ["Linux"]
    assert "<dt>Operating systems</dt><dd>Linux</dd>" in page
    page = client.get("/tools/ri-everywhere/").content.decode()
    assert "<dt>Operating systems</dt><dd>Linux, macOS, Windows</dd>" in page


def test_tool_cards_show_the_chosen_os_route(client, tools):
    page = client.get("/tools/", {"os": "windows"}).content.decode()
    first = RuntimeInstall.objects.filter(runtime__slug="ri-everywhere", os="windows").first()
    assert f"Install on Windows ({first.method}):" in page
    assert first.install_command and html.escape(first.install_command) in page
    assert 'href="/tools/ri-everywhere/#install-windows"' in page
    # A download-plus-command route shows both, in order.
    package = RuntimeInstall.objects.get(runtime__slug="ri-everywhere", method="Release package")
    card = page.split('href="/tools/ri-everywhere/"', 1)[1].split('class="card"', 1)[0]
    assert card.index(package.download_url) < card.index(package.install_command)


def test_tools_are_listed_by_name_ignoring_case(client, tools):
    page = client.get("/tools/").content.decode()
    names = re.findall(r'<h3><a href="/tools/[^"]+/">([^<]+)</a></h3>', page)
    assert len(names) == Runtime.objects.published().count()
    assert names == sorted(names, key=str.casefold)


def test_a_tool_without_recorded_routes_falls_back_to_general_commands(client, tools):
    runtime = tools["linux_only"]
    runtime.installs.all().delete()
    page = client.get("/tools/ri-linux/").content.decode()
    section = install_sections(page)["Linux"]
    assert runtime.install_command in html.unescape(section)
    assert "We have not yet recorded Linux-specific commands" in section


@pytest.fixture
def data_copy(tmp_path):
    """A copy of the seed files with a Linux-only tool of the test's own (RI Linux) appended to
    runtimes.csv, written like the file's first tool."""
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    runtimes = target / "runtimes.csv"
    with runtimes.open(newline="") as handle:
        first = next(csv.DictReader(handle))
    first.update(slug="ri-linux", name="RI Linux", os="linux", source="https://example.org/ri")
    with runtimes.open("a", newline="") as handle:
        csv.DictWriter(handle, fieldnames=list(first), lineterminator="\n").writerow(first)
    return target


@pytest.mark.parametrize(
    "row,reason",
    [
        (
            "ri-linux,windows,pip,pip install ri,,ri serve x,https://example.org/ri,",
            "RI Linux does not list 'windows' among its operating systems",
        ),
        ("ri-linux,linux,Nothing,,,ri serve x,https://example.org/ri,", "needs 'install_command'"),
        ("ri-linux,bsd,pip,pip install ri,,,https://example.org/ri,", "'os' must be one of"),
        ("ri-linux,linux,pip2,pip install ri,,,not a url,", "not a URL"),
    ],
)
def test_bad_install_rows_are_refused_with_file_and_line(data_copy, row, reason):
    path = data_copy / "runtime_installs.csv"
    lines = path.read_text().count("\n")
    with path.open("a") as handle:
        handle.write(row + "\n")
    with pytest.raises(CommandError) as error:
        call_command("seed", "--only", "catalog", "--data-dir", str(data_copy))
    assert f"runtime_installs.csv, line {lines + 1}: " in str(error.value)
    assert reason in str(error.value)


def runtime_form(runtime, **inline):
    data = {
        "slug": runtime.slug,
        "name": runtime.name,
        "kind": runtime.kind,
        "license": runtime.license,
        "repo_url": runtime.repo_url,
        "backends": '["cuda"]',
        "formats": '["gguf"]',
        "operating_systems": '["linux", "windows"]',
        "multi_gpu": "unknown",
        "source_url": runtime.source_url,
        "status": runtime.status,
        "installs-TOTAL_FORMS": "1",
        "installs-INITIAL_FORMS": "0",
        "installs-MIN_NUM_FORMS": "0",
        "installs-MAX_NUM_FORMS": "1000",
        "installs-0-position": "0",
    }
    data.update({f"installs-0-{key}": value for key, value in inline.items()})
    return data


@pytest.fixture
def bare_runtime():
    return Runtime.objects.create(
        slug="newtool",
        name="NewTool",
        kind="llm_runtime",
        license="MIT",
        backends=["cuda"],
        formats=["gguf"],
        operating_systems=["linux", "windows"],
        source_url="https://example.org/newtool",
    )


def test_editor_adds_a_windows_route_inline_and_it_appears(editor_client, client, bare_runtime):
    url = reverse("admin:catalog_runtime_change", args=[bare_runtime.pk])
    response = editor_client.post(
        url,
        runtime_form(
            bare_runtime,
            os=OperatingSystem.WINDOWS,
            method="winget",
            install_command="winget install newtool",
            run_command="newtool serve",
            source_url="https://example.org/newtool/windows",
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    route = RuntimeInstall.objects.get(runtime=bare_runtime)
    assert (route.os, route.method) == ("windows", "winget")
    sections = install_sections(client.get("/tools/newtool/").content.decode())
    assert "winget install newtool" in sections["Windows"]
    assert "We have not yet recorded Linux-specific commands" in sections["Linux"]


def test_admin_refuses_a_route_with_no_command_or_download(editor_client, bare_runtime):
    url = reverse("admin:catalog_runtime_change", args=[bare_runtime.pk])
    response = editor_client.post(
        url,
        runtime_form(
            bare_runtime, os="linux", method="pip", source_url="https://example.org/newtool"
        ),
    )
    assert response.status_code == 200
    assert "Give an install command or a download URL." in response.content.decode()
    assert not RuntimeInstall.objects.filter(runtime=bare_runtime).exists()


def test_admin_refuses_a_route_for_an_os_the_tool_does_not_list(editor_client, bare_runtime):
    url = reverse("admin:catalog_runtime_change", args=[bare_runtime.pk])
    response = editor_client.post(
        url,
        runtime_form(
            bare_runtime,
            os="macos",
            method="Homebrew",
            install_command="brew install newtool",
            source_url="https://example.org/newtool",
        ),
    )
    assert response.status_code == 200
    assert "NewTool does not list macOS" in response.content.decode()
    assert not RuntimeInstall.objects.filter(runtime=bare_runtime).exists()
