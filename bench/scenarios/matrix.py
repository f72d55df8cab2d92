"""The cross-case matrix: codes × cases over many codings, on the page and as an XLSX file."""

from __future__ import annotations

from bench import build, web
from bench.core import Context, NotAvailable, Row, scenario, timed


def _models():
    try:
        from cases.models import Case, Matrix, MatrixRow, MatrixSection
        from cases.selectors import matrices as selectors
    except ImportError as exc:
        raise NotAvailable(f"the cases app has no matrix yet ({exc})") from exc
    return Case, Matrix, MatrixSection, MatrixRow, selectors


def matrix_project(ctx: Context):
    Case, Matrix, MatrixSection, MatrixRow, _ = _models()
    from coding.models import Coding

    size = ctx.size
    team = build.team_create(label="matrix", coders=3, blind=False)
    codes = build.codebook_create(
        project=team.project, codes=max(size.matrix_rows * 2, 30), seed=51
    )
    documents = build.documents_create(
        project=team.project, count=size.matrix_columns, chars=5_000, owner=team.owner, seed=52
    )
    # About 1.15 codings per excerpt (some excerpts carry two codes).
    build.excerpts_create(
        documents=documents,
        coders=team.coders,
        codes=codes,
        total=round(size.matrix_codings / 1.15),
        seed=53,
        width=(40, 400),
    )
    codings = Coding.objects.filter(code__project=team.project).count()
    cases = Case.objects.bulk_create(
        Case(project=team.project, name=f"Kommune {i + 1:03d}", pseudonym=f"K{i + 1:03d}")
        for i in range(size.matrix_columns)
    )
    Case.documents.through.objects.bulk_create(
        Case.documents.through(case_id=case.pk, document_id=document.pk)
        for case, document in zip(cases, documents, strict=True)
    )
    matrix = Matrix.objects.create(
        project=team.project, name="Benchmark matrix", created_by=team.owner
    )
    sections = MatrixSection.objects.bulk_create(
        MatrixSection(matrix=matrix, title=f"Tema {n + 1}", position=n) for n in range(3)
    )
    MatrixRow.objects.bulk_create(
        MatrixRow(
            section=sections[i % 3],
            label=code.name,
            codebook_code=code,
            position=i,
            include_descendants=True,
        )
        for i, code in enumerate(codes[: size.matrix_rows])
    )
    return team, matrix, codings


@scenario("matrix", "Cross-case matrix")
def matrix(ctx: Context) -> list[Row]:
    _, Matrix, _, _, selectors = _models()
    web.url("cases:matrix-detail", project=build.uuid_zero(), matrix=build.uuid_zero())
    from cases import exports
    from research.models import Membership

    size = ctx.size
    row = ctx.rows("matrix")
    team, matrix_obj, codings = matrix_project(ctx)
    shape = f"{size.matrix_rows} × {size.matrix_columns} over {codings:,} codings"
    client = web.client_for(team.owner)
    page = web.url("cases:matrix-detail", project=team.project.code, matrix=matrix_obj.code)
    samples, queries, body = web.server_times(
        lambda: web.checked(client.get(page)), repeats=ctx.repeats
    )
    rows = [
        row(
            f"render the matrix page, {shape} (presence marks)",
            samples=samples,
            target=ctx.target(0.3, "60 × 300 over 50,000 codings under 300 ms (issue 21)"),
            note=f"{queries} queries; {body / 1e6:.1f} MB of HTML",
        ),
        row(f"queries, matrix page {shape}", samples=[float(queries)], unit="queries"),
    ]
    membership = Membership.objects.get(project=team.project, user=team.owner)
    Matrix.objects.filter(pk=matrix_obj.pk).update(cell_mode="coverage")
    matrix_obj.refresh_from_db()
    samples, peak = timed(
        lambda: selectors.matrix_compute(matrix=matrix_obj, membership=membership),
        repeats=ctx.repeats,
        memory=True,
    )
    rows.append(
        row(
            f"compute the matrix, {shape} (coverage cells, selector only)",
            samples=samples,
            peak_memory_mb=peak,
        )
    )
    export = web.url("cases:matrix-export", project=team.project.code, matrix=matrix_obj.code)
    samples, queries, body = web.server_times(
        lambda: web.checked(client.get(export, {"format": "xlsx"})), repeats=ctx.repeats
    )
    view = selectors.matrix_compute(matrix=matrix_obj, membership=membership)
    _, peak = timed(
        lambda: exports.render(selectors.matrix_table(view), "xlsx"), repeats=0, memory=True
    )
    rows.append(
        row(
            f"export the matrix to XLSX, {shape} (coverage cells, download)",
            samples=samples,
            peak_memory_mb=peak,
            target=ctx.target(1.0, "matrix export under 1 s at full size (issue 21)"),
            note=f"{queries} queries; {body / 1e6:.2f} MB file; memory: writing only",
        )
    )
    return rows
