"""The build's guard rails catch what they exist for: a layer crossed, a type wrong, a test
leaning on another test."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _copy_of_the_app(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "app", tmp_path / "app", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def _lint_imports(where: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / "lint-imports"), "--no-cache"],
        cwd=where,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(where), "PATH": str(BIN)},
        timeout=120,
    )


def test_the_layer_rules_hold_and_a_domain_module_importing_slack_breaks_them(tmp_path) -> None:
    tree = _copy_of_the_app(tmp_path)
    assert _lint_imports(tree).returncode == 0, _lint_imports(tree).stdout

    with (tree / "app" / "domain" / "workspace.py").open("a") as module:
        module.write("\nimport slack_sdk  # noqa\n")
    broken = _lint_imports(tree)
    assert broken.returncode != 0
    assert "The domain knows nothing of Slack" in broken.stdout


def test_a_listener_importing_another_breaks_the_rules(tmp_path) -> None:
    tree = _copy_of_the_app(tmp_path)
    listeners = sorted((tree / "app" / "slack" / "listeners").glob("[a-z]*.py"))
    first, second = listeners[0], listeners[1]
    with first.open("a") as module:
        module.write(f"\nimport app.slack.listeners.{second.stem}  # noqa\n")
    broken = _lint_imports(tree)
    assert broken.returncode != 0
    assert "No listener imports another" in broken.stdout


def test_the_type_checker_refuses_a_wrong_return_type(tmp_path) -> None:
    (tmp_path / "wrong.py").write_text("def answer() -> int:\n    return 'forty-two'\n")
    result = subprocess.run(
        [str(BIN / "mypy"), "--config-file", str(ROOT / "pyproject.toml"), "wrong.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "Incompatible return value type" in result.stdout


def _imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_tests_import_only_the_support_package_of_the_tests() -> None:
    offenders = {
        f"{path.relative_to(ROOT)} imports {name}"
        for path in (ROOT / "tests").rglob("*.py")
        for name in _imported_modules(path)
        if name.split(".")[0] == "tests" and not name.startswith("tests.support")
    }
    assert offenders == set()


def test_benchmarks_import_no_test_module() -> None:
    offenders = {
        f"{path.relative_to(ROOT)} imports {name}"
        for path in (ROOT / "bench").glob("*.py")
        for name in _imported_modules(path)
        if name.split(".")[0] == "tests"
    }
    assert offenders == set()
