"""The page of a finished project export offers its file only to those who may download it:
coders and viewers can open the job but not the file, so they get a sentence, not a link that
ends in "not allowed" (found by the walk of every page as every role, issue #19)."""

import pytest
from django.urls import reverse

from research.jobs import job_run_inline
from research.models import Job
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_only_managers_see_the_download_of_an_export(project, lead, coder, viewer):
    response = client_for(lead).post(reverse("study:project-export", args=[project.code]))
    assert response.status_code == 302
    job = Job.objects.get(project=project, kind="project.export")
    job_run_inline(job)
    page = reverse("research:job-detail", args=[project.code, job.code])
    download = reverse("study:project-export-download", args=[project.code, job.code])
    assert download in client_for(lead).get(page).content.decode()
    for member in (coder, viewer):
        html = client_for(member).get(page).content.decode()
        assert download not in html
        assert "Leads and owners can download the exported file." in html
        assert client_for(member).get(download).status_code == 403
