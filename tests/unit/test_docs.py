"""What the docs tell an operator to type is one spelling and one path (issue 9 item 11)."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = [
    ROOT / "README.md",
    *sorted((ROOT / "docs").glob("*.md")),
    *sorted((ROOT / "deploy").rglob("*.yml")),
]
# `docker-compose <verb>` as a command; the file name docker-compose.yml is fine
_V1_COMMAND = re.compile(
    r"docker-compose\s+(?:-f|--profile|up|down|run|exec|logs|ps|config|build|stop|pull)\b"
)


@pytest.mark.parametrize("path", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_compose_command_is_spelt_docker_compose_v2(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert _V1_COMMAND.findall(text) == [], "write `docker compose ...` (Compose v2)"


def test_the_example_config_says_how_to_check_a_copy() -> None:
    header = (ROOT / "deploy/config/redflag.example.yaml").read_text(encoding="utf-8")[:2500]
    assert "redflag check-config --config" in header
