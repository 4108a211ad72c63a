"""Scores transcripts with peakend on Spark and writes both tables as Parquet.

    python examples/spark_score.py examples/transcripts.csv out/ --lang en
    spark-submit --master yarn examples/spark_score.py 's3://calls/2026-12-*/' s3://scores/

Input: CSV files of turns with a header (the CLI's columns or their aliases),
read with every column as text so that ids keep their leading zeros. Output:
OUT/interactions and OUT/turns, with the columns of the CLI's `-o` and
`--turns`. Without --master (spark-submit's), it runs in local mode.
"""

import argparse
import os
import sys

from pyspark.sql import SparkSession

import peakend.spark


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("input", help="CSV file, folder or glob of turns")
    parser.add_argument("out", help="folder for interactions/ and turns/")
    parser.add_argument("--lang", default="auto", help="language code, or auto (default)")
    parser.add_argument("--end-window", type=int, default=None, help="final customer turns that make the end")
    parser.add_argument("--partitions", type=int, default=None, help="partitions to spread the turns over")
    args = parser.parse_args()

    # Local mode: the Python workers run this interpreter (its packages).
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    spark = SparkSession.builder.appName("peakend").getOrCreate()
    turns_in = spark.read.csv(args.input, header=True, multiLine=True, escape='"')
    interactions, turns = peakend.spark.score(
        turns_in, lang=args.lang, end_window=args.end_window, partitions=args.partitions
    )
    interactions.write.mode("overwrite").parquet(f"{args.out}/interactions")
    turns.write.mode("overwrite").parquet(f"{args.out}/turns")
    bad = interactions.where("bad_ending").count()
    print(f"{interactions.count()} interactions ({bad} with a bad ending), {turns.count()} turns -> {args.out}")
    spark.stop()


if __name__ == "__main__":
    main()
