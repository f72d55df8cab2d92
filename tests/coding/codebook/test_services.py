"""Tree operations keep paths, positions and every coding; each is logged and undoable."""

import pytest
from django.core.exceptions import ValidationError

from coding.codebook import importing, selectors, services
from coding.codebook_io import CodeNode, read_study_codebook_csv
from coding.models import Code, CodebookChange, CodeStatus, Coding, Excerpt
from tests.factories import DocumentFactory, ExcerptFactory
from tests.shared import shared_path


def tree_names(project):
    return [("  " * c.depth) + c.name for c in selectors.codebook_tree(project=project)]


def assert_paths_consistent(project):
    for code in Code.objects.filter(project=project):
        parent_path = code.parent.path if code.parent else "/"
        assert code.path == f"{parent_path}{code.pk}/", code
        assert code.depth == (code.parent.depth + 1 if code.parent else 0), code
    for parent in [None, *Code.objects.filter(project=project)]:
        positions = list(
            Code.objects.filter(project=project, parent=parent)
            .order_by("position")
            .values_list("position", flat=True)
        )
        assert positions == list(range(len(positions)))


@pytest.fixture
def book(project, lead):
    make = services.code_create
    actors = make(project=project, name="Actors", user=lead)
    academia = make(project=project, name="Academia", user=lead, parent=actors)
    unis = make(project=project, name="Universities", user=lead, parent=academia)
    gov = make(project=project, name="Government", user=lead, parent=actors)
    value = make(project=project, name="Value", user=lead, definition="Benefits realised.")
    return {"actors": actors, "academia": academia, "unis": unis, "gov": gov, "value": value}


def test_create_sets_path_depth_position_and_logs(project, lead, book):
    assert book["unis"].path == f"/{book['actors'].pk}/{book['academia'].pk}/{book['unis'].pk}/"
    assert book["unis"].depth == 2
    assert (book["academia"].position, book["gov"].position) == (0, 1)
    assert CodebookChange.objects.filter(project=project, action="create").count() == 5
    assert_paths_consistent(project)


def test_create_refuses_a_name_taken_among_siblings(project, lead, book):
    with pytest.raises(ValidationError, match="already exists under “Actors”"):
        services.code_create(project=project, name="Government", user=lead, parent=book["actors"])
    with pytest.raises(ValidationError, match="at the top"):
        services.code_create(project=project, name="Value", user=lead)
    # The same name elsewhere in the tree is fine.
    services.code_create(project=project, name="Government", user=lead, parent=book["value"])


def test_create_refuses_an_empty_name(project, lead):
    with pytest.raises(ValidationError):
        services.code_create(project=project, name="   ", user=lead)


def test_move_rewrites_the_subtree_paths(project, lead, book):
    services.code_move(code=book["academia"], user=lead, parent=book["value"], position=0)
    unis = Code.objects.get(pk=book["unis"].pk)
    assert unis.path == f"/{book['value'].pk}/{book['academia'].pk}/{unis.pk}/"
    assert unis.depth == 2
    assert tree_names(project) == [
        "Actors",
        "  Government",
        "Value",
        "  Academia",
        "    Universities",
    ]
    assert_paths_consistent(project)


def test_move_to_the_top_level(project, lead, book):
    services.code_move(code=book["unis"], user=lead, parent=None, position=0)
    assert tree_names(project)[0] == "Universities"
    assert Code.objects.get(pk=book["unis"].pk).depth == 0
    assert_paths_consistent(project)


def test_move_under_own_descendant_is_refused(project, lead, book):
    with pytest.raises(ValidationError, match="under itself"):
        services.code_move(code=book["actors"], user=lead, parent=book["unis"])
    with pytest.raises(ValidationError):
        services.code_move(code=book["actors"], user=lead, parent=book["actors"])
    assert_paths_consistent(project)


def test_move_subtree_costs_a_fixed_number_of_queries(
    project, lead, book, django_assert_max_num_queries
):
    for i in range(30):
        services.code_create(project=project, name=f"Uni {i}", user=lead, parent=book["unis"])
    with django_assert_max_num_queries(14):
        services.code_move(code=book["academia"], user=lead, parent=book["value"])
    assert_paths_consistent(project)


def test_reorder_up_and_down(project, lead, book):
    services.code_move_step(code=book["gov"], user=lead, step=-1)
    assert tree_names(project)[1] == "  Government"
    services.code_move_step(code=Code.objects.get(pk=book["gov"].pk), user=lead, step=1)
    assert tree_names(project)[1] == "  Academia"
    assert_paths_consistent(project)


