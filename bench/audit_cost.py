"""What writing the audit trail costs a request: `python bench/audit_cost.py [N]`.

Runs against DATABASE_URL (use your own database, migrated). Two measurements:
1. `audit_record` alone (the one INSERT), N times: p50 / p95 / p99 in milliseconds;
2. the document reading page (an audited request) N times with the trail written and N times
   with `audit_record` replaced by a no-op, interleaved, and the p50 / p95 of each.
Prints the machine's load average too (the figures depend on it).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost")
# Production-like: DEBUG off (no query log), no HTTPS redirect for the test client.
os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("DJANGO_SECRET_KEY", "audit-bench-only")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")

import django  # noqa: E402
from django.conf import settings  # noqa: E402

django.setup()
# Pages link static files by name, without the manifest `collectstatic` would write.
settings.STORAGES["staticfiles"] = {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}

from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from coding.documents import views as document_views  # noqa: E402
from coding.models import Document  # noqa: E402
from research import audit  # noqa: E402
from research.models import AuditEntry, Membership, Project, Role, User  # noqa: E402


def _ms(samples: list[float]) -> str:
    cuts = statistics.quantiles(samples, n=100)
    return f"p50 {cuts[49]:.2f} ms, p95 {cuts[94]:.2f} ms, p99 {cuts[98]:.2f} ms"


def main(n: int) -> None:
    user, _ = User.objects.get_or_create(email="audit-bench@example.org", username="audit-bench")
    project = Project.objects.create(title="Audit bench")
    Membership.objects.create(project=project, user=user, role=Role.OWNER)
    text = "Digitalisering i kommunen. " * 400
    document = Document.objects.create(
        project=project, title="Bench document", text=text, status="ready", char_count=len(text)
    )
    inserts = []
    for i in range(n):
        start = time.perf_counter()
        audit.audit_record(project=project, actor=user, action="export", target=f"bench {i}")
        inserts.append((time.perf_counter() - start) * 1000)
    print(f"audit_record alone ({n}): {_ms(inserts)}")

    client = Client()
    client.force_login(user)
    url = reverse("coding:document-detail", args=[project.code, document.code])
    real = document_views.audit_record
    with_trail, without = [], []
    arms = [(with_trail, real), (without, lambda **kwargs: None)]
    for i in range(n):
        for sink, record in arms if i % 2 else arms[::-1]:  # alternate which goes first
            document_views.audit_record = record
            start = time.perf_counter()
            assert client.get(url).status_code == 200
            sink.append((time.perf_counter() - start) * 1000)
    document_views.audit_record = real
    print(f"document page with the trail ({n}): {_ms(with_trail)}")
    print(f"document page without it   ({n}): {_ms(without)}")
    print("load average:", " ".join(f"{x:.2f}" for x in os.getloadavg()))
    written = AuditEntry.objects.filter(project=project).count()
    print(f"entries written: {written} (left in place: the trail is append-only)")
    Project.objects.filter(pk=project.pk).delete()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 500)
