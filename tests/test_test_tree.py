"""The tests are a package tree that mirrors the code (issue 11): a test
imports its helpers as `tests.<folder>.<module>`, so none edits sys.path and
two folders may hold modules of the same name."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def _edits_sys_path(tree: ast.AST) -> bool:
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and node.attr == "path"
                and isinstance(node.value, ast.Name) and node.value.id == "sys"):
            return True
    return False


def test_no_test_module_touches_sys_path() -> None:
    touching = [str(path.relative_to(TESTS)) for path in sorted(TESTS.rglob("*.py"))
                if _edits_sys_path(ast.parse(path.read_text(encoding="utf-8")))]
    assert touching == []


def test_every_folder_of_python_modules_is_a_package() -> None:
    folders = {path.parent for path in TESTS.rglob("*.py") if "__pycache__" not in path.parts}
    assert TESTS in folders and len(folders) >= 8
    assert sorted(str(f.relative_to(TESTS.parent)) for f in folders
                  if not (f / "__init__.py").is_file()) == []


def test_the_check_sees_a_path_edit() -> None:
    """The first test can fail: both forms of editing sys.path are found."""
    assert _edits_sys_path(ast.parse("import sys\nsys.path.insert(0, 'x')\n"))
    assert _edits_sys_path(ast.parse("import sys\nsys.path.append('x')\n"))
    assert not _edits_sys_path(ast.parse("import os\nos.path.join('a', 'b')\n"))
