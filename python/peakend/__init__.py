"""peakend: how customers felt in contact-centre conversations, and how they
will remember them (the peak-end rule), from the same Rust engine as the
``peakend`` command-line tool.

>>> import pandas as pd, peakend
>>> turns = pd.DataFrame({
...     "interaction_id": ["c1", "c1", "c1"],
...     "speaker": ["customer", "agent", "customer"],
...     "text": ["My bill is wrong.", "Sorry, let me fix it.", "Thanks, perfect!"],
... })
>>> interactions, turn_scores = peakend.score(turns, lang="en")
>>> interactions.column("bad_ending").to_pylist()
[False]

``score`` returns two ``pyarrow.Table`` objects with the columns and types of
the CLI's two CSV outputs (``-o`` and ``--turns``); every figure equals the
CLI's on the same input. ``peakend.spark.score`` does the same on a Spark
DataFrame.
"""

from __future__ import annotations

import io
from typing import Any, Mapping, Optional, Sequence, Tuple, Union

import pyarrow as pa
import pyarrow.csv as pacsv

from . import _peakend

__all__ = ["score", "score_text", "InputError", "SUPPORTED_LANGUAGES"]

#: Language codes with a lexicon (ISO 639-1).
SUPPORTED_LANGUAGES = tuple(_peakend.SUPPORTED_LANGUAGES)

_TYPES = {
    "utf8": pa.string(),
    "int64": pa.int64(),
    "float64": pa.float64(),
    "bool": pa.bool_(),
}


class InputError(ValueError):
    """A row of the input that cannot be scored, or a missing column.

    ``row`` is the 0-based row of the table passed in (``None`` for a problem
    with the whole table, such as a missing column); ``problem`` says what is
    wrong, as the CLI would.
    """

    def __init__(self, message: str, row: Optional[int] = None, problem: str = ""):
        super().__init__(message)
        self.row = row
        self.problem = problem or message


def _batch(chunk) -> pa.RecordBatch:
    """One chunk of the Rust side's Arrow buffers as a record batch."""
    rows, columns = chunk
    arrays, fields = [], []
    for name, ty, null_count, validity, buffers in columns:
        arrow_type = _TYPES[ty]
        bufs = [None if validity is None else pa.py_buffer(validity)]
        bufs += [pa.py_buffer(b) for b in buffers]
        arrays.append(pa.Array.from_buffers(arrow_type, rows, bufs, null_count))
        fields.append(pa.field(name, arrow_type))
    return pa.RecordBatch.from_arrays(arrays, schema=pa.schema(fields))


def _table(chunks) -> pa.Table:
    batches = [_batch(c) for c in chunks]
    return pa.Table.from_batches(batches, schema=batches[0].schema)


def _to_arrow(table: Any) -> pa.Table:
    """A pyarrow Table from a Table, RecordBatch, pandas or polars DataFrame."""
    if isinstance(table, pa.Table):
        return table
    if isinstance(table, pa.RecordBatch):
        return pa.Table.from_batches([table])
    if hasattr(table, "to_arrow"):  # polars
        return table.to_arrow()
    module = type(table).__module__ or ""
    if module.startswith("pandas"):
        return pa.Table.from_pandas(table, preserve_index=False)
    raise TypeError(
        "peakend.score takes a pyarrow Table or RecordBatch, or a pandas or "
        f"polars DataFrame, not {type(table).__name__}"
    )


def _csv_ready(table: pa.Table) -> pa.Table:
    """Columns as the CSV reader expects them: dictionary (categorical)
    columns decoded, and whole-number float columns (pandas turns an int
    column with a missing value into floats) written as integers."""
    columns = []
    for column in table.columns:
        if pa.types.is_dictionary(column.type):
            column = column.cast(column.type.value_type)
        if pa.types.is_floating(column.type):
            try:
                column = column.cast(pa.int64())  # safe: fails on 1.5
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                pass  # the reader names the row with the bad number
        columns.append(column)
    return pa.Table.from_arrays(columns, names=table.column_names)


def _csv_bytes(table: Any) -> bytes:
    sink = io.BytesIO()
    pacsv.write_csv(_csv_ready(_to_arrow(table)), sink)
    return sink.getvalue()


