"""The layering rules import-linter cannot see: private names stay in their app, and imports sit
at the top of their module (a function-local import is how a cycle hides)."""

import ast
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
            and isinstance(node.value, ast.Name)
            and node.value.id in imported_modules
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
        ):
            found.append((node.lineno, f"{node.value.id}.{node.attr}"))
    return found


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
        "def f():\n"
        "    from catalog import models\n"
        "    return bridge._reference_measurement\n"
    )
    assert [name for _line, name in private_names_used("catalog", tree)] == [
        "estimator.matrix._measured_index",
        "bridge._reference_measurement",
    ]
    assert private_names_used("estimator", tree) == []  # inside its own app it is fine
    assert local_imports(Path("catalog/views.py"), tree) == [(4, "catalog")]


@pytest.mark.parametrize("app, path, tree", list(modules()), ids=lambda v: getattr(v, "name", ""))
def test_no_module_reaches_into_another_apps_private_names(app, path, tree):
    assert private_names_used(app, tree) == [], path.relative_to(ROOT)


@pytest.mark.parametrize("app, path, tree", list(modules()), ids=lambda v: getattr(v, "name", ""))
def test_imports_sit_at_the_top_of_their_module(app, path, tree):
    assert local_imports(path, tree) == [], path.relative_to(ROOT)
