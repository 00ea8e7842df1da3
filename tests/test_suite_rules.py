"""The suite's own rules (DEVELOPERS.md), checked on its source."""

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def _modules() -> list[tuple[Path, ast.Module]]:
    return [(path, ast.parse(path.read_text())) for path in sorted(TESTS.rglob("*.py"))]


def test_no_test_is_decorated_with_time_machine_travel() -> None:
    """``@time_machine.travel`` on a test leaves its fixtures on the real clock; the marker
    ``@pytest.mark.time_machine`` moves both."""
    found = [
        f"{path.relative_to(TESTS)}:{node.lineno} {node.name}"
        for path, module in _modules()
        for node in ast.walk(module)
        if isinstance(node, ast.FunctionDef)
        for decorator in node.decorator_list
        if "time_machine.travel" in ast.unparse(decorator)
    ]
    assert found == []


def test_helpers_are_shared_from_tests_support_only() -> None:
    """A test module never imports another test module or a conftest."""
    found = [
        f"{path.relative_to(TESTS)}:{node.lineno} {node.module}"
        for path, module in _modules()
        for node in ast.walk(module)
        if isinstance(node, ast.ImportFrom)
        and (node.module or "").startswith("tests.")
        and not node.module.startswith("tests.support")
    ]
    assert found == []
