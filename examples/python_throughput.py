"""Throughput of the Python API and of Spark local mode against the CLI.

    cargo build --release && cargo run --release --example corpus -- 50MB > /tmp/corpus.csv
    python examples/python_throughput.py /tmp/corpus.csv [--runs 3] [--spark-cores 2]

Times, on the same CSV of turns (MB/s of that file):
- the CLI, `peakend score FILE -o OUT --turns OUT` (both outputs, to /dev/shm);
- `peakend.score(table)`, the table already in memory (read with every column
  as text), both tables returned as Arrow;
- `peakend.spark.score(df)` in Spark local mode with N cores, the CSV read by
  Spark, both tables computed (written to Spark's `noop` sink); session
  start-up not timed.
Each is the best of --runs; every run's results are checked against the CLI's
row counts.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv

import peakend

ROOT = Path(__file__).resolve().parents[1]


def best(runs, f):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = f()
        times.append(time.perf_counter() - start)
    return min(times), result


def main():
    p = argparse.ArgumentParser()
    p.add_argument("corpus")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--spark-cores", type=int, default=2)
    p.add_argument("--no-spark", action="store_true")
    p.add_argument("--shuffle-partitions", type=int, default=8, help="Spark's spark.sql.shuffle.partitions")
    args = p.parse_args()
    size = os.path.getsize(args.corpus)
    mb = size / 1e6
    out = Path(tempfile.mkdtemp(dir="/dev/shm" if os.path.isdir("/dev/shm") else None))
    cli = ROOT / "target" / "release" / "peakend"

    def run_cli():
        cmd = [str(cli), "score", args.corpus, "-o", str(out / "ix.csv"), "--turns", str(out / "t.csv"), "--quiet"]
        subprocess.run(cmd, check=True)
        with open(out / "ix.csv", "rb") as f:
            return sum(1 for _ in f) - 1

    t, n_ix = best(args.runs, run_cli)
    print(f"corpus: {mb:.1f} MB, {n_ix} interactions")
    print(f"| CLI, all cores ({os.cpu_count()}) | {mb / t:.1f} MB/s | {t:.2f} s |")

    names = pacsv.read_csv(args.corpus, read_options=pacsv.ReadOptions(block_size=1 << 16)).column_names
    convert = pacsv.ConvertOptions(column_types={n: pa.string() for n in names})
    table = pacsv.read_csv(args.corpus, convert_options=convert)
    t, (ix, _) = best(args.runs, lambda: peakend.score(table))
    assert ix.num_rows == n_ix, (ix.num_rows, n_ix)
    print(f"| peakend.score (pyarrow table in memory), all cores | {mb / t:.1f} MB/s | {t:.2f} s |")

    if args.no_spark:
        return
    from pyspark.sql import SparkSession

    from peakend import spark as peakend_spark

    spark = (
        SparkSession.builder.master(f"local[{args.spark_cores}]")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", str(args.shuffle_partitions))
        .config("spark.driver.memory", "4g")
        .getOrCreate()
    )

    def run_spark():
        df = spark.read.csv(args.corpus, header=True, multiLine=True, escape='"')
        interactions, turns = peakend_spark.score(df, threads=1)
        interactions.write.format("noop").mode("overwrite").save()
        turns.write.format("noop").mode("overwrite").save()
        n = interactions.count()
        spark.catalog.clearCache()
        return n

    t, n = best(args.runs, run_spark)
    assert n == n_ix, (n, n_ix)
    print(f"| peakend.spark.score, Spark local[{args.spark_cores}] | {mb / t:.1f} MB/s | {t:.2f} s |")
    spark.stop()


if __name__ == "__main__":
    sys.exit(main())
