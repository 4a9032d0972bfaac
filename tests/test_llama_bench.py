import pytest

from catalog.llama_bench import LlamaBenchError, parse

OUTPUT = """
ggml_cuda_init: found 1 CUDA devices:
  Device 0: NVIDIA GeForce RTX 4090, compute capability 8.9, VMM: yes
| model                          |       size |     params | backend    | ngl |          test |                  t/s |
| ------------------------------ | ---------: | ---------: | ---------- | --: | ------------: | -------------------: |
| llama 8B Q4_K - Medium         |   4.58 GiB |     8.03 B | CUDA       |  99 |         pp512 |      5428.42 ± 25.64 |
| llama 8B Q4_K - Medium         |   4.58 GiB |     8.03 B | CUDA       |  99 |         tg128 |        152.21 ± 0.21 |

build: 1a2b3c4d (4567)
"""

WITH_EXTRA_COLUMNS = """
| model               |     size |  params | backend | threads | fa |  test |          t/s |
| ------------------- | -------: | ------: | ------- | ------: | -: | ----: | -----------: |
| qwen3 30B.A3B Q4_K - Medium | 17.28 GiB | 30.53 B | Metal | 12 | 1 | tg256 | 83.10 ± 0.40 |
"""


def test_parses_prefill_and_decode_with_token_counts_and_build():
    result = parse(OUTPUT)
    assert result.prefill_tok_s == 5428.42 and result.prompt_tokens == 512
    assert result.decode_tok_s == 152.21 and result.generated_tokens == 128
    assert result.gpu_layers == 99
    assert result.backend == "CUDA"
    assert result.size == "4.58 GiB"
    assert result.build == "1a2b3c4d (4567)"


def test_columns_are_found_by_header_name():
    result = parse(WITH_EXTRA_COLUMNS)
    assert result.decode_tok_s == 83.10 and result.generated_tokens == 256
    assert result.prefill_tok_s is None
    assert result.backend == "Metal"


def test_text_without_a_table_yields_nothing():
    result = parse("segmentation fault (core dumped)")
    assert not result.found_anything


def table(speed="152.21 ± 0.21", test="tg128", ngl="99"):
    return (
        "| model | size | params | backend | ngl | test | t/s |\n"
        "| --- | ---: | ---: | --- | --: | ---: | ---: |\n"
        f"| llama 8B Q4_K - Medium | 4.58 GiB | 8.03 B | CUDA | {ngl} | {test} | {speed} |\n"
    )


@pytest.mark.parametrize(
    "pasted",
    [
        table(speed="1.2.3 ± 0.1"),
        table(test="tg" + "9" * 5000),
        table(ngl="9" * 5000),
        table(speed="9" * 400),
    ],
)
def test_unreadable_numbers_are_an_error_naming_the_line(pasted):
    with pytest.raises(LlamaBenchError, match="Line 3"):
        parse(pasted)
