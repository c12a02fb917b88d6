"""The simulation package's imports go one way (no module needs one that needs it back, not
even for a type hint), so each layer can be read, tested and replaced on its own."""

from __future__ import annotations

import ast
from pathlib import Path

SIM = Path(__file__).resolve().parents[1] / "ivfp_bt" / "sim"


def sim_imports(path: Path) -> set[str]:
    """The ``ivfp_bt.sim`` modules that ``path`` imports anywhere, TYPE_CHECKING blocks included."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("ivfp_bt.sim"):
            # `from ivfp_bt.sim.pkg import x` names the submodule x where there is one, else pkg itself
            folder = SIM.parent.parent.joinpath(*node.module.split("."))
            for alias in node.names:
                is_module = (folder / f"{alias.name}.py").is_file()
                found.add(f"{node.module}.{alias.name}" if is_module else node.module)
    return found


def module_name(path: Path) -> str:
    parts = path.relative_to(SIM.parent.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def graph() -> dict[str, set[str]]:
    modules = {module_name(p): p for p in SIM.rglob("*.py")}
    return {name: {m for m in sim_imports(path) if m in modules and m != name} for name, path in modules.items()}


def cycle(edges: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        state[node] = 2
        stack.pop()
        return None

    for node in sorted(edges):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_the_sim_package_imports_one_way():
    edges = graph()
    # the package's own __init__ composes the robot and its work-cell: it sits above everything
    edges.pop("ivfp_bt.sim", None)
    for targets in edges.values():
        targets.discard("ivfp_bt.sim")
    found = cycle(edges)
    assert found is None, "import cycle: " + " -> ".join(found)


def test_observers_do_not_know_the_robot():
    edges = graph()
    for observer in ("oracle", "failure_watch", "target_view", "wrist_stream", "cell_model", "scene", "items"):
        assert "ivfp_bt.sim.sim_robot" not in edges[f"ivfp_bt.sim.{observer}"], observer


def test_the_cycle_finder_finds_one():
    assert cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert cycle({"a": {"b"}, "b": set()}) is None
