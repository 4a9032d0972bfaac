"""Small numeric routines for calibration: least squares on relative error, quantiles."""

import operator
from collections.abc import Sequence


def _solve(matrix: list[list[float]], vector: list[float]) -> list[float] | None:
    """Gaussian elimination with partial pivoting; None when singular."""
    size = len(vector)
    a = [row[:] + [v] for row, v in zip(matrix, vector, strict=True)]
    for col in range(size):
        pivot = max(range(col, size), key=lambda r: abs(a[r][col]))
        if abs(a[pivot][col]) < 1e-12 * max(1.0, max(abs(x) for x in a[pivot])):
            return None
        a[col], a[pivot] = a[pivot], a[col]
        for r in range(col + 1, size):
            ratio = a[r][col] / a[col][col]
            a[r] = [x - ratio * y for x, y in zip(a[r], a[col], strict=True)]
    solution = [0.0] * size
    for r in range(size - 1, -1, -1):
        known = sum(a[r][c] * solution[c] for c in range(r + 1, size))
        solution[r] = (a[r][size] - known) / a[r][r]
    return solution


def relative_least_squares(features: list[list[float]], targets: list[float]) -> list[float] | None:
    """Non-negative coefficients minimising the squared *relative* error of features . beta
    against targets (active set: drop the most negative coefficient and refit)."""
    width = len(features[0])
    active = list(range(width))
    # Each feature divided by its row's target: the columns of the relative-error problem.
    columns = [[row[i] / t for row, t in zip(features, targets, strict=True)] for i in range(width)]
    full_gram = [[_dot(columns[i], columns[j]) for j in range(width)] for i in range(width)]
    full_moment = [sum(column) for column in columns]
    while active:
        gram = [[full_gram[i][j] for j in active] for i in active]
        moment = [full_moment[i] for i in active]
        solution = _solve(gram, moment)
        if solution is None:
            active.pop()
            continue
        if min(solution) >= 0:
            beta = [0.0] * width
            for index, value in zip(active, solution, strict=True):
                beta[index] = value
            return beta
        active.pop(solution.index(min(solution)))
    return None


def _dot(a: list[float], b: list[float]) -> float:
    return sum(map(operator.mul, a, b))


def quantile(values: Sequence[float], q: float) -> float:
    """Linearly interpolated quantile (numpy's default method)."""
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)
