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
MEAN = re.compile(r"^\s*(\S+)")
NUMBER = re.compile(r"\d+(?:\.\d+)?")
# More digits than any real count or speed has; also keeps int() far from Python's
# 4,300-digit conversion limit.
MAX_DIGITS = 12


class LlamaBenchError(ValueError):
    """A table row that llama-bench could not have printed; the message names the line."""


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
    problem: str = ""  # why the pasted text could not be read, naming the line

    @property
    def found_anything(self):
        return self.prefill_tok_s is not None or self.decode_tok_s is not None


def _cells(line):
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def _number(text, line_number, what, kind=float):
    """The cell as a number, or a LlamaBenchError naming the line."""
    if not NUMBER.fullmatch(text) or len(text) > MAX_DIGITS + 1:
        raise LlamaBenchError(f"Line {line_number}: the {what} {text[:20]!r} is not a number.")
    return kind(text)


def parse(text):
    """Read the first pp and tg rows of a llama-bench table; missing parts stay None.

    Raises LlamaBenchError when a pp/tg row holds something that is not a number."""
    result = LlamaBenchResult()
    header = None
    for line_number, line in enumerate((text or "").splitlines(), start=1):
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
        kind = match.group(1)
        tokens = _number(match.group(2), line_number, "token count", int)
        tok_s = _number(speed.group(1), line_number, "speed")
        if kind == "pp" and result.prefill_tok_s is None:
            result.prefill_tok_s, result.prompt_tokens = tok_s, tokens
        elif kind == "tg" and result.decode_tok_s is None:
            result.decode_tok_s, result.generated_tokens = tok_s, tokens
        result.model_description = result.model_description or row.get("model", "")
        result.size = result.size or row.get("size", "")
        result.backend = result.backend or row.get("backend", "")
        if result.gpu_layers is None and row.get("ngl", "").isdigit():
            result.gpu_layers = _number(row["ngl"], line_number, "ngl value", int)
    build = BUILD.search(text or "")
    if build:
        result.build = f"{build.group(1)} ({build.group(2)})"
    return result
