#!/usr/bin/env python3
"""Per-turn `emotion` against DailyDialog's utterance labels.

Converts ../shared/data/dailydialog_utterances.tsv (never copied into the
repo) into peakend's CSV input in a temporary folder (interaction_id =
dialogue_id, turn = utt_idx, speaker user -> customer, system -> agent; both
are people, every turn is scored), runs `peakend score --turns`, and compares
the per-turn `emotion` with the gold labels after mapping both to one set:

    gold          ours
    happiness  <- happiness, gratitude
    anger      <- anger, frustration
    sadness    <- disappointment
    fear       <- anxiety
    neutral    <- neutral, confusion, empathy, apology   (gold "no emotion")
    surprise, disgust: no counterpart; shown, excluded from every metric

It prints the gold distribution, precision / recall / F1 / support per class,
accuracy, macro-F1 over the 4 emotions and over the 5 classes with neutral,
and confusion matrices; the same for a valence-only baseline from the same
per-turn CSV (valence >= 0.05 happiness, <= -0.05 anger, else neutral); and,
with --threshold-sweep, macro-F1 of the dominant emotion re-derived from the
per-category intensity columns for several thresholds. Usage:

    python3 tests/eval/dailydialog_emotion.py [--binary target/release/peakend]
        [--data ../shared/data] [--split all|train|validation|test]
        [--threshold-sweep] [-- extra peakend score flags]

Prints 'skipped: ...' and exits 0 when the data file is absent.
"""
import argparse
import collections
import csv
import os
import subprocess
import sys
import tempfile

DATA_FILE = "dailydialog_utterances.tsv"
GOLD_LABELS = ["no emotion", "happiness", "surprise", "sadness", "anger", "disgust", "fear"]
GOLD_MAP = {"no emotion": "neutral", "happiness": "happiness", "sadness": "sadness", "anger": "anger", "fear": "fear"}
UNMAPPED = ["surprise", "disgust"]
CATEGORIES = ["anger", "frustration", "disappointment", "anxiety", "confusion", "happiness", "gratitude", "empathy", "apology"]
OURS = ["neutral"] + CATEGORIES
OURS_MAP = {
    "neutral": "neutral", "confusion": "neutral", "empathy": "neutral", "apology": "neutral",
    "happiness": "happiness", "gratitude": "happiness",
    "anger": "anger", "frustration": "anger",
    "disappointment": "sadness",
    "anxiety": "fear",
}
EMOTIONS = ["happiness", "anger", "sadness", "fear"]
CLASSES = EMOTIONS + ["neutral"]
THRESHOLDS = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]


def read_gold(path, split):
    """[(interaction_id, turn, speaker, gold_label, text)] in file order."""
    rows = []
    with open(path, newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            if split != "all" and r["split"] != split:
                continue
            if r["emotion"] not in GOLD_LABELS:
                sys.exit(f"{path}: unknown emotion label {r['emotion']!r}")
            speaker = {"user": "customer", "system": "agent"}[r["speaker"]]
            rows.append((r["dialogue_id"], int(r["utt_idx"]), speaker, r["emotion"], r["utterance"]))
    return rows


def write_input(rows, path):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["interaction_id", "turn", "speaker", "text"])
        for iid, turn, speaker, _, text in rows:
            w.writerow([iid, turn, speaker, text])


def read_turns(path):
    """(header, {(interaction_id, turn): row dict})."""
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        turns = {(r["interaction_id"], int(r["turn"])): r for r in reader}
        return reader.fieldnames or [], turns


def dominant(row, threshold):
    best, best_v = None, -1.0
    for c in CATEGORIES:
        v = float(row[c] or 0)
        if v > best_v:  # strict: ties keep the earlier category
            best, best_v = c, v
    return best if best_v >= threshold else "neutral"


def valence_label(row):
    v = float(row["valence"])
    return "happiness" if v >= 0.05 else "anger" if v <= -0.05 else "neutral"


