"""What the consensus feeds: once a document is reconciled, the "all coders" frequency table
and matrix count its consensus instead of the coders' codings, and the pages say so."""

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.selectors.tables import frequency_rows
from cases.services.classifications import classification_create
from coding.models import Candidate, DecisionKind
from coding.reconcile import services
from research.models import Membership
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def reconcile_everything(opened, lead, coder):
    """Keep the first coder's version everywhere (they coded every candidate here)."""
    for candidate in Candidate.objects.filter(item__reconciliation=opened):
        services.decision_make(
            candidate=candidate,
            version=candidate.version,
            kind=DecisionKind.KEEP,
            kept_coders=[coder.pk],
            user=lead,
        )


def totals(project, user):
    membership = Membership.objects.get(project=project, user=user)
    return {row.category: row.codings for row in frequency_rows(membership=membership, level=0)}


def test_the_frequency_table_counts_the_consensus_of_reconciled_documents(
    project, opened, lead, coder, coded
):
    before = totals(project, lead)
    reconcile_everything(opened, lead, coder)
    after = totals(project, lead)
    # Document A: coders had x 4 + y 3 codings; the consensus keeps the first coder's: x 3, y 1.
    # Document B is not reconciled: x 1, y 1 from the coders.
    assert before == {"x": 5, "y": 4, "z": 0}
    assert after == {"x": 4, "y": 2, "z": 0}
    page = client_for(lead).get(reverse("cases:frequency-table", kwargs={"project": project.code}))
    assert "1 reconciled document counts its consensus" in page.content.decode()
    # A blind coder still counts only their own codings and is told nothing of the consensus.
    mine = client_for(coder).get(reverse("cases:frequency-table", kwargs={"project": project.code}))
    assert "reconciled" not in mine.content.decode()


