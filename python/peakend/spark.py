"""peakend on Spark: score a DataFrame of turns on the cluster's executors.

>>> interactions, turns = peakend.spark.score(spark.read.csv("calls/", header=True), lang="en")

The turns are repartitioned by interaction id, so that every interaction is
whole in one partition, and each partition is scored by ``peakend.score``
(``mapInArrow``: Arrow batches in and out, the Rust engine on all the
executor's cores). Every figure equals the CLI's; the rows come in no
particular order, as usual on Spark. The executors need the ``peakend``
package installed (the same wheel as the driver).
"""

from __future__ import annotations

from typing import Any, Iterator, Optional, Tuple

import pyarrow as pa

import peakend
from peakend import _peakend

__all__ = ["score"]

# Spark rows of both tables travel as one DataFrame of two struct columns,
# scored once and then split.
_INTERACTION, _TURN = "interaction", "turn"


def _id_column(columns) -> str:
    """The input's interaction id column, by the CLI's header names."""
    by_name = {c.strip().lower(): c for c in columns}
    for name in _peakend.ID_COLUMNS:
        if name in by_name:
            return by_name[name]
    raise peakend.InputError(
        "no interaction_id column (accepted names: " + ", ".join(_peakend.ID_COLUMNS) + ")"
    )


def _schemas(columns, options) -> Tuple[pa.Schema, pa.Schema]:
    """The Arrow schemas of both tables, as ``peakend.score`` makes them
    from a table with ``columns`` (the kept ones among them) and
    ``options``."""
    empty = pa.table({name: pa.array([], pa.string()) for name in columns})
    interactions, turns = peakend.score(empty, **options)
    return interactions.schema, turns.schema


def score(df: Any, *, partitions: Optional[int] = None, **options) -> Tuple[Any, Any]:
    """Scores a Spark DataFrame of turns; returns ``(interactions, turns)``.

    ``df`` has the CLI's input columns (or their aliases), as for
    :func:`peakend.score`; ``options`` are the same (``lang``,
    ``end_window``, ...; ``threads`` is per Spark task). ``partitions`` sets
    how many partitions the turns are spread over (default: Spark's
    ``spark.sql.shuffle.partitions``).

    Both results come from one scoring pass: it is persisted, and scored
    when the first of them is used. A row that cannot be scored fails the
    job with :class:`peakend.InputError` (row numbers are within a
    partition); ``rejects`` is not supported here.
    """
    from pyspark.sql import functions as F
    from pyspark.sql.pandas.types import from_arrow_schema

    if options.get("rejects"):
        raise ValueError("peakend.spark.score does not support rejects=True")
    options = dict(options, group_unsorted=True)
    interaction_schema, turn_schema = _schemas(df.columns, options)
    out_schema = pa.schema(
        [
            pa.field(_INTERACTION, pa.struct(list(interaction_schema))),
            pa.field(_TURN, pa.struct(list(turn_schema))),
        ]
    )

    def score_partition(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        # Spark may hand a partition no batch at all (test_kept_columns'
        # run does), which from_batches cannot take without a schema.
        batches = list(batches)
        if not batches:
            return
        table = pa.Table.from_batches(batches)
        if table.num_rows == 0:
            return
        interactions, turns = peakend.score(table, **options)
        for part, rows in ((0, interactions), (1, turns)):
            for batch in rows.combine_chunks().to_batches():
                values = pa.StructArray.from_arrays(batch.columns, fields=list(batch.schema))
                other = pa.nulls(batch.num_rows, out_schema.field(1 - part).type)
                columns = [values, other] if part == 0 else [other, values]
                yield pa.RecordBatch.from_arrays(columns, schema=out_schema)

    id_column = _id_column(df.columns)
    clustered = df.repartition(partitions, id_column) if partitions else df.repartition(id_column)
    scored = clustered.mapInArrow(score_partition, from_arrow_schema(out_schema)).persist()
    interactions = scored.where(F.col(_INTERACTION).isNotNull()).select(f"{_INTERACTION}.*")
    turns = scored.where(F.col(_TURN).isNotNull()).select(f"{_TURN}.*")
    return interactions, turns
