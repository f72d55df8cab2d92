"""A small study: two cases sharing one regional document, two coders, a matrix."""

from types import SimpleNamespace

import pytest

from cases.services import cases as case_services
from cases.services import matrices as matrix_services
from tests.factories import CodeFactory, DocumentFactory, ExcerptFactory


@pytest.fixture
def study(project, lead, coder, coder2):
    actors = CodeFactory(project=project, name="Actors")
    industry = CodeFactory(project=project, name="Industry", parent=actors)
    suppliers = CodeFactory(project=project, name="Suppliers", parent=industry)
    academia = CodeFactory(project=project, name="Academia", parent=actors)
    plan = DocumentFactory(project=project, title="Alpha strategy")
    joint = DocumentFactory(project=project, title="Joint regional strategy")
    alpha = case_services.case_create(project=project, name="Alpha kommune", pseudonym="Alpha")
    beta = case_services.case_create(project=project, name="Beta kommune", pseudonym="Beta")
    case_services.case_set_documents(case=alpha, documents=[plan, joint])
    case_services.case_set_documents(case=beta, documents=[joint])
    e1 = ExcerptFactory(document=plan, coder=coder, start=0, end=8, codes=[suppliers])
    e2 = ExcerptFactory(document=joint, coder=coder2, start=9, end=20, codes=[academia])
    e3 = ExcerptFactory(document=joint, coder=coder, start=0, end=8, codes=[industry])
    matrix = matrix_services.matrix_create_from_template(
        project=project,
        name="Table 3",
        sections=[
            (
                "Cooperates with the following ecosystem actors",
                [("Industry", industry), ("Academia", academia), ("Other municipalities", None)],
            )
        ],
        user=lead,
    )
    rows = {r.label: r for r in matrix.sections.get().rows.all()}
    return SimpleNamespace(
        actors=actors,
        industry=industry,
        suppliers=suppliers,
        academia=academia,
        plan=plan,
        joint=joint,
        alpha=alpha,
        beta=beta,
        e1=e1,
        e2=e2,
        e3=e3,
        matrix=matrix,
        rows=rows,
    )
