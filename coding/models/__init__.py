"""The coding app's tables, one module per subject."""

from coding.models.agreement import (
    AgreementCodeResult,
    AgreementRun,
    AgreementRunPart,
    AgreementUnit,
    SegmentKind,
)
from coding.models.codebook import Code, CodebookChange, CodebookVersion, CodeStatus
from coding.models.documents import (
    Assignment,
    AssignmentStatus,
    Document,
    DocumentKind,
    DocumentStatus,
    TextVersion,
)
from coding.models.excerpts import Coding, Excerpt, ExcerptAction, ExcerptChange

__all__ = [
    "AgreementCodeResult",
    "AgreementRun",
    "AgreementRunPart",
    "AgreementUnit",
    "SegmentKind",
    "Assignment",
    "AssignmentStatus",
    "Code",
    "CodeStatus",
    "CodebookChange",
    "CodebookVersion",
    "Coding",
    "Document",
    "DocumentKind",
    "DocumentStatus",
    "Excerpt",
    "ExcerptAction",
    "ExcerptChange",
    "TextVersion",
]