def test_the_consensus_export_carries_provenance_and_the_log_keeps_undone_decisions(
    project, opened, lead, coder, coder2, coded
):
    import csv
    import io

    from openpyxl import load_workbook

    from coding.models import CandidateKind

    target = Candidate.objects.get(item__reconciliation=opened, kind=CandidateKind.CODE_DIFFERS)
    first = services.decision_make(
        candidate=target, version=1, kind=DecisionKind.KEEP, kept_coders=[coder2.pk], user=lead
    )
    services.decision_undo(decision=first, user=lead)
    services.decision_make(
        candidate=target,
        version=3,
        kind=DecisionKind.RECODE,
        codes=[project.codes.get(name="z")],
        reason="Cooperation is z.",
        user=lead,
    )
    services.comment_add(candidate=target, author=coder, text="I meant z all along.")
    url = reverse("coding:consensus-export", kwargs={"project": project.code})
    client = client_for(lead)
    rows = list(csv.reader(io.StringIO(client.get(url).content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Document", "Start", "End", "Text"]
    document, _s, _e, text, codes, sources, decision, reason, by, _at = rows[1]
    assert (document, text, codes, reason, by) == (
        "A strategy",
        "samarbeide",
        "z",
        "Cooperation is z.",
        lead.name,
    )
    assert sources == f"{coder.name}, {coder2.name}"  # a recode follows both coders' spans
    assert decision == "Changed or added code"
    log = list(csv.reader(io.StringIO(client.get(f"{url}?part=log").content.decode("utf-8-sig"))))
    assert [r[4] for r in log[1:]] == ["Keep one coder's version", "Changed or added code"]
    assert log[1][8] == lead.name and "I meant z all along." in log[2][10]
    book = load_workbook(io.BytesIO(client.get(f"{url}?format=xlsx").content))
    assert book.active["D2"].value == "samarbeide"
    assert client.get(f"{url}?format=pdf").status_code == 400
    assert client_for(coder).get(url).status_code == 403


def reconcile_to_nothing(opened, lead):
    """Decide that nothing is coded anywhere in the first document: its consensus is empty."""
    for candidate in Candidate.objects.filter(item__reconciliation=opened):
        services.decision_make(
            candidate=candidate,
            version=candidate.version,
            kind=DecisionKind.NOTHING,
            reason="Outside the research question.",
            user=lead,
        )


def csv_lines(client, name, project, **params):
    response = client.get(
        reverse(name, kwargs={"project": project.code}), {"format": "csv", **params}
    )
    assert response.status_code == 200
    return [line for line in response.getvalue().decode().splitlines()[1:] if line]


def test_trail_and_retrieval_show_the_consensus_of_reconciled_documents(
    project, opened, lead, coder, coded
):
    client = client_for(lead)
    # Document A: the coders' 4 + 3 excerpts (one code each); document B: 1 + 1.
    assert len(csv_lines(client, "cases:coding-trail", project)) == 9
    assert len(csv_lines(client, "coding:retrieval-export", project)) == 9
    reconcile_to_nothing(opened, lead)
    # Document A now shows its (empty) consensus; document B still the coders' work.
    assert len(csv_lines(client, "cases:coding-trail", project)) == 2
    assert len(csv_lines(client, "coding:retrieval-export", project)) == 2
    # One chosen coder is still that coder's excerpts, reconciled documents included.
    assert len(csv_lines(client, "coding:retrieval-export", project, coder=coder.pk)) == 5
    for name in ("cases:coding-trail", "coding:retrieval"):
        page = client.get(reverse(name, kwargs={"project": project.code})).content.decode()
        assert "1 reconciled document shows its consensus" in page
    # A coder of a blind project keeps the excerpts blind mode lets them see (their own, and
    # the other coder's on the document reconciled with them: 5 + 3), never replaced.
    mine = client_for(coder)
    assert len(csv_lines(mine, "coding:retrieval-export", project)) == 8
    page = mine.get(reverse("coding:retrieval", kwargs={"project": project.code}))
    assert "reconciled" not in page.content.decode()


def test_classifications_use_the_consensus_of_reconciled_documents(
    project, opened, lead, coded, codes
):
    rule = classification_create(
        project=project, name="Coded x", classes=[("x", [codes["x"]], [], [])], user=lead
    )
    url = reverse(
        "cases:classification-detail",
        kwargs={"project": project.code, "classification": rule.code},
    )
    client = client_for(lead)
    assert "2 of 2" in client.get(url).content.decode()
    reconcile_to_nothing(opened, lead)
    page = client.get(url).content.decode()
    # Document A's consensus has no x any more; document B keeps the first coder's x.
    assert "1 of 2" in page
    assert "1 reconciled document counts its consensus" in page


# Borrowed for this test until the catalogue has them (tests/languages.py).
NORWEGIAN = {
    "Document": "Dokument",
    "Date": "Dato",
    "Keep one coder's version": "Behold én versjon",
}


def test_the_exports_csv_is_english_and_its_workbook_speaks_the_readers_language(
    project, opened, lead, coder
):
    import csv
    import datetime as dt
    import io

    from openpyxl import load_workbook

    from tests.languages import client_speaking, translated

    reconcile_everything(opened, lead, coder)
    url = reverse("coding:consensus-export", kwargs={"project": project.code})
    english = {
        part: client_speaking(lead, "en").get(f"{url}?part={part}").content
        for part in ("consensus", "log")
    }
    with translated("nb", NORWEGIAN):
        norwegian = client_speaking(lead, "nb")
        for part, body in english.items():
            assert norwegian.get(f"{url}?part={part}").content == body
        books = {
            part: load_workbook(io.BytesIO(norwegian.get(f"{url}?part={part}&format=xlsx").content))
            for part in ("consensus", "log")
        }
    log = list(csv.reader(io.StringIO(english["log"].decode("utf-8-sig"))))
    assert log[0][0] == "Document" and log[1][4] == "Keep one coder's version"
    decided = dt.datetime.fromisoformat(log[1][7])  # ISO, with its offset
    assert books["consensus"].sheetnames == ["Konsensus"]
    sheet = books["log"]["Beslutningslogg"]
    header = [c.value for c in sheet[1]]
    assert header[0] == "Dokument" and header[7] == "Dato"
    assert sheet["E2"].value == "Behold én versjon"
    # A date the spreadsheet can sort and show in its reader's way, in the site's time zone.
    assert sheet["H2"].is_date and sheet["H2"].number_format == "yyyy-mm-dd hh:mm:ss"
    assert sheet["H2"].value == timezone.localtime(decided).replace(tzinfo=None, microsecond=0)


def test_the_open_coding_trail_csv_names_the_consensus_in_english(project, opened, lead, coder):
    import csv
    import io

    from tests.languages import client_speaking, translated

    reconcile_everything(opened, lead, coder)
    url = reverse("cases:coding-trail", kwargs={"project": project.code})
    with translated("nb", {"Consensus": "Konsensus"}):
        norwegian = client_speaking(lead, "nb")
        rows = list(
            csv.reader(
                io.StringIO(norwegian.get(url, {"format": "csv"}).content.decode("utf-8-sig"))
            )
        )
        page = norwegian.get(url).content.decode()
    assert "Consensus" in {row[1] for row in rows[1:]}
    assert "Konsensus" in page  # the page itself speaks the reader's language


def test_the_decision_log_workbook_takes_text_with_control_characters(
    project, opened, lead, coder, coded
):
    # A reason pasted from a PDF may hold control characters: openpyxl refuses them, and the
    # export failed; the workbook writes them as the escapes spreadsheet programs read.
    import io

    from openpyxl import load_workbook

    target = Candidate.objects.filter(item__reconciliation=opened).first()
    services.decision_make(
        candidate=target,
        version=target.version,
        kind=DecisionKind.KEEP,
        kept_coders=[coder.pk],
        reason="page\x0cbreak and \x01",
        user=lead,
    )
    url = reverse("coding:consensus-export", kwargs={"project": project.code})
    response = client_for(lead).get(f"{url}?part=log&format=xlsx")
    assert response.status_code == 200
    cells = [c.value for row in load_workbook(io.BytesIO(response.content)).active for c in row]
    assert any("page_x000C_break and _x0001_" in str(value) for value in cells)
