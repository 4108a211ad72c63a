#!/usr/bin/env python3
"""The README's USS table: peakend's own output columns against human ratings.

Runs `peakend score` with its defaults on the four User Satisfaction
Simulation sets in ../shared/data (never copied into the repo) and prints the
Spearman correlation of `remembered`, `experienced` and `end` with `overall`
(the mean 1-5 rating of 3-7 annotators), and how `bad_ending` separates the
ratings. Usage:

    python3 tests/eval/uss_report.py --binary target/release/peakend [-- peakend flags]

Prints 'skipped: ...' and exits 0 when the data folder is absent.
"""
import argparse
import csv
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from uss_tune import spearman  # noqa: E402

SETS = [("SGD", "uss_sgd.csv"), ("MultiWOZ", "uss_mwoz.csv"), ("ReDial", "uss_redial.csv"), ("CCPE", "uss_ccpe.csv")]
# vaderSentiment 3.3.2 reference figures, ../shared/data/README.md:
# remembered = (peak + last) / 2, experienced = mean.


def main():
    ap = argparse.ArgumentParser()
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    ap.add_argument("--binary", default=os.path.join(root, "target", "release", "peakend"))
    ap.add_argument("--data", default=os.path.join(root, "..", "shared", "data"))
    ap.add_argument("extra", nargs="*", help="extra flags for peakend score")
    args = ap.parse_args()
    if not os.path.isdir(args.data):
        print(f"skipped: {args.data} not found")
        return
    labels = {r["interaction_id"]: float(r["overall"]) for r in csv.DictReader(open(os.path.join(args.data, "uss.labels.csv")))}
    cols = ["remembered", "experienced", "end"]
    rows, flagged_all = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for name, file in SETS:
            out = os.path.join(tmp, name + ".csv")
            subprocess.run([args.binary, "score", "-q", os.path.join(args.data, file), "-o", out, *args.extra], check=True)
            recs = [r for r in csv.DictReader(open(out)) if r["interaction_id"] in labels and r["remembered"] != ""]
            y = [labels[r["interaction_id"]] for r in recs]
            rho = {c: spearman([float(r[c]) for r in recs], y) for c in cols}
            bad = [labels[r["interaction_id"]] for r in recs if r["bad_ending"] == "true"]
            good = [labels[r["interaction_id"]] for r in recs if r["bad_ending"] == "false"]
            flagged_all.append((bad, good))
            rows.append((name, len(recs), rho, len(bad) / len(recs), sum(bad) / max(len(bad), 1), sum(good) / max(len(good), 1)))
    print("| set | n | remembered | experienced | end | bad_ending share | overall: bad / other |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, n, rho, share, mb, mg in rows:
        print(f"| {name} | {n} | {rho['remembered']:.3f} | {rho['experienced']:.3f} | {rho['end']:.3f} | {share:.1%} | {mb:.2f} / {mg:.2f} |")
    k = len(rows)
    mean = {c: sum(r[2][c] for r in rows) / k for c in cols}
    bad = [x for b, _ in flagged_all for x in b]
    good = [x for _, g in flagged_all for x in g]
    share = len(bad) / (len(bad) + len(good))
    print(f"| mean of the four | {sum(r[1] for r in rows)} | {mean['remembered']:.3f} | {mean['experienced']:.3f} | {mean['end']:.3f} | {share:.1%} | {sum(bad)/len(bad):.2f} / {sum(good)/len(good):.2f} |")


if __name__ == "__main__":
    main()
