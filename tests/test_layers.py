"""The layering rules import-linter cannot see: private names stay in their app, and imports sit
at the top of their module (a function-local import is how a cycle hides)."""

import ast
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("core", "catalog", "estimator", "editorial", "glossary", "config")


def modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield app, path, ast.parse(path.read_text(), filename=str(path))


def other_app(module, app):
    top = (module or "").split(".")[0]
    return top in APPS and top != app


def private_names_used(app, tree):
    """(line, name) for each private name of another app this module imports or reads."""
    found, imported_modules = [], {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and other_app(node.module, app):
            for alias in node.names:
                if alias.name.startswith("_"):
                    found.append((node.lineno, f"{node.module}.{alias.name}"))
                else:  # `from estimator import bridge` binds a module whose privates count too
                    imported_modules[alias.asname or alias.name] = node.module
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if other_app(alias.name, app):
                    imported_modules[alias.asname or alias.name.split(".")[0]] = alias.name
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and dotted_name(node.value).split(".")[0] in imported_modules
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
        ):
            found.append((node.lineno, f"{dotted_name(node.value)}.{node.attr}"))
    return found


def dotted_name(node):
    """The dotted name (a.b.c) a chain of attribute reads starts from, or an empty string."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute) and dotted_name(node.value):
        return f"{dotted_name(node.value)}.{node.attr}"
    return ""


def local_imports(path, tree):
    """(line, module) for imports inside functions, except where Django needs them: an app's
    ready() and post-migrate hooks (apps.py), and PostgreSQL-only modules."""
    if path.name == "apps.py":
        return []
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for inner in ast.walk(node):
                if isinstance(inner, ast.ImportFrom):
                    module = inner.module or ""
                elif isinstance(inner, ast.Import):
                    module = inner.names[0].name
                else:
                    continue
                if not module.startswith("django.contrib.postgres"):
                    found.append((inner.lineno, module))
    return found


def test_the_checks_see_what_they_forbid():
    tree = ast.parse(
        "from estimator.matrix import _measured_index\n"
        "from estimator import bridge\n"
        "import editorial.shortcodes\n"
        "def f():\n"
        "    from catalog import models\n"
        "    return bridge._reference_measurement, editorial.shortcodes._expand\n"
    )
    assert [name for _line, name in private_names_used("catalog", tree)] == [
        "estimator.matrix._measured_index",
        "bridge._reference_measurement",
        "editorial.shortcodes._expand",
    ]
    # inside its own app a private name is fine
    assert private_names_used("estimator", tree) == [(6, "editorial.shortcodes._expand")]
    assert local_imports(Path("catalog/views.py"), tree) == [(5, "catalog")]


@pytest.mark.parametrize("app, path, tree", list(modules()), ids=lambda v: getattr(v, "name", ""))
def test_no_module_reaches_into_another_apps_private_names(app, path, tree):
    assert private_names_used(app, tree) == [], path.relative_to(ROOT)


@pytest.mark.parametrize("app, path, tree", list(modules()), ids=lambda v: getattr(v, "name", ""))
def test_imports_sit_at_the_top_of_their_module(app, path, tree):
    assert local_imports(path, tree) == [], path.relative_to(ROOT)


def layered_modules():
    """The modules the layers contract in pyproject.toml places; each covers its submodules."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    (contract,) = [c for c in config["contracts"] if c["type"] == "layers"]
    return {name.strip() for layer in contract["layers"] for name in layer.split(":")}


def test_the_layers_contract_places_every_module():
    """import-linter checks only the modules a layers contract names: a new module left out of
    it could import upward unnoticed. An app package's own __init__ is not a layer."""
    placed = layered_modules()
    unplaced = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            if len(parts) == 1 and app != "config" and app != "core":
                continue
            names = {".".join(parts[:depth]) for depth in range(1, len(parts) + 1)}
            if not names & placed:
                unplaced.append(".".join(parts))
    assert unplaced == []
