"""The codebook subject's export section (imported by CodingConfig.ready)."""

from __future__ import annotations

from typing import Any

from coding.codebook import selectors
from research.exports import export_section
from research.models import Project


@export_section("codebook")
def codebook_export_section(project: Project) -> dict[str, Any]:
    return selectors.codebook_export_data(project=project)
