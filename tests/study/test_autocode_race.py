"""Auto-coding racing the same coder coding by hand in another tab, on PostgreSQL: the passage
is coded once, whichever lands first (the other is told: a 409 preview, or the duplicate
question), never twice."""

from coding.excerpts.guards import ExcerptDuplicate, excerpt_create_checked
from coding.models import Excerpt
from tests.coding.excerpts.conftest import postgres_only, run_together
from tests.conftest import client_for
from tests.factories import CodeFactory, DocumentFactory
from tests.study.test_autocode import FIRST, confirm
from tests.study.test_search import STRATEGY, preview

pytestmark = postgres_only


def test_a_passage_coded_by_hand_while_auto_coding_confirms_is_coded_once(project, coder):
    document = DocumentFactory(project=project, title="Strategi", text=STRATEGY)
    code = CodeFactory(project=project, name="Municipal cooperation")
    client = client_for(coder)
    data = {"q": "kommune*", "code": code.pk, "unit": "paragraph", "scope": "all"}
    shown = preview(client, project, **data)

    def by_hand():
        try:
            return excerpt_create_checked(
                document=document, coder=coder, start=0, end=len(FIRST), text=FIRST, codes=[code]
            )
        except ExcerptDuplicate as exc:
            return exc

    auto, hand = run_together(lambda: confirm(client, project, data, shown), by_hand)
    spans = list(Excerpt.objects.filter(coder=coder).values_list("start", "end"))
    assert len(spans) == len(set(spans))  # never the same passage twice
    if auto.status_code == 302:  # auto-coding first: the hand-coded one was a duplicate
        assert isinstance(hand, ExcerptDuplicate)
    else:  # by hand first: the preview no longer holds
        assert auto.status_code == 409 and isinstance(hand, Excerpt)
