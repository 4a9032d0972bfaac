"""Parse the Markdown table that llama.cpp's `llama-bench` prints, to pre-fill a submission.

    | model                  |     size |   params | backend | ngl |  test |           t/s |
    | ---------------------- | -------: | -------: | ------- | --: | ----: | ------------: |
    | llama 8B Q4_K - Medium | 4.58 GiB |   8.03 B | CUDA    |  99 | pp512 | 5428.42 ± 25.64 |
    | llama 8B Q4_K - Medium | 4.58 GiB |   8.03 B | CUDA    |  99 | tg128 |  152.21 ± 0.21 |

    build: 1a2b3c4 (4567)

The `test` column says what was measured: ppN is prompt processing of N tokens (prefill),
tgN is generating N tokens (decode); `t/s` is the mean ± standard deviation over repetitions.
Columns vary between builds and flags, so they are found by their header names.
"""

import re
from dataclasses import dataclass, field

TEST = re.compile(r"^(pp|tg)(\d+)$")
BUILD = re.compile(r"^build:\s*(\S+)\s*\((\d+)\)", re.MULTILINE)
MEAN = re.compile(r"^\s*([\d.]+)")


@dataclass
class LlamaBenchResult:
    model_description: str = ""
    size: str = ""
    backend: str = ""
    gpu_layers: int | None = None
    prefill_tok_s: float | None = None
    prompt_tokens: int | None = None
    decode_tok_s: float | None = None
    generated_tokens: int | None = None
    build: str = ""
    rows: list = field(default_factory=list)

    @property
    def found_anything(self):
        return self.prefill_tok_s is not None or self.decode_tok_s is not None


def _cells(line):
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def parse(text):
    """Read the first pp and tg rows of a llama-bench table; missing parts stay None."""
    result = LlamaBenchResult()
    header = None
    for line in (text or "").splitlines():
        if not line.strip().startswith("|"):
            continue
        cells = _cells(line)
        if header is None:
            if "test" in cells and "t/s" in cells:
                header = cells
            continue
        if set("".join(cells)) <= set("-: "):
            continue  # the separator row
        if len(cells) != len(header):
            continue
        row = dict(zip(header, cells, strict=True))
        result.rows.append(row)
        match = TEST.match(row["test"])
        speed = MEAN.match(row["t/s"])
        if not (match and speed):
            continue
        kind, tokens, tok_s = match.group(1), int(match.group(2)), float(speed.group(1))
        if kind == "pp" and result.prefill_tok_s is None:
            result.prefill_tok_s, result.prompt_tokens = tok_s, tokens
        elif kind == "tg" and result.decode_tok_s is None:
            result.decode_tok_s, result.generated_tokens = tok_s, tokens
        result.model_description = result.model_description or row.get("model", "")
        result.size = result.size or row.get("size", "")
        result.backend = result.backend or row.get("backend", "")
        if result.gpu_layers is None and row.get("ngl", "").isdigit():
            result.gpu_layers = int(row["ngl"])
    build = BUILD.search(text or "")
    if build:
        result.build = f"{build.group(1)} ({build.group(2)})"
    return result
