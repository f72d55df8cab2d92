"""The coding view's codebook panel as HTML, built in Python.

The panel lists every code four times (the code filter, the code tree, the in-vivo code's
parent, the codes of the form that works without JavaScript); the Ctrl+K palette is built by
the page's script from the codes' JSON when first opened (static/js/coding/apply.js), so a
fresh page has one element fewer per code to read. What a first screen does not show (the
tree's codes after the first `FIRST_CODES`, the parents, the checkboxes) the template sends
inside `<noscript data-deferred>`, put in place once the text is usable
(static/js/coding/text.js). Through the template engine each listing cost several node
renders and variable lookups per code: most of the page's time with 150 codes, and growing
with the codebook. Here each listing is one join, every value escaped
(`html.escape`, as Django's `escape` does it). The surrounding forms and their labels stay in
the template (`coding/excerpts/coding_view.html`).
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

# The code tree's items in the page as elements: more than a tall screen's panel shows (each is
# about 2rem high, below the panel's buttons, filter and search); the rest come deferred.
FIRST_CODES = 40


@dataclass(frozen=True)
class CodebookPanel:
    filter_options: SafeString  # <option>s of the code filter (after "All codes")
    tree: SafeString  # the code tree's first `FIRST_CODES` <li>s
    tree_rest: SafeString  # the code tree's other <li>s
    parent_options: SafeString  # <option>s of the in-vivo code's parent (after "top level")
    checkboxes: SafeString  # the plain form's code checkboxes


def codebook_panel(codes: list[dict], *, code_filter: int | None, may_code: bool) -> CodebookPanel:
    """`codes`: the dicts of `workspace.coding_view_data` (id, code, name, path, depth,
    shortcut, status, count), in the codebook's order."""
    filters, tree, parents, boxes = [], [], [], []
    disabled = "" if may_code else " disabled"
    proposed = f' <span class="badge text-bg-light border">{escape(_("proposed"))}</span>'
    count_title = escape(_("Your excerpts with this code in this document"))
    for code in codes:
        pk, uuid, path = code["id"], code["code"], escape(code["path"])
        lower = escape(code["path"].lower())
        selected = " selected" if pk == code_filter else ""
        # translate="no": the codebook's words are the project's (the Norwegian walk's rule).
        filters.append(f'<option value="{pk}"{selected} translate="no">{path}</option>')
        shortcut = code["shortcut"] or ""
        key = f' <kbd class="small">{escape(shortcut)}</kbd>' if shortcut else ""
        tree.append(
            f'<li class="code-item depth-{code["depth"] or 0}" data-name="{lower}">'
            f'<button type="button" class="code-button btn btn-sm w-100 text-start" '
            f'data-code="{uuid}" data-id="{pk}" data-shortcut="{escape(shortcut.lower())}"'
            f"{disabled}>"
            f'<span class="code-swatch c{pk}" aria-hidden="true"></span> '
            f'<span class="code-name" translate="no" title="{path}">{escape(code["name"])}</span>'
            f"{proposed if code['status'] == 'proposed' else ''}"
            f"{key} "
            f'<span class="badge text-bg-secondary float-end code-count" '
            f'title="{count_title}">{code["count"]}</span></button></li>'
        )
        parents.append(f'<option value="{uuid}" translate="no">{path}</option>')
        boxes.append(
            f'<label class="d-block"><input type="checkbox" name="codes" value="{uuid}"> '
            f'<span translate="no">{path}</span></label>'
        )
    if not codes:
        empty = escape(_("The codebook is empty."))
        tree.append(f'<li class="small text-body-secondary">{empty}</li>')
    return CodebookPanel(
        _joined(filters),
        _joined(tree[:FIRST_CODES]),
        _joined(tree[FIRST_CODES:]),
        _joined(parents),
        _joined(boxes),
    )


def _joined(parts: list[str]) -> SafeString:
    return mark_safe("".join(parts))  # noqa: S308 - every value in the parts is escaped