def _speakers(speakers: Union[str, Mapping[str, str], None]) -> Optional[str]:
    """``speakers=`` as the CLI's ``--speakers`` value."""
    if speakers is None or isinstance(speakers, str):
        return speakers
    return ",".join(f"{label}={role}" for label, role in speakers.items())


def score(
    table: Any,
    *,
    lang: str = "auto",
    default_lang: Optional[str] = None,
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
    keep: Union[str, Sequence[str], None] = None,
    keep_all: bool = False,
    speakers: Union[str, Mapping[str, str], None] = None,
) -> Union[Tuple[pa.Table, pa.Table], Tuple[pa.Table, pa.Table, pa.Table]]:
    """Scores a table of turns; returns ``(interactions, turns)``.

    ``table`` has one row per turn with the CLI's input columns (or their
    aliases): ``interaction_id``, ``speaker``, ``text`` and optionally
    ``turn``, ``start_ms``, ``end_ms``, ``language``. The rows of one
    interaction are contiguous (or pass ``group_unsorted=True``).

    The options are the CLI's long flags with ``_`` for ``-``; ``None`` means
    the CLI's default. ``speakers`` names other speaker labels, as the CLI's
    ``--speakers``: ``"spk_0=agent,spk_1=customer"`` or
    ``{"spk_0": "agent", "spk_1": "customer"}``. ``threads`` defaults to all cores. The GIL is released
    while scoring.

    ``keep`` (column names, or one comma-separated string) carries other
    columns of ``table`` (agent, queue, channel...) to ``interactions``,
    after the scores, as strings: the first non-empty value of each
    interaction (null when it has none). ``keep_all=True`` carries every
    column that is not part of the transcript.

    A row that cannot be scored raises :class:`InputError` naming the row
    (0-based) and the problem; with ``rejects=True`` such rows are set aside
    instead and a third table ``(row, reason, raw)`` is returned.
    """
    out = _peakend.score_csv(
        _csv_bytes(table),
        lang=lang,
        default_lang=default_lang,
        no_phrases=no_phrases,
        negativity_bias=negativity_bias,
        peak_weight=peak_weight,
        end_weight=end_weight,
        end_window=end_window,
        bad_ending_drop=bad_ending_drop,
        bad_ending_last=bad_ending_last,
        threads=threads,
        lexicons=None if lexicons is None else str(lexicons),
        group_unsorted=group_unsorted,
        rejects=rejects,
        keep=keep.split(",") if isinstance(keep, str) else None if keep is None else list(keep),
        keep_all=keep_all,
        speakers=_speakers(speakers),
    )
    tables = (_table(out["interactions"]), _table(out["turns"]))
    if not rejects:
        return tables
    row, reason, raw = zip(*out["rejects"]) if out["rejects"] else ((), (), ())
    set_aside = pa.table(
        {
            "row": pa.array(row, pa.int64()),
            "reason": pa.array(reason, pa.string()),
            "raw": pa.array(raw, pa.string()),
        }
    )
    return tables + (set_aside,)


def score_text(
    text: str,
    *,
    lang: str = "auto",
    default_lang: Optional[str] = None,
    no_phrases: bool = False,
    lexicons: Optional[str] = None,
) -> dict:
    """Scores one text as a customer turn.

    Returns a dict: ``language``; ``valence`` in [-1, 1]; ``positive``,
    ``negative``, ``neutral`` (proportions summing to 1); ``emotion`` (the
    dominant one, or ``neutral``); ``emotions`` (each emotion's intensity);
    ``terms``, the ``(word or phrase, contribution)`` pairs that drove the
    valence (VADER's -4..4 scale); ``emotion_terms``, the ``(cue, emotion,
    weight)`` triples behind the emotions. Figures are those of the turn
    table (four decimals).

    >>> peakend.score_text("This is a waste of time!", lang="en")["valence"] < 0
    True
    """
    return _peakend.score_text(
        text,
        lang=lang,
        default_lang=default_lang,
        no_phrases=no_phrases,
        lexicons=None if lexicons is None else str(lexicons),
    )
