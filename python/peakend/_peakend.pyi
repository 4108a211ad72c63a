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

def score_csv(
    csv: bytes,
    *,
    lang: str = "auto",
    no_phrases: bool = False,
    negativity_bias: Optional[float] = None,
    peak_weight: Optional[float] = None,
    end_weight: Optional[float] = None,
    end_window: Optional[int] = None,
    bad_ending_drop: Optional[float] = None,
    bad_ending_last: Optional[float] = None,
    threads: Optional[int] = None,
    lexicons: Optional[str] = None,
    group_unsorted: bool = False,
    rejects: bool = False,
) -> Dict[str, Any]:
    """Scores a CSV of turns: ``{"interactions": [Chunk], "turns": [Chunk]}``,
    plus ``"rejects": [(row, reason, raw)]`` with ``rejects=True``."""

def score_text(
    text: str, *, lang: str = "auto", no_phrases: bool = False, lexicons: Optional[str] = None
) -> Dict[str, Any]:
    """Scores one text as a customer turn (see ``peakend.score_text``)."""
