"""The house's arrows point down (docs/architecture.md): read every import under services/.

core knows no stage; a stage knows core, schemas and the pure event rules, never another
stage and never a concrete bus; composition (app, cli, demo) sits above them all.
"""

import ast
from pathlib import Path

import pytest

SERVICES = Path(__file__).resolve().parents[2] / "services"
STAGES = ("poller", "classifier", "notifier")
CONCRETE_BUSES = (
    "services.core.kafkabus",
    "services.core.kafkagroup",
    "services.core.kafkaconnect",
    "services.core.sqlitebus",
)
#: Which rooms each room may import, besides itself, `schemas` and third-party packages.
ALLOWED = {
    "core": set(),
    "events": {"core"},
    **{stage: {"core", "events"} for stage in STAGES},
}


def room(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "services" else None


def imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):  # function-level imports count too
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append(node.module)
    # `services` itself (its version) is the ground under every room
    return [name for name in found if name.startswith("services.")]


MODULES = sorted(p for r in ALLOWED for p in (SERVICES / r).rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(SERVICES)))
def test_no_arrow_runs_back_up_or_sideways(path: Path) -> None:
    own = path.relative_to(SERVICES).parts[0]
    wrong = [
        name
        for name in imports(path)
        if room(name) not in {own, *ALLOWED[own]} or (own in STAGES and name in CONCRETE_BUSES)
    ]
    assert wrong == [], f"{own} may not import {wrong}"


def test_every_room_is_checked() -> None:
    rooms = {p.name for p in SERVICES.iterdir() if p.is_dir() and not p.name.startswith("_")}
    assert rooms - set(ALLOWED) == {"app", "demo"}  # composition: may import anything
