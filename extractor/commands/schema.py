"""``kehoach schema``: the JSON Schema of the records (pydantic)."""

from __future__ import annotations

import json

import typer


def schema(
    record: str = typer.Option("all", help="target | deadline | assignment | funding | document | all"),
) -> None:
    """Print the JSON Schema of the extracted records."""
    from ..model import Assignment, Deadline, Document, Funding, Status, Target

    models = {"target": Target, "deadline": Deadline, "assignment": Assignment, "funding": Funding, "status": Status, "document": Document}
    if record == "all":
        out = {name: m.model_json_schema() for name, m in models.items()}
    elif record in models:
        out = models[record].model_json_schema()
    else:
        raise typer.BadParameter(f"unknown record type {record!r}")
    print(json.dumps(out, ensure_ascii=False, indent=1))
