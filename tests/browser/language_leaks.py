"""English words on a Norwegian page: the detector behind the nb and nn walks (issue #22).

No external dictionary. The *English vocabulary* is every word of the interface's source text:
the message ids of our catalogues, of Django's and of django-allauth's, and the words written
straight into the templates (so a string nobody marked is caught too). Words that also occur
in a Norwegian translation (ours, Django's, allauth's: "status", "filter", "data", "at") are
taken out, and so are proper nouns and formats (ALLOWED). Any word of that vocabulary on a page
shown in Norwegian is a leak.

What a page shows is its text nodes, including the ones that are shown later (menus, dialogs,
closed details), and the attributes a person reads or hears (title, placeholder, aria-label,
alt, a button's value), outside `<script>` and `<style>`; and the page's title. Key names in
`<kbd>` are as printed on the keyboard, and `<code>` is literal computer text (a column header
of an import format, a citation's syntax).

User content (titles, document text, code and case names, memos, people's names) is marked in
the templates with HTML's `translate="no"` (which also keeps a browser's page translation off
it). Inside such a subtree a word counts as a leak only when the project's own content does not
have it either (`content_words`), so `translate="no"` cannot hide a button label: the marks
stay honest without a second, hand-kept list of what is content. Text that declares another
language with `lang` is not read at all: the language choices, each in its own name ("English"
in the switcher and on the profile).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import polib
from django.apps import apps

ROOT = Path(__file__).resolve().parents[2]
SITE = Path(polib.__file__).parent  # site-packages
CATALOGUE_DIRS = [ROOT / "locale", ROOT / "locale_allauth"] + [
    ROOT / app / "locale" for app in ("research", "coding", "cases", "study")
]
LIBRARY_CATALOGUES = [
    SITE / "django" / "conf" / "locale",
    SITE / "django" / "contrib" / "auth" / "locale",
    SITE / "django" / "contrib" / "humanize" / "locale",
    SITE / "allauth" / "locale",
]
# Proper nouns, formats, units and key names that Norwegian text keeps as they are; terms of
# art the translations keep in English (the triple/quadruple/quintuple helix model, unitized
# α); and "abc", the coding view's sample of a coder's underline.
ALLOWED = set(
    """
    concord krippendorff krippendorffs cohen cohens fleiss taguette nvivo atlas ti maxqda refi
    qda qdpx qdc csv xlsx json pdf docx odt rtf txt latex ocr openid connect feide totp webauthn
    url uuid sha sql postgresql sqlite celery redis html markdown md bootstrap django allauth
    utf excel word google microsoft id kb mb gb ok javascript ip snowball qualcoder
    enter
    triple quadruple quintuple helix unitized
    abc
    """.split()  # noqa: SIM905 - a list to read, not to format one word a line
)
# Words Norwegian shares with English (the translations use them, but every such translation
# copies the word from its English id, so norwegian_words cannot tell them from a copy).
SHARED = set(
    """
    administrator alternative api app august bokmål case ctrl data database emoji form import in
    informant metadata minus november nr nynorsk office per person pin region server september
    start symbol unicode vivo windows zip video mac brennan prediger tesseract debian
    digitalisering digitaliseringsstrategi kommune kommunen kommunene fylkeskommune
    helseteknologi velferdsteknologi negative open
    """.split()  # noqa: SIM905
)
# English known to be on the pages until a fix lands: add a line with the fix it waits for, and
# remove it with the fix. (Empty since i18nsrc: the agreement module's reasons are worded by
# coding.notices.notice_text in the reader's language.)
PENDING: list[str] = []
E_MAIL = re.compile(r"\S+@\S+")
WORD = re.compile(r"[^\W\d_]{2,}")
PLACEHOLDER = re.compile(r"%\(\w+\)[sdifr]|%[sdifr]|\{\w*\}")
TAG = re.compile(r"<[^>]*>")
TEMPLATE_TAG = re.compile(
    r"\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}|\{%.*?%\}|\{\{.*?\}\}|\{#.*?#\}", re.S
)
ENTITY = re.compile(r"&\w+;|&#\d+;")


def words(text: str) -> set[str]:
    return {w.lower() for w in WORD.findall(text)}


def shown_words(text: str) -> set[str]:
    """The words of a page's text, but those in capitals (acronyms and the search syntax's
    operators, OR and NOT, which Norwegian writes the same), e-mail addresses and PENDING."""
    for known in PENDING:
        text = text.replace(known, " ")
    return {w.lower() for w in WORD.findall(E_MAIL.sub(" ", text)) if not w.isupper()}


def _clean(message: str) -> str:
    return ENTITY.sub(" ", TAG.sub(" ", PLACEHOLDER.sub(" ", message)))


def _catalogues(language: str) -> list[Path]:
    found = [d / language / "LC_MESSAGES" / "django.po" for d in CATALOGUE_DIRS]
    found += [d / language / "LC_MESSAGES" / "django.po" for d in LIBRARY_CATALOGUES]
    return [path for path in found if path.exists()]


@cache
def norwegian_words() -> frozenset[str]:
    """Every word of a Norwegian translation, except the words it copies from its English id
    (column names, search syntax, examples quoted in a help text: "name, kind, description")."""
    found: set[str] = set()
    for language in ("nb", "nn"):
        for path in _catalogues(language):
            for entry in polib.pofile(str(path)).translated_entries():
                source = words(_clean(entry.msgid)) | words(_clean(entry.msgid_plural or ""))
                for form in [entry.msgstr, *entry.msgstr_plural.values()]:
                    found |= words(_clean(form)) - source
    return frozenset(found)


def _template_text() -> str:
    parts = []
    for path in (ROOT / "templates").rglob("*.html"):
        source = TEMPLATE_TAG.sub(" ", path.read_text(encoding="utf-8"))
        source = re.sub(r"<(script|style)\b.*?</\1>", " ", source, flags=re.S)
        parts.append(_clean(source))
    return "\n".join(parts)


@cache
def english_words() -> frozenset[str]:
    """The interface's English words that no Norwegian translation uses, nor ALLOWED."""
    english: set[str] = set()
    for path in _catalogues("nb"):
        for entry in polib.pofile(str(path)):
            english |= words(_clean(entry.msgid)) | words(_clean(entry.msgid_plural or ""))
    english |= words(_template_text())
    return frozenset(english - norwegian_words() - SHARED - ALLOWED)


