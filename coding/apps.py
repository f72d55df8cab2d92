import importlib
import importlib.util

from django.apps import AppConfig


class CodingConfig(AppConfig):
    name = "coding"

    def ready(self) -> None:
        # Each subject registers its job handlers, export sections and demo part in `jobs.py`,
        # imported here so web processes and workers know them alike.
        for subject in ("documents", "codebook", "excerpts", "runs"):
            module = f"coding.{subject}.jobs"
            if importlib.util.find_spec(module) is not None:
                importlib.import_module(module)