def metrics(pairs):
    """pairs: [(gold class, predicted class)] over mapped gold only."""
    tp, n_pred, n_gold = collections.Counter(), collections.Counter(), collections.Counter()
    for g, p in pairs:
        n_gold[g] += 1
        n_pred[p] += 1
        tp[g] += g == p
    per = {}
    for c in CLASSES:
        prec = tp[c] / n_pred[c] if n_pred[c] else 0.0
        rec = tp[c] / n_gold[c] if n_gold[c] else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        per[c] = (prec, rec, f1, n_gold[c], n_pred[c])
    acc = sum(tp.values()) / len(pairs) if pairs else 0.0
    m4 = sum(per[c][2] for c in EMOTIONS) / len(EMOTIONS)
    m5 = sum(per[c][2] for c in CLASSES) / len(CLASSES)
    return per, acc, m4, m5


def table(header, rows, align=None):
    align = align or ["---"] + ["---:"] * (len(header) - 1)
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join(align) + "|")
    for r in rows:
        print("| " + " | ".join(str(x) for x in r) + " |")
    print()


def report(name, gold, pred):
    """gold: raw gold labels; pred: mapped predicted classes (same order)."""
    pairs = [(GOLD_MAP[g], p) for g, p in zip(gold, pred) if g in GOLD_MAP]
    per, acc, m4, m5 = metrics(pairs)
    print(f"### {name}\n")
    table(["class", "precision", "recall", "F1", "support", "predicted"],
          [(c, f"{per[c][0]:.3f}", f"{per[c][1]:.3f}", f"{per[c][2]:.3f}", per[c][3], per[c][4]) for c in CLASSES])
    conf = collections.Counter(zip(gold, pred))
    rows = []
    for g in GOLD_LABELS:
        tot = sum(conf[g, p] for p in CLASSES)
        label = GOLD_MAP.get(g, g + " (unmapped)")
        rows.append([label] + [conf[g, p] for p in CLASSES] + [tot])
    print("Confusion (rows gold, columns ours mapped; unmapped rows are not in any metric):\n")
    table(["gold \\ ours"] + CLASSES + ["total"], rows)
    return acc, m4, m5


def raw_distribution(gold, raw):
    conf = collections.Counter(zip(gold, raw))
    labels = OURS + sorted({r for r in raw if r not in OURS})
    print("Ours, raw labels, by gold label (row shares):\n")
    rows = []
    for g in GOLD_LABELS:
        tot = sum(conf[g, p] for p in labels)
        rows.append([g] + [f"{conf[g, p] / tot:.1%}" if tot else "-" for p in labels] + [tot])
    table(["gold \\ ours"] + labels + ["n"], rows)


