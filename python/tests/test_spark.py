"""peakend.spark.score in Spark local mode gives the CLI's figures.

One small local session for the whole module (starting the JVM is most of
the cost). Skipped when pyspark is not installed; CI installs it.
"""

import os
import shutil
import sys

import pyarrow as pa
import pytest

from conftest import EXAMPLES, USS_SETS, as_cli_csv, run_cli

pyspark = pytest.importorskip("pyspark")
if shutil.which("java") is None:
    pytest.skip("Spark needs java", allow_module_level=True)

import peakend.spark  # noqa: E402


@pytest.fixture(scope="module")
def spark():
    from pyspark.sql import SparkSession

    # Python workers run this interpreter (the test's virtual environment),
    # not whatever `python3` is first on PATH.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    session = (
        SparkSession.builder.master("local[2]")
        .appName("peakend-tests")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )
    yield session
    session.stop()


def in_cli_order(table: pa.Table, want_csv: bytes) -> pa.Table:
    """`table`'s rows in the CLI's order of interactions (Spark keeps none);
    the rows of one interaction keep their order."""
    ids = [line.split(b",", 1)[0].decode() for line in want_csv.splitlines()[1:]]
    rank = {}
    for i in ids:
        rank.setdefault(i, len(rank))
    keys = [rank[i] for i in table.column("interaction_id").to_pylist()]
    order = sorted(range(len(keys)), key=lambda k: (keys[k], k))
    return table.take(pa.array(order))


def assert_spark_equals_cli(spark, tmp_path, path, flags=(), **options):
    want_interactions, want_turns = run_cli(tmp_path, [path], *flags)
    df = spark.read.csv(str(path), header=True, multiLine=True, escape='"')
    interactions, turns = peakend.spark.score(df, **options)
    got = in_cli_order(interactions.toArrow(), want_interactions)
    assert as_cli_csv(got) == want_interactions
    got = in_cli_order(turns.toArrow(), want_turns)
    assert as_cli_csv(got) == want_turns


def test_examples_through_spark_equal_the_cli(spark, tmp_path):
    assert_spark_equals_cli(spark, tmp_path, EXAMPLES, ["--end-window", "2"], end_window=2)


@pytest.mark.skipif(not USS_SETS, reason="../shared/data has no USS set")
def test_a_uss_set_through_spark_equals_the_cli(spark, tmp_path):
    assert_spark_equals_cli(spark, tmp_path, USS_SETS[0])


def test_a_table_without_id_is_refused(spark):
    df = spark.createDataFrame([("customer", "hi")], ["speaker", "text"])
    with pytest.raises(peakend.InputError, match="interaction_id"):
        peakend.spark.score(df)


def test_kept_columns(spark, tmp_path):
    path = tmp_path / "in.csv"
    path.write_text(
        "id,speaker,text,agent_id,queue\n"
        "A,customer,my bill is wrong again,Priya,billing\n"
        "A,agent,sorry about that,Priya,billing\n"
        "B,customer,thanks a lot that fixed it,Jo,\n"
    )
    df = spark.read.csv(str(path), header=True)
    interactions, _ = peakend.spark.score(df, keep="agent_id,queue")
    rows = {r["interaction_id"]: r for r in interactions.collect()}
    assert interactions.columns[-2:] == ["agent_id", "queue"]
    assert (rows["A"]["agent_id"], rows["A"]["queue"]) == ("Priya", "billing")
    assert (rows["B"]["agent_id"], rows["B"]["queue"]) == ("Jo", None)
    everything, _ = peakend.spark.score(df, keep_all=True)
    assert everything.columns == interactions.columns
