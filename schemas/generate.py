"""Write the JSON Schema files beside the models: `python -m schemas.generate`."""

import json
from pathlib import Path

from pydantic import BaseModel

from schemas import Alert, Article, DeadLetter, Delivery

JSON_DIR = Path(__file__).parent / "json"
MODELS: dict[str, type[BaseModel]] = {
    "article.v1.json": Article,
    "alert.v1.json": Alert,
    "deadletter.v1.json": DeadLetter,
    "delivery.v1.json": Delivery,
}


def render(model: type[BaseModel]) -> str:
    """The committed text of one model's JSON Schema."""
    return json.dumps(model.model_json_schema(), indent=2, sort_keys=True) + "\n"


def main() -> None:
    """Regenerate every schema file."""
    JSON_DIR.mkdir(exist_ok=True)
    for name, model in MODELS.items():
        (JSON_DIR / name).write_text(render(model), encoding="utf-8")


if __name__ == "__main__":
    main()
