"""Imports run one way: handlers -> bot -> (store, kb, config), and PERM-1 is asked of the desk,
never of bot.permissions from a handler. Checked over every module of the tree, including
imports inside functions and under TYPE_CHECKING, so a shortcut anywhere fails."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("handlers", "bot", "store", "kb", "config")
# What each package may not import. bot/app.py, the composition root, wires handlers in.
# PERM-1 is decided in the desk layer: handlers ask the desk, never bot.permissions.
FORBIDDEN = {
    "handlers": {"store", "bot.permissions"},
    "bot": {"handlers"},
    "store": {"bot", "handlers"},
    "kb": {"bot", "handlers"},
    "config": {"bot", "handlers"},
}
COMPOSITION_ROOT = "bot/app.py"


def _imported(tree: ast.AST, module: str) -> list[tuple[int, str]]:
    """Every module an import statement names, with its line (relative imports resolved)."""
    found: list[tuple[int, str]] = []
    package = module.split(".")[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                name = ".".join([*base, *([node.module] if node.module else [])])
            else:
                name = node.module or ""
            found.append((node.lineno, name))
            # `from bot import permissions` names the module bot.permissions
            found += [(node.lineno, f"{name}.{alias.name}") for alias in node.names]
    return found


def _under(name: str, forbidden: set[str]) -> bool:
    return any(name == f or name.startswith(f"{f}.") for f in forbidden)


def _violations(root: Path) -> list[str]:
    broken = []
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            relative = path.relative_to(root).as_posix()
            module = relative.removesuffix(".py").replace("/", ".")
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=relative)
            for line, name in _imported(tree, module):
                if _under(name, FORBIDDEN[package]) and relative != COMPOSITION_ROOT:
                    broken.append(f"{relative}:{line} imports {name}")
    return broken


def test_imports_run_one_way_over_the_whole_tree() -> None:
    assert _violations(ROOT) == []


def test_the_composition_root_is_the_one_module_of_bot_that_imports_handlers() -> None:
    tree = ast.parse((ROOT / COMPOSITION_ROOT).read_text(encoding="utf-8"))
    assert any(name.startswith("handlers") for _, name in _imported(tree, "bot.app"))


def test_the_check_catches_imports_in_functions_and_relative_ones(tmp_path: Path) -> None:
    for package in PACKAGES:
        (tmp_path / package).mkdir()
    (tmp_path / "handlers" / "sneaky.py").write_text(
        "def f():\n    from store.models import Case\n    return Case\n"
    )
    (tmp_path / "kb" / "upward.py").write_text("from bot import desk\n")
    (tmp_path / "handlers" / "checks.py").write_text("from bot import desk, permissions\n")
    (tmp_path / "bot" / "render.py").write_text("from ..handlers import replies\n")
    assert _violations(tmp_path) == [
        "handlers/checks.py:1 imports bot.permissions",
        "handlers/sneaky.py:2 imports store.models",
        "handlers/sneaky.py:2 imports store.models.Case",
        "bot/render.py:1 imports handlers",
        "bot/render.py:1 imports handlers.replies",
        "kb/upward.py:1 imports bot",
        "kb/upward.py:1 imports bot.desk",
    ]
