import importlib
import importlib.util

from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"

    def ready(self) -> None:
        # Registers job handlers, export sections and the demo part (see coding/apps.py).
        if importlib.util.find_spec("cases.jobs") is not None:
            importlib.import_module("cases.jobs")