# The fields that hold what users wrote, uploaded and named (not the values the interface
# chooses, such as roles, statuses, job messages or the audit trail's keys).
CONTENT_FIELDS = {
    "research.User": ["display_name", "first_name", "last_name", "email"],
    "research.Project": ["title", "research_question", "description"],
    "coding.AgreementRun": ["name"],
    "coding.AgreementCodeResult": ["code_name", "code_path"],
    "coding.Code": ["name", "definition", "inclusion", "exclusion", "example", "memo"],
    "coding.CodebookVersion": ["name"],
    "coding.DocumentSet": ["name"],
    "coding.Document": [
        "title",
        "source",
        "notes",
        "original_name",
        "text",
        "turns",
        "removed_lines",
        "file_properties",
    ],
    "coding.TextVersion": ["text"],
    "coding.Excerpt": ["text", "memo", "from_search"],
    "coding.Pseudonym": ["original", "replacement"],
    "coding.Decision": ["reason"],
    "coding.CandidateComment": ["text"],
    "cases.Case": ["name", "pseudonym", "description"],
    "cases.AttributeDefinition": ["name", "choices"],
    "cases.AttributeValue": ["text"],
    "cases.Dimension": ["name"],
    "cases.CaseWriteup": ["text"],
    "cases.ClassificationRule": ["name", "description"],
    "cases.ClassificationClass": ["name"],
    "cases.Matrix": ["name", "description", "legend"],
    "cases.MatrixSection": ["title"],
    "cases.MatrixRow": ["label"],
    "cases.CellOverride": ["symbol", "reason"],
    "cases.Footnote": ["text"],
    "study.ProjectMemo": ["title", "text"],
    "study.AutoCodeBatch": ["query"],
    "study.SavedSearch": ["name", "query"],
}


def content_words() -> frozenset[str]:
    """Every word of the project's content (CONTENT_FIELDS), as the database holds it."""
    found: set[str] = set()

    def add(value) -> None:
        if isinstance(value, str):
            found.update(words(value))
        elif isinstance(value, dict):
            for item in value.values():
                add(item)
        elif isinstance(value, list | tuple):
            for item in value:
                add(item)

    for label, fields in CONTENT_FIELDS.items():
        for row in apps.get_model(label).objects.values_list(*fields):
            add(list(row))
    return frozenset(found)


# The page's words in two lists: the interface's, and those inside translate="no" or another
# language's lang (for the check against the content's words).
PAGE_TEXT = """(pageLanguage) => {
  const interfaceText = [], contentText = [], attributeText = [];
  const ATTRIBUTES = ['title', 'placeholder', 'aria-label', 'alt', 'aria-description'];
  // Text declared in another language (lang="en" on the switcher's "English") is not read;
  // text marked translate="no" is the project's own.
  const foreign = el => {
    const l = el.closest('[lang]');
    return !!(l && l.getAttribute('lang') && !l.getAttribute('lang').startsWith(pageLanguage));
  };
  const marked = el => {
    const t = el.closest('[translate]');
    return !!(t && t.getAttribute('translate') === 'no');
  };
  const list = (el, other) => foreign(el) ? [] : marked(el) ? contentText : other;
  const visit = root => {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.nodeType === Node.TEXT_NODE) {
        const parent = node.parentElement;
        if (!parent || parent.closest('script, style, noscript, kbd, code')) continue;
        list(parent, interfaceText).push(node.data);
        continue;
      }
      const into = list(node, attributeText);
      for (const name of ATTRIBUTES) {
        if (node.hasAttribute(name)) into.push(node.getAttribute(name));
      }
      if (node.matches('input[type=submit], input[type=button]')) into.push(node.value);
      if (node.tagName === 'TEMPLATE') visit(node.content);
    }
  };
  visit(document.body);
  return {title: document.title, interfaceText, contentText, attributeText};
}"""


def page_leaks(page, language: str, content: frozenset[str]) -> list[str]:
    """The English words on the page, each with a little of the text around it."""
    shown = page.evaluate(PAGE_TEXT, language)
    english = english_words()
    leaks: dict[str, str] = {}
    # A title or an attribute cannot mark a part of itself translate="no" ("Undo the deletion
    # of “Actors”"): the content it repeats from the page's marked text is taken out.
    quoted = sorted({t.strip() for t in shown["contentText"] if len(t.strip()) > 2}, key=len)
    attributes = [shown["title"], *shown["attributeText"]]
    for text in reversed(quoted):
        attributes = [a.replace(text, " ") for a in attributes]
    for text in [*attributes, *shown["interfaceText"]]:
        for word in shown_words(text) & english:
            leaks.setdefault(word, text.strip()[:80])
    for text in shown["contentText"]:
        for word in (shown_words(text) & english) - content:
            leaks.setdefault(word, f"[translate=no] {text.strip()[:80]}")
    return [f"{word!r} in {context!r}" for word, context in sorted(leaks.items())]
