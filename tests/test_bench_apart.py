"""The benchmarks are tools apart from the product (issue 14): no product module imports
`bot.bench`, read from the source with ast so a lazy import inside a function counts too. The
one way in is `python -m bot`'s command dispatch, which imports a benchmark when it is asked for.
"""

from __future__ import annotations

import ast
import contextlib
import io
from pathlib import Path

import pytest

from bot.__main__ import main

ROOT = Path(__file__).resolve().parent.parent
PRODUCT = ("bot", "handlers", "store", "kb", "config")
DISPATCH = ("bot/__main__.py", "_run")  # the function that runs a command


def _imported(node: ast.AST, package: str) -> list[str]:
    """The modules an import statement names (`from bot import bench` names `bot.bench`)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom):
        base = node.module or ""
        if node.level:  # relative: resolve against the importing module's package
            parts = package.split(".")[: len(package.split(".")) - node.level + 1]
            base = ".".join([*parts, base] if base else parts)
        return [base, *(f"{base}.{alias.name}" for alias in node.names)]
    return []


def _bench_imports(path: Path) -> list[str]:
    """Where a module imports from bot.bench, as "file:line module", outside the dispatch."""
    relative = path.relative_to(ROOT).as_posix()
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=relative)
    allowed: set[int] = set()
    if relative == DISPATCH[0]:
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and node.name == DISPATCH[1]:
                allowed |= {id(inner) for inner in ast.walk(node)}
    return [
        f"{relative}:{node.lineno} {name}"
        for node in ast.walk(tree)
        if id(node) not in allowed
        for name in _imported(node, package)
        if name == "bot.bench" or name.startswith("bot.bench.")
    ]


def _product_modules() -> list[Path]:
    return sorted(
        path
        for top in PRODUCT
        for path in (ROOT / top).rglob("*.py")
        if not path.is_relative_to(ROOT / "bot" / "bench")
    )


def test_no_product_module_imports_the_benchmarks() -> None:
    modules = _product_modules()
    assert len(modules) > 150 and ROOT / "bot" / "__main__.py" in modules
    assert [found for path in modules for found in _bench_imports(path)] == []


def test_the_rule_sees_every_way_of_importing_the_benchmarks(tmp_path: Path) -> None:
    """Each form a product module could use is caught, so the rule above cannot pass by
    reading past one."""
    forms = {
        "import bot.bench.load": "bot.bench.load",
        "from bot.bench import load": "bot.bench",
        "from bot import bench": "bot.bench",
        "from .bench.clocks import run_benchmark": "bot.bench.clocks",
        "def later():\n    from bot.bench.load_servers import free_port": "bot.bench.load_servers",
    }
    for source, module in forms.items():
        tree = ast.parse(source)
        names = [name for node in ast.walk(tree) for name in _imported(node, "bot")]
        assert module in names, source


def test_the_benchmark_commands_still_answer_help() -> None:
    for command, usage in (
        ("bench-load", "usage: python -m bot bench-load"),
        ("bench-clocks", "usage: python -m bot bench-clocks"),
        ("bench-alerts", "usage: python -m bot bench-alerts"),
    ):
        out = io.StringIO()
        with contextlib.redirect_stdout(out), pytest.raises(SystemExit) as stopped:
            main([command, "--help"])
        assert stopped.value.code == 0 and out.getvalue().startswith(usage), command