def _coded(project, coder, *codes, start=0):
    document = DocumentFactory(project=project)
    return ExcerptFactory(document=document, coder=coder, start=start, end=start + 8, codes=codes)


def test_merge_keeps_every_excerpt_and_one_coding_per_excerpt(project, lead, coder, book):
    both = _coded(project, coder, book["academia"], book["gov"])
    only_a = _coded(project, coder, book["academia"])
    only_b = _coded(project, coder, book["gov"])
    excerpts_before = Excerpt.objects.count()
    services.code_merge(source=book["academia"], target=book["gov"], user=lead)
    assert Excerpt.objects.count() == excerpts_before
    gov = Code.objects.get(pk=book["gov"].pk)
    assert set(gov.excerpts.values_list("pk", flat=True)) == {both.pk, only_a.pk, only_b.pk}
    assert Coding.objects.filter(code=gov).count() == 3
    assert not Code.objects.filter(pk=book["academia"].pk).exists()
    # Academia's child now sits under Government.
    assert Code.objects.get(pk=book["unis"].pk).parent_id == gov.pk
    assert_paths_consistent(project)
    change = CodebookChange.objects.get(action="merge")
    assert change.before["source"]["name"] == "Academia"


def test_merge_appends_definition_to_target_memo(project, lead, book):
    services.code_merge(source=book["value"], target=book["gov"], user=lead)
    assert "Benefits realised." in Code.objects.get(pk=book["gov"].pk).memo


def test_merge_into_own_descendant_is_refused(project, lead, book):
    with pytest.raises(ValidationError):
        services.code_merge(source=book["actors"], target=book["unis"], user=lead)


def test_undo_merge_restores_codings_exactly(project, lead, coder, book):
    both = _coded(project, coder, book["academia"], book["gov"])
    only_a = _coded(project, coder, book["academia"])
    before = sorted(Coding.objects.values_list("pk", "excerpt_id", "code_id"))
    academia_pk = book["academia"].pk  # delete() clears the instance's pk
    services.code_merge(source=book["academia"], target=book["gov"], user=lead)
    services.codebook_undo(project=project, user=lead)
    assert sorted(Coding.objects.values_list("pk", "excerpt_id", "code_id")) == before
    academia = Code.objects.get(pk=academia_pk)
    assert academia.code == book["academia"].code
    assert Code.objects.get(pk=book["unis"].pk).parent_id == academia.pk
    assert Code.objects.get(pk=book["gov"].pk).memo == ""
    assert {both.pk, only_a.pk} == set(academia.excerpts.values_list("pk", flat=True))
    assert_paths_consistent(project)


def test_group_puts_codes_under_a_new_parent(project, lead, book):
    group = services.code_group(codes=[book["gov"], book["academia"]], name="Public", user=lead)
    assert group.parent_id == book["actors"].pk
    assert tree_names(project)[:5] == [
        "Actors",
        "  Public",
        "    Academia",
        "      Universities",
        "    Government",
    ]
    assert_paths_consistent(project)
    services.codebook_undo(project=project, user=lead)
    assert tree_names(project)[:4] == ["Actors", "  Academia", "    Universities", "  Government"]
    assert not Code.objects.filter(name="Public").exists()
    assert_paths_consistent(project)


def test_delete_unused_code_and_undo(project, lead, book):
    gov_pk = book["gov"].pk
    services.code_delete(code=book["gov"], user=lead)
    assert not Code.objects.filter(pk=gov_pk).exists()
    services.codebook_undo(project=project, user=lead)
    assert Code.objects.get(pk=gov_pk).name == "Government"
    assert_paths_consistent(project)


def test_delete_of_code_in_use_needs_the_count_confirmed(project, lead, coder, book):
    _coded(project, coder, book["gov"])
    _coded(project, coder, book["gov"])
    gov_pk = book["gov"].pk
    with pytest.raises(ValidationError, match="removes 2 codings"):
        services.code_delete(code=book["gov"], user=lead)
    services.code_delete(code=book["gov"], user=lead, confirm_codings=2)
    change = CodebookChange.objects.get(action="delete")
    assert change.after == {"removed_codings": 2} and change.code_name == "Government"
    services.codebook_undo(project=project, user=lead)
    assert Coding.objects.filter(code_id=gov_pk).count() == 2


def test_delete_with_sub_codes_is_refused(project, lead, book):
    with pytest.raises(ValidationError, match="sub-codes"):
        services.code_delete(code=book["actors"], user=lead)


