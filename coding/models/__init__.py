"""The coding app's tables, one module per subject."""

from coding.models.agreement import (
    AgreementCodeResult,
    AgreementRun,
    AgreementRunPart,
    AgreementUnit,
    SegmentKind,
)
from coding.models.codebook import Code, CodebookChange, CodebookVersion, CodeStatus
from coding.models.docsets import DocumentSet
from coding.models.documents import (
    Assignment,
    AssignmentStatus,
    Document,
    DocumentKind,
    DocumentStatus,
    TextVersion,
)
from coding.models.excerpts import Coding, Excerpt, ExcerptAction, ExcerptChange
from coding.models.pseudonyms import Pseudonym, PseudonymPolicy
from coding.models.reconciliation import (
    Candidate,
    CandidateComment,
    CandidateKind,
    Decision,
    DecisionKind,
    DocumentState,
    ReconcilerMode,
    Reconciliation,
    ReconciliationDocument,
)

__all__ = [
    "AgreementCodeResult",
    "AgreementRun",
    "AgreementRunPart",
    "AgreementUnit",
    "SegmentKind",
    "Assignment",
    "AssignmentStatus",
    "Candidate",
    "CandidateComment",
    "CandidateKind",
    "Code",
    "CodeStatus",
    "CodebookChange",
    "CodebookVersion",
    "Coding",
    "Decision",
    "DecisionKind",
    "Document",
    "DocumentKind",
    "DocumentSet",
    "DocumentState",
    "DocumentStatus",
    "Excerpt",
    "ExcerptAction",
    "ExcerptChange",
    "Pseudonym",
    "PseudonymPolicy",
    "ReconcilerMode",
    "Reconciliation",
    "ReconciliationDocument",
    "TextVersion",
]
