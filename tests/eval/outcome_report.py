#!/usr/bin/env python3
"""The README's effort and resolution table (section "What it measures").

Runs `peakend score --lang en` on the four USS sets in ../shared/data and on
the English development set (tests/eval/devset, or DEVSET_DIR), and prints
per set: the Spearman correlation of `effort` with the rating, how many
conversations are marked resolved=true / false with their mean rating, and
the Spearman of `resolved` (1/0, non-empty only) with the rating; for the
development set also `resolved` against its own resolved labels. Usage:

    python3 tests/eval/outcome_report.py [--binary target/release/peakend] [--list]

A set whose files are absent is skipped.
"""
import argparse
import collections
import csv
import math
import os
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
USS = os.path.join(HERE, "..", "..", "..", "shared", "data")
DEVSET = os.environ.get("DEVSET_DIR", os.path.join(HERE, "devset"))


def rank(x):
    order = sorted(range(len(x)), key=x.__getitem__)
    r = [0.0] * len(x)
    i = 0
    while i < len(x):
        j = i
        while j + 1 < len(x) and x[order[j + 1]] == x[order[i]]:
            j += 1
        for k in range(i, j + 1):
            r[order[k]] = (i + j) / 2
        i = j + 1
    return r


def spearman(pairs):
    if len(pairs) < 3 or len({a for a, _ in pairs}) < 2:
        return float("nan")
    ra, rb = rank([a for a, _ in pairs]), rank([b for _, b in pairs])
    ma, mb = sum(ra) / len(ra), sum(rb) / len(rb)
    num = sum((x - ma) * (y - mb) for x, y in zip(ra, rb))
    den = math.sqrt(sum((x - ma) ** 2 for x in ra) * sum((y - mb) ** 2 for y in rb))
    return num / den if den else float("nan")


def score(binary, src, tmp):
    out = os.path.join(tmp, "i.csv")
    subprocess.run([binary, "score", src, "--lang", "en", "-q", "-o", out], check=True)
    return list(csv.DictReader(open(out, encoding="utf-8")))


def report(name, rows, rating):
    rows = [r for r in rows if r["interaction_id"] in rating]
    effort = [(float(r["effort"]), rating[r["interaction_id"]]) for r in rows if r["effort"]]
    marked = [(r["resolved"] == "true", rating[r["interaction_id"]]) for r in rows if r["resolved"]]
    yes = [g for v, g in marked if v]
    no = [g for v, g in marked if not v]
    mean = lambda x: f"{sum(x) / len(x):.2f}" if x else "-"
    print(f"{name:<10} n={len(rows):5}  effort {spearman(effort):+.3f}  "
          f"resolved true {len(yes)} ({mean(yes)})  false {len(no)} ({mean(no)})  "
          f"Spearman {spearman([(float(v), g) for v, g in marked]):+.3f}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default="target/release/peakend")
    ap.add_argument("--list", action="store_true", help="print the development set's rows")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        labels = os.path.join(USS, "uss.labels.csv")
        if os.path.exists(labels):
            overall = {r["interaction_id"]: float(r["overall"]) for r in csv.DictReader(open(labels))}
            for s in ["sgd", "mwoz", "redial", "ccpe"]:
                report("uss-" + s, score(args.binary, os.path.join(USS, f"uss_{s}.csv"), tmp), overall)
        else:
            print("skipped USS: no", labels)
        labels = os.path.join(DEVSET, "en_dialogue_labels.csv")
        if not os.path.exists(labels):
            print("skipped the development set: no", labels)
            return
        lab = list(csv.DictReader(open(labels)))
        sat = {r["interaction_id"]: float(r["satisfaction"]) for r in lab if r["satisfaction"]}
        rows = score(args.binary, os.path.join(DEVSET, "en_dialogues.csv"), tmp)
        report("devset", rows, sat)
        gold = {r["interaction_id"]: r["resolved"] or "disagree" for r in lab}
        table = collections.Counter((r["resolved"] or "empty", gold.get(r["interaction_id"], "-")) for r in rows)
        print("devset resolved (peakend, label):", dict(sorted(table.items())))
        if args.list:
            for r in rows:
                i = r["interaction_id"]
                print(i, r["resolved"], gold.get(i), sat.get(i), r["effort"], r["resolution_terms"], r["effort_terms"], sep="\t")


if __name__ == "__main__":
    main()
