"""The layering rules of STYLE.md and CONTRIBUTING, checked on the source (no Django needed).

- Imports run downward: `research` imports no other app; `coding` imports only `research`;
  `cases` imports `coding` and `research`; `study` (the top app) may import all. Imports inside
  functions count, and so does reaching an app by reflection (`apps.get_model("cases", …)`,
  `import_module("cases.…")`, `find_spec`) or by a model reference string (`"cases.Case"`).
- Pure modules import no Django, not even through another module of the project: the pure
  packages below, and every module whose docstring declares itself pure ("pure: no Django").
- No module over 600 lines; no view function over 25 lines (from `def` to its last line).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Each app may import the apps at its own rank or below.
LAYERS = {"research": 0, "coding": 1, "cases": 2, "study": 3}
# Project packages a pure module must not reach unless the module it reaches is pure too.
PROJECT = {*LAYERS, "config"}
PURE_PACKAGES = ("coding/agreement", "coding/ingest", "coding/codebook_io")
PURE_DECLARATION = re.compile(r"\(pure\b|^pure:|\bpure: no django|\bno django\b|pure python", re.I)

MAX_MODULE_LINES = 600
MAX_VIEW_LINES = 25
# Views allowed over MAX_VIEW_LINES, each with the reason (keep in step with CONTRIBUTING).
LONG_VIEWS: dict[str, str] = {}

REFLECTION_CALLS = {"import_module", "find_spec", "get_model", "get_app_config"}
MODEL_FIELDS = {"ForeignKey", "OneToOneField", "ManyToManyField"}


@dataclass(frozen=True)
class Reference:
    line: int
    target: str  # a dotted module name, or an app label for reflection and model strings


def module_name(path: str) -> str:
    """`coding/excerpts/services.py` → `coding.excerpts.services`; a package's `__init__`
    is the package."""
    parts = path.removesuffix(".py").split("/")
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _absolute(module: str, is_package: bool, level: int, name: str | None) -> str:
    package = module.split(".") if is_package else module.split(".")[:-1]
    base = package[: len(package) - (level - 1)] if level > 1 else package
    return ".".join([*base, name] if name else base)


def _string_argument(call: ast.Call, keyword: str | None = None) -> str | None:
    values = [*call.args[:1], *(k.value for k in call.keywords if keyword and k.arg == keyword)]
    for value in values:
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            return value.value
    return None


def _call_name(call: ast.Call) -> str:
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return call.func.id if isinstance(call.func, ast.Name) else ""


def references(source: str, path: str) -> list[Reference]:
    """Every module or app the source at `path` reaches, wherever in the file it does so."""
    module, is_package = module_name(path), path.endswith("__init__.py")
    found: list[Reference] = []
    for node in ast.walk(ast.parse(source, filename=path)):
        if isinstance(node, ast.Import):
            found += [Reference(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = (
                _absolute(module, is_package, node.level, node.module)
                if node.level
                else node.module or ""
            )
            # `from coding import agreement` reaches the submodule when there is one.
            found += [
                Reference(node.lineno, _submodule_or_package(base, alias.name))
                for alias in node.names
            ]
        elif isinstance(node, ast.Call):
            name = _call_name(node)
            if name in REFLECTION_CALLS and (text := _string_argument(node)):
                target = text if name in {"import_module", "find_spec"} else text.split(".")[0]
                found.append(Reference(node.lineno, target))
            elif name in MODEL_FIELDS and "." in (text := _string_argument(node, "to") or ""):
                found.append(Reference(node.lineno, text.split(".")[0]))
    return found


def _module_file(dotted: str) -> Path | None:
    base = ROOT.joinpath(*dotted.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _submodule_or_package(base: str, name: str) -> str:
    return f"{base}.{name}" if _module_file(f"{base}.{name}") else base


def layer_violations(source: str, path: str) -> list[str]:
    app = path.split("/")[0]
    rank = LAYERS[app]
    return [
        f"{path}:{ref.line}: {app} must not import {ref.target}"
        for ref in references(source, path)
        if LAYERS.get(ref.target.split(".")[0], -1) > rank
    ]


def is_declared_pure(source: str) -> bool:
    docstring = ast.get_docstring(ast.parse(source)) or ""
    return bool(PURE_DECLARATION.search(docstring))


def is_pure(path: str, source: str) -> bool:
    return path.startswith(tuple(f"{package}/" for package in PURE_PACKAGES)) or (
        is_declared_pure(source)
    )


def _allowed_from_pure(target: str) -> bool:
    """A pure module may reach another pure module, or a package whose `__init__` imports
    nothing (reaching `cases.matrix` runs `cases/__init__.py`)."""
    file = _module_file(target)
    if file is None:
        return False
    relative, source = file.relative_to(ROOT).as_posix(), file.read_text(encoding="utf-8")
    if is_pure(relative, source):
        return True
    tree = ast.parse(source)
    return file.name == "__init__.py" and not any(
        isinstance(node, ast.Import | ast.ImportFrom) for node in ast.walk(tree)
    )


def purity_violations(source: str, path: str) -> list[str]:
    problems = []
    for ref in references(source, path):
        top = ref.target.split(".")[0]
        if top == "django" or (top in PROJECT and not _allowed_from_pure(ref.target)):
            problems.append(f"{path}:{ref.line}: pure module imports {ref.target}")
    return problems


def _sources(*folders: str, tests: bool = False) -> dict[str, str]:
    found = {}
    for folder in folders:
        for file in sorted((ROOT / folder).rglob("*.py")):
            relative = file.relative_to(ROOT).as_posix()
            if "migrations" in file.parts or (not tests and relative.startswith("tests/")):
                continue
            found[relative] = file.read_text(encoding="utf-8")
    return found


APP_SOURCES = _sources(*LAYERS)


def test_apps_import_only_downward():
    problems = [p for path, src in APP_SOURCES.items() for p in layer_violations(src, path)]
    assert problems == []


def test_pure_modules_import_no_django():
    problems = [
        problem
        for path, source in APP_SOURCES.items()
        if is_pure(path, source)
        for problem in purity_violations(source, path)
    ]
    assert problems == []


def test_the_named_pure_modules_are_checked():
    pure = {path for path, source in APP_SOURCES.items() if is_pure(path, source)}
    for package in PURE_PACKAGES:
        assert f"{package}/__init__.py" in pure, package
    # The cross-case matrix (each module of its package) and the classification rules,
    # wherever cases keeps them.
    matrix = ("matrix/__init__.py", "matrix/cells.py", "matrix/table.py", "matrix/compute.py")
    for name in (*matrix, "classify.py"):
        assert any(p.startswith("cases/") and p.endswith(f"/{name}") for p in pure), name


def test_no_module_is_too_long():
    sources = _sources(*LAYERS, "config", "bench")
    too_long = {
        path: lines
        for path, source in sources.items()
        if (lines := source.count("\n")) > MAX_MODULE_LINES
    }
    assert too_long == {}


def _view_lengths() -> dict[str, int]:
    lengths = {}
    for path, source in APP_SOURCES.items():
        if not (path.endswith("/views.py") or "/views/" in path):
            continue
        for node in ast.parse(source).body:
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                lengths[f"{path}::{node.name}"] = node.end_lineno - node.lineno + 1
    return lengths


def test_no_view_is_too_long():
    lengths = _view_lengths()
    too_long = {
        view: n for view, n in lengths.items() if n > MAX_VIEW_LINES and view not in LONG_VIEWS
    }
    assert too_long == {}
    # An allowance for a view that has shrunk or gone is stale.
    assert [v for v in LONG_VIEWS if lengths.get(v, 0) <= MAX_VIEW_LINES] == []


# The checker itself, on synthetic sources.


@pytest.mark.parametrize(
    "source",
    [
        "from cases.models import Case\n",
        "import cases.services\n",
        "def f():\n    from cases import services\n",
        "from ...cases import models\n",
        "from django.apps import apps\nCase = apps.get_model('cases', 'Case')\n",
        "from importlib import import_module\nimport_module('study.export')\n",
        "from django.db import models\nlink = models.ForeignKey('cases.Case', models.CASCADE)\n",
        "from study import demo\n",
    ],
)
def test_the_rule_catches_coding_reaching_up(source):
    assert layer_violations(source, "coding/excerpts/services.py") != []


@pytest.mark.parametrize(
    ("path", "source"),
    [
        ("cases/services.py", "from coding.models import Document\nfrom research import jobs\n"),
        ("coding/excerpts/services.py", "from research.access import access_project\n"),
        ("coding/excerpts/services.py", "from . import selectors\nfrom ..codebook import x\n"),
        ("study/export.py", "from cases.models import Case\nfrom coding.models import Code\n"),
    ],
)
def test_the_rule_lets_imports_run_downward(path, source):
    assert layer_violations(source, path) == []


def test_the_rule_catches_research_reaching_any_app():
    assert layer_violations("import coding.models\n", "research/services.py") != []


@pytest.mark.parametrize(
    "source",
    [
        "import django\n",
        "def f():\n    from django.db import transaction\n",
        "from coding.models import Code\n",
        "from research import access\n",
    ],
)
def test_the_purity_rule_catches_django_directly_or_through_the_project(source):
    assert purity_violations(source, "coding/agreement/example.py") != []


def test_the_purity_rule_lets_pure_modules_use_each_other():
    source = "import numpy\nfrom . import alpha\nfrom coding.ingest import extract\n"
    assert purity_violations(source, "coding/agreement/example.py") == []


def test_a_docstring_declares_a_module_pure():
    assert is_declared_pure('"""Matrix maths over plain data (pure: no Django)."""\n')
    assert not is_declared_pure('"""Fast reads; hands rows to the pure matrix module."""\n')
