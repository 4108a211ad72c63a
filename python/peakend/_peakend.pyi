"""Type stubs of the Rust extension module (src/python.rs); use the wrappers
in ``peakend`` (``score``, ``score_text``), which take any table."""

from typing import Any, Dict, List, Optional, Tuple

#: Language codes with a lexicon.
SUPPORTED_LANGUAGES: List[str]
#: Header names accepted for the interaction id.
ID_COLUMNS: List[str]

#: One column of a chunk: name, Arrow type name, null count, validity bitmap
#: (None without nulls) and the value buffers (offsets and bytes for text).
Column = Tuple[str, str, int, Optional[bytes], List[bytes]]
#: One record batch: its row count and its columns.
Chunk = Tuple[int, List[Column]]

def score_csv(csv: bytes, **options: Any) -> Dict[str, Any]:
    """Scores a CSV of turns with the options of ``peakend.score``:
    ``{"interactions": [Chunk], "turns": [Chunk]}``, plus
    ``"rejects": [(row, reason, raw)]`` with ``rejects=True``."""

def score_text(
    text: str,
    *,
    lang: str = "auto",
    default_lang: Optional[str] = None,
    no_phrases: bool = False,
    lexicons: Optional[str] = None,
) -> Dict[str, Any]:
    """Scores one text as a customer turn (see ``peakend.score_text``)."""
