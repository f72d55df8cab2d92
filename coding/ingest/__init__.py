"""Turn uploaded files into normalized document text with page, paragraph and turn offsets.

Pure Python (no Django): the services call ``extract`` and store what it returns.
"""

from .errors import IngestError
from .extract import MAX_BYTES, extract
from .normalize import find_paragraphs, normalize_pages, normalize_text
from .result import Extraction, Turn
from .running import RemovedLine
from .sniff import SUPPORTED_TYPES, sniff_type
from .turns import find_speaker_turns

__all__ = [
    "MAX_BYTES",
    "RemovedLine",
    "SUPPORTED_TYPES",
    "Extraction",
    "IngestError",
    "Turn",
    "extract",
    "find_paragraphs",
    "find_speaker_turns",
    "normalize_pages",
    "normalize_text",
    "sniff_type",
]