def test_undo_walks_back_and_then_stops(project, lead, book):
    services.code_move(code=book["gov"], user=lead, parent=None)
    services.codebook_undo(project=project, user=lead)
    assert Code.objects.get(pk=book["gov"].pk).parent_id == book["actors"].pk
    for _ in range(5):  # the five creates
        services.codebook_undo(project=project, user=lead)
    assert not Code.objects.filter(project=project).exists()
    with pytest.raises(ValidationError, match="no change to undo"):
        services.codebook_undo(project=project, user=lead)


def test_rename_and_edit_are_logged_separately(project, lead, book):
    services.code_update(code=book["gov"], user=lead, name="State", definition="Public bodies.")
    actions = list(CodebookChange.objects.filter(code=book["gov"]).values_list("action", flat=True))
    assert {"rename", "edit"} <= set(actions)
    rename = CodebookChange.objects.get(action="rename")
    assert (rename.before, rename.after) == ({"name": "Government"}, {"name": "State"})


def test_rename_to_a_sibling_name_is_refused(project, lead, book):
    with pytest.raises(ValidationError):
        services.code_update(code=book["gov"], user=lead, name="Academia")


def test_accept_a_proposed_code(project, lead, coder):
    code = services.code_create(
        project=project, name="New idea", user=coder, status=CodeStatus.PROPOSED
    )
    services.code_accept(code=code, user=lead)
    assert Code.objects.get(pk=code.pk).status == CodeStatus.ACTIVE


def test_import_study_codebook_then_merge_again(project, lead):
    text = shared_path("method", "codebook.csv").read_text(encoding="utf-8")
    roots = read_study_codebook_csv(text).roots
    report = importing.codebook_import_tree(project=project, roots=roots, user=lead)
    assert report.added and not report.existing
    count = Code.objects.filter(project=project).count()
    assert count == len(report.added)
    assert_paths_consistent(project)
    again = importing.codebook_import_tree(
        project=project,
        roots=[*roots, CodeNode(name=roots[0].name, children=[CodeNode(name="Newcomer")])],
        user=lead,
    )
    assert again.added == [f"{roots[0].name}/Newcomer"]
    assert Code.objects.filter(project=project).count() == count + 1
    assert_paths_consistent(project)


def test_version_freezes_the_tree(project, lead, book):
    assert selectors.codebook_version_current(project=project) is None
    version = services.codebook_version_create(project=project, name="v1", user=lead)
    assert version.snapshot[0]["name"] == "Actors"
    assert selectors.codebook_version_current(project=project) == version
    with pytest.raises(ValidationError):
        services.codebook_version_create(project=project, name="v1", user=lead)


def test_undo_of_a_merge_or_delete_skips_excerpts_deleted_since(project, lead, coder, book):
    both = _coded(project, coder, book["academia"], book["gov"])
    gone = _coded(project, coder, book["academia"], book["gov"])
    academia_pk = book["academia"].pk
    services.code_merge(source=book["academia"], target=book["gov"], user=lead)
    gone.delete()
    services.codebook_undo(project=project, user=lead)
    assert set(Code.objects.get(pk=academia_pk).excerpts.all()) == {both}
    doomed = _coded(project, coder, book["value"])
    services.code_delete(code=book["value"], user=lead, confirm_codings=1)
    doomed.delete()
    services.codebook_undo(project=project, user=lead)
    assert Code.objects.filter(name="Value").exists()


def test_a_change_to_a_code_removed_meanwhile_is_refused_with_a_message(project, lead, book):
    stale = Code.objects.get(pk=book["academia"].pk)
    services.code_merge(source=book["academia"], target=book["gov"], user=lead)
    with pytest.raises(ValidationError, match="merged or deleted meanwhile"):
        services.code_move(code=stale, user=lead, parent=None)
    with pytest.raises(ValidationError, match="merged or deleted meanwhile"):
        services.code_update(code=stale, user=lead, name="Academy")


def test_a_move_sees_where_the_code_is_now(project, lead, book):
    stale = Code.objects.get(pk=book["unis"].pk)  # loaded under Academia
    services.code_move(code=book["unis"], user=lead, parent=book["value"])
    services.code_move(code=stale, user=lead, parent=book["gov"])
    undo = services.codebook_undo(project=project, user=lead)
    assert undo.before["action"] == "move"
    # Undoing the second move puts it back under Value, where it really was.
    assert Code.objects.get(pk=book["unis"].pk).parent_id == book["value"].pk
    assert_paths_consistent(project)
