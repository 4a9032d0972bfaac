"""Every form and API parameter, fuzzed: the answer is 200/400/404/429, never a 500, and a
rejected request changes no row."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog.llama_bench import LlamaBenchError, parse
from catalog.models import Benchmark
from editorial.models import ContactMessage
from editorial.newsletter import Subscriber
from tests.factories import HardwareFactory, ModelFactory, mac

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def own_rows():
    """The slugs the fuzzed values below name, so valid values reach the estimator whatever
    the shipped catalog calls its rows."""
    HardwareFactory(slug="fz-card")
    ModelFactory(slug="fz-8b")
    mac(slug="fz-mac")  # sold in 16, 48 and 64 GB: fz-mac-64gb is a memory configuration


OK_STATUSES = {200, 400, 404, 429}
EXAMPLES = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
FEW_EXAMPLES = settings(EXAMPLES, max_examples=25)

nasty_text = st.one_of(
    st.text(max_size=60),
    st.sampled_from(
        [
            "",
            " ",
            "-1",
            "0",
            "1e309",
            "NaN",
            "inf",
            "9" * 40,
            "fz-card",
            "fz-8b",
            "Q4_K_M",
            "custom",
            "../../etc/passwd",
            "<script>alert(1)</script>",
            "' OR 1=1 --",
            "\x00",
            "😀" * 5,
            "fz-mac-64gb",
            "EXL2 4.0 bpw",
            "MLX 4-bit",
            "mlx-lm",
            "cpu",
        ]
    ),
)
value_lists = st.lists(nasty_text, min_size=1, max_size=3)

GET_PARAMS = {
    "/will-it-run/": [
        "hardware",
        "model",
        "quant",
        "context",
        "kv_cache_type",
        "runtime",
        "system_ram_gb",
        "gpu_count",
        "memory_gb",
        "bandwidth_gb_s",
        "hardware_kind",
    ],
    "/api/v1/estimate": [
        "hardware",
        "model",
        "quant",
        "context",
        "memory_gb",
        "bandwidth_gb_s",
        "hardware_kind",
        "params_b",
        "layers",
        "kv_heads",
        "head_dim",
        "bits_per_weight",
        "sliding_window",
        "gpu_count",
        "runtime",
    ],
    "/hardware/": [
        "vendor",
        "kind",
        "backend",
        "min_memory",
        "max_price",
        "runs_model",
        "runs_quant",
        "sort",
        "page",
    ],
    "/models/": [
        "family",
        "organisation",
        "size",
        "architecture",
        "modality",
        "license",
        "fits_on",
        "sort",
        "page",
    ],
    "/tools/": ["kind", "backend", "os", "format"],
    "/benchmarks/": ["hardware", "model", "quant", "runtime", "context", "sort", "format"],
    "/compare/": ["hw", "quant", "context"],
    "/glossary/": ["q", "category"],
    "/errors/": ["runtime", "os"],
    "/search/": ["q"],
    "/choose-my-gpu/": [
        "budget",
        "model",
        "preset",
        "min_tok_s",
        "context",
        "quant_floor",
        "platform",
        "form_factor",
        "condition",
        "gpus",
        "sort",
    ],
    "/cost-vs-cloud/": [
        "model",
        "quant",
        "hardware",
        "purchase_usd",
        "input_m",
        "output_m",
        "electricity",
        "hours_per_day",
        "pattern",
        "years",
        "resale_percent",
        "load_watts",
        "idle_watts",
    ],
}


def query_strategy(names):
    return st.dictionaries(st.sampled_from(names), value_lists, max_size=len(names))


@pytest.mark.parametrize("url", list(GET_PARAMS))
def test_get_parameters_never_cause_a_server_error(client, url):
    @EXAMPLES
    @given(query=query_strategy(GET_PARAMS[url]))
    def check(query):
        response = client.get(url, query)
        assert response.status_code in OK_STATUSES, (url, query, response.status_code)

    check()


CONTACT_FIELDS = ["name", "email", "subject", "message", "website"]
NEWSLETTER_FIELDS = ["email", "source_page", "website"]
SUBMIT_FIELDS = [
    "hardware",
    "gpu_count",
    "model",
    "quant",
    "runtime",
    "context_tokens",
    "decode_tok_s",
    "prefill_tok_s",
    "source_url",
    "pasted_output",
    "submit",
]


@pytest.mark.parametrize(
    "url,fields,model",
    [
        ("/contact/", CONTACT_FIELDS, ContactMessage),
        ("/benchmarks/submit/", SUBMIT_FIELDS, Benchmark),
        ("/newsletter/", NEWSLETTER_FIELDS, Subscriber),
    ],
)
def test_form_posts_never_fail_and_rejections_change_nothing(client, url, fields, model):
    @EXAMPLES
    @given(data=st.dictionaries(st.sampled_from(fields), value_lists, max_size=len(fields)))
    def check(data):
        from django.core.cache import cache

        cache.clear()
        before = model.objects.count()
        response = client.post(url, data)
        assert response.status_code in OK_STATUSES, (url, data, response.status_code)
        if response.status_code != 200:
            assert model.objects.count() == before

    check()


# Integers around every boundary a date has, and far past what Python's dates can hold.
date_parts = st.one_of(
    st.integers(min_value=0, max_value=13),
    st.integers(min_value=1990, max_value=2100),
    st.sampled_from([9999, 10000, 2**31, 2**63, 10**20, 10**40]),
)


@pytest.mark.parametrize("prefix", ["/pulse/", "/newsletter/archive/"])
def test_dated_urls_answer_200_or_404(client, prefix):
    @FEW_EXAMPLES
    @given(year=date_parts, month=date_parts)
    def check(year, month):
        response = client.get(f"{prefix}{year}/{month}/")
        assert response.status_code in {200, 404}, (prefix, year, month, response.status_code)

    check()


LLAMA_BENCH_COLUMNS = ["model", "size", "params", "backend", "threads", "ngl", "fa"]
bench_numbers = st.one_of(
    st.floats(min_value=0, max_value=1e7, allow_nan=False).map(lambda x: f"{x:.2f}"),
    st.integers(min_value=0, max_value=10**6).map(str),
    st.sampled_from(["1.2.3", "9" * 4400, "1e309", "inf", "NaN", "-5", "", "12,5", "٣٤"]),
)


@st.composite
def llama_bench_tables(draw):
    """A table shaped like llama-bench's: a header with test and t/s among its columns, the
    separator row, then pp/tg rows whose numbers range from real to absurd."""
    extra = draw(st.lists(st.sampled_from(LLAMA_BENCH_COLUMNS), unique=True, max_size=5))
    header = [*extra, "test", "t/s"]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join("---:" for _ in header) + " |"]
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        cells = {
            "model": "llama 8B Q4_K - Medium",
            "size": "4.58 GiB",
            "params": "8.03 B",
            "backend": draw(st.sampled_from(["CUDA", "Metal", "CPU", "Vulkan"])),
            "threads": draw(bench_numbers),
            "ngl": draw(bench_numbers),
            "fa": "1",
            "test": draw(st.sampled_from(["pp", "tg", "pp512+tg", "xx"])) + draw(bench_numbers),
            "t/s": f"{draw(bench_numbers)} ± {draw(bench_numbers)}",
        }
        lines.append("| " + " | ".join(cells[name] for name in header) + " |")
    if draw(st.booleans()):
        lines.append(f"\nbuild: {draw(st.text(max_size=8))} ({draw(bench_numbers)})")
    return "\n".join(lines)


@FEW_EXAMPLES
@given(table=llama_bench_tables())
def test_parser_reads_a_table_or_names_the_bad_line(table):
    try:
        result = parse(table)
    except LlamaBenchError as error:
        assert str(error).startswith("Line ")
    else:
        for speed in (result.decode_tok_s, result.prefill_tok_s):
            assert speed is None or speed >= 0


@pytest.mark.parametrize("button", ["parse", "submit"])
def test_pasted_tables_never_fail_the_submission_form(client, button):
    @FEW_EXAMPLES
    @given(table=llama_bench_tables())
    def check(table):
        from django.core.cache import cache

        cache.clear()
        before = Benchmark.objects.count()
        data = {
            "hardware": "fz-card",
            "model": "fz-8b",
            "quant": "Q4_K_M",
            "runtime": "llama-cpp",
            "source_url": "https://example.com/fuzzed",
            "pasted_output": table,
            button: "1",
        }
        response = client.post("/benchmarks/submit/", data)
        assert response.status_code in OK_STATUSES, (table, response.status_code)
        stored = Benchmark.objects.filter(source_url="https://example.com/fuzzed")
        if response.status_code != 200 or button == "parse":
            assert Benchmark.objects.count() == before
        for row in stored:
            assert 0 < (row.decode_tok_s or row.prefill_tok_s) <= 1_000_000
        stored.delete()

    check()


def test_admin_login_answers_any_credentials_without_a_server_error(client):
    @FEW_EXAMPLES
    @given(
        username=st.one_of(nasty_text, st.text(min_size=200, max_size=400)),
        password=st.one_of(nasty_text, st.text(min_size=1, max_size=5000)),
    )
    def check(username, password):
        from axes.models import AccessAttempt

        AccessAttempt.objects.all().delete()  # each example starts unlocked
        response = client.post("/admin/login/", {"username": username, "password": password})
        assert response.status_code in {200, 400, 403, 429}, (username, response.status_code)
        assert "_auth_user_id" not in client.session

    check()