def main():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--binary", default=os.path.join(root, "target", "release", "peakend"))
    ap.add_argument("--data", default=os.path.join(root, "..", "shared", "data"))
    ap.add_argument("--split", default="all", choices=["all", "train", "validation", "test"])
    ap.add_argument("--threshold-sweep", action="store_true",
                    help="macro-F1 of the dominant emotion re-derived from the intensity columns per threshold")
    ap.add_argument("--turns-csv", help=argparse.SUPPRESS)  # testing: use this per-turn CSV, do not run the binary
    ap.add_argument("extra", nargs="*", help="extra flags for peakend score (after --)")
    args = ap.parse_args()

    path = os.path.join(args.data, DATA_FILE)
    if not os.path.isfile(path):
        print(f"skipped: {path} not found")
        return
    rows = read_gold(path, args.split)

    if args.turns_csv:
        header, turns = read_turns(args.turns_csv)
    else:
        if not os.path.isfile(args.binary):
            sys.exit(f"{args.binary} not found: build it (cargo build --release) or pass --binary")
        with tempfile.TemporaryDirectory() as tmp:
            inp = os.path.join(tmp, "dailydialog.csv")
            write_input(rows, inp)
            cmd = [args.binary, "score", "-q", inp, "-o", os.path.join(tmp, "ix.csv"),
                   "--turns", os.path.join(tmp, "turns.csv"), *args.extra]
            subprocess.run(cmd, check=True)
            header, turns = read_turns(os.path.join(tmp, "turns.csv"))

    missing = [r for r in rows if (r[0], r[1]) not in turns]
    rows = [r for r in rows if (r[0], r[1]) in turns]
    matched = [turns[r[0], r[1]] for r in rows]
    gold = [r[3] for r in rows]

    n_unmapped = sum(g in UNMAPPED for g in gold)
    print(f"## DailyDialog emotion ({args.split}): {len(rows)} utterances, {len(set(r[0] for r in rows))} dialogues\n")
    if missing:
        print(f"WARNING: {len(missing)} gold utterances have no row in the per-turn CSV; left out.\n")
    gcount = collections.Counter(gold)
    table(["gold label", "n", "share", "compared with ours"],
          [(g, gcount[g], f"{gcount[g] / len(gold):.2%}",
            " + ".join(k for k, v in OURS_MAP.items() if v == GOLD_MAP[g]) if g in GOLD_MAP else "unmapped: excluded")
           for g in GOLD_LABELS], ["---", "---:", "---:", "---"])
    print(f"Metrics are over the {len(rows) - n_unmapped} utterances with a mapped gold label; surprise and "
          f"disgust ({n_unmapped}) have no counterpart and are excluded from every figure (shown in the confusion "
          f"matrices only). Macro-F1 (4) averages happiness, anger, sadness, fear; (5) adds neutral. Classes a "
          f"scorer never predicts count F1 = 0.\n")

    summary = []
    neutral_share = gcount["no emotion"] / (len(rows) - n_unmapped) if len(rows) > n_unmapped else 0.0
    summary.append(("always neutral (reference)", neutral_share, 0.0, (2 * neutral_share / (1 + neutral_share)) / 5))

    has_emotion = "emotion" in header
    if has_emotion:
        raw = [t["emotion"] for t in matched]
        unknown = collections.Counter(x for x in raw if x not in OURS_MAP)
        if unknown:
            print(f"WARNING: unknown emotion values counted as neutral: {dict(unknown)}\n")
        pred = [OURS_MAP.get(x, "neutral") for x in raw]
        summary.append(("peakend `emotion`",) + report("peakend `emotion`", gold, pred))
        raw_distribution(gold, raw)
    else:
        print("The per-turn CSV has no `emotion` column (binary without emotion scoring): valence baseline only.\n")
    summary.append(("valence baseline (±0.05)",) + report("valence baseline (valence >= 0.05 happiness, <= -0.05 anger)",
                                                          gold, [valence_label(t) for t in matched]))

    print("### Summary\n")
    table(["scorer", "accuracy", "macro-F1 (4 emotions)", "macro-F1 (5 with neutral)"],
          [(n, f"{a:.3f}", f"{m4:.3f}", f"{m5:.3f}") for n, a, m4, m5 in summary])

    if args.threshold_sweep:
        absent = [c for c in CATEGORIES if c not in header]
        if absent:
            print(f"Threshold sweep skipped: the per-turn CSV lacks intensity columns {', '.join(absent)}.\n")
            return
        print("### Threshold sweep (dominant = first argmax category if its intensity >= threshold, else neutral)\n")
        out = []
        for th in THRESHOLDS:
            pred = [OURS_MAP[dominant(t, th)] for t in matched]
            _, acc, m4, m5 = metrics([(GOLD_MAP[g], p) for g, p in zip(gold, pred) if g in GOLD_MAP])
            share = sum(p != "neutral" for p in pred) / len(pred)
            out.append((f"{th:.1f}", f"{acc:.3f}", f"{m4:.3f}", f"{m5:.3f}", f"{share:.1%}"))
        table(["threshold", "accuracy", "macro-F1 (4)", "macro-F1 (5)", "non-neutral share"], out)


if __name__ == "__main__":
    main()
