#!/usr/bin/env python3
"""Emotion and peak-end figures of peakend on the blind-labelled development set (tests/eval/devset).

Usage (from the project root, after `cargo build --release`):
    python3 tests/eval/devset_eval.py [--bin target/release/peakend] [-- extra score options]

Only the agreed labels (both passes the same) are used; the counts are printed.
  - per category: recall, precision; macro-F1 over the 7 customer categories (neutral is
    scored as a class for recall/precision but left out of the macro average);
  - English conversations (when en_dialogues.csv is present): Spearman of remembered / end /
    trend / experienced against the agreed satisfaction, and bad_ending against resolved = no;
  - one-line messages and dialogues in the other languages: the same emotion figures, and
    the sign of valence against the agreed polarity.
The set is our own data, written and labelled for the project (see devset/README.md).
"""
import csv, math, os, subprocess, sys, tempfile

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "devset")
CUSTOMER = ["anger", "frustration", "disappointment", "anxiety", "confusion", "happiness", "gratitude"]


def rank(x):
    order = sorted(range(len(x)), key=x.__getitem__); r = [0.0] * len(x); i = 0
    while i < len(x):
        j = i
        while j + 1 < len(x) and x[order[j + 1]] == x[order[i]]: j += 1
        for k in range(i, j + 1): r[order[k]] = (i + j) / 2
        i = j + 1
    return r


def spearman(a, b):
    ra, rb = rank(a), rank(b); ma, mb = sum(ra) / len(ra), sum(rb) / len(rb)
    num = sum((x - ma) * (y - mb) for x, y in zip(ra, rb))
    den = math.sqrt(sum((x - ma) ** 2 for x in ra) * sum((y - mb) ** 2 for y in rb))
    return num / den if den else float("nan")


def score(binary, rows, tmp, extra, lang_col=True):
    """Scores `rows` (dicts with interaction_id, turn, speaker, text[, language]); returns
    (interactions by id, turns by (id, turn))."""
    src, i, t = (os.path.join(tmp, n) for n in ("in.csv", "i.csv", "t.csv"))
    with open(src, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        cols = ["interaction_id", "turn", "speaker", "text"] + (["language"] if lang_col else [])
        w.writerow(cols)
        for r in rows:
            w.writerow([r.get(c, "") for c in cols])
    subprocess.run([binary, "score", src, "-q", "-o", i, "--turns", t, *extra], check=True)
    inter = {r["interaction_id"]: r for r in csv.DictReader(open(i, encoding="utf-8"))}
    turns = {(r["interaction_id"], r["turn"]): r for r in csv.DictReader(open(t, encoding="utf-8"))}
    return inter, turns


def emotion_report(name, gold, pred):
    """Prints recall/precision per category and the macro-F1 over the customer categories."""
    pairs = [(g, p or "neutral") for g, p in zip(gold, pred)]
    pairs = [(g, "neutral" if p in ("empathy", "apology") else p) for g, p in pairs]
    f1s, cells = [], []
    for c in CUSTOMER + ["neutral"]:
        tp = sum(g == c and p == c for g, p in pairs); fp = sum(g != c and p == c for g, p in pairs)
        fn = sum(g == c and p != c for g, p in pairs)
        pr = tp / (tp + fp) if tp + fp else 0.0; rc = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * pr * rc / (pr + rc) if pr + rc else 0.0
        if c != "neutral": f1s.append(f1)
        cells.append(f"{c} {tp}/{tp + fn} r={rc:.2f} p={pr:.2f}")
    macro = sum(f1s) / len(f1s)
    print(f"{name}: {len(pairs)} agreed items, emotion macro-F1 (7 customer categories) {macro:.3f}")
    print("   " + "; ".join(cells))
    return macro


def polarity_report(name, gold, valence):
    sign = lambda v: 1 if v > 0.05 else (-1 if v < -0.05 else 0)
    pairs = [(int(g), sign(v)) for g, v in zip(gold, valence)]
    acc = sum(g == p for g, p in pairs) / len(pairs)
    print(f"{name}: polarity accuracy {acc:.3f} over {len(pairs)} agreed items "
          f"(Spearman valence~polarity {spearman([float(v) for v in valence], [float(g) for g in gold]):.3f})")


def read(name):
    path = os.path.join(HERE, name)
    return list(csv.DictReader(open(path, encoding="utf-8"))) if os.path.exists(path) else None


def main():
    args = sys.argv[1:]; extra = []
    if "--" in args: extra = args[args.index("--") + 1:]; args = args[:args.index("--")]
    binary = args[args.index("--bin") + 1] if "--bin" in args else "target/release/peakend"
    with tempfile.TemporaryDirectory() as tmp:
        en, en_labels, en_conv = read("en_dialogues.csv"), read("en_turn_labels.csv"), read("en_dialogue_labels.csv")
        if en and en_labels:
            inter, turns = score(binary, en, tmp, ["--lang", "en", *extra], lang_col=False)
            agreed = [r for r in en_labels if r["emotion"]]
            gold = [r["emotion"] for r in agreed]
            pred = [turns[(r["interaction_id"], r["turn"])]["emotion"] for r in agreed]
            emotion_report("English customer turns", gold, pred)
            pol = [r for r in en_labels if r.get("polarity")]
            polarity_report("English customer turns", [r["polarity"] for r in pol],
                            [float(turns[(r["interaction_id"], r["turn"])]["valence"]) for r in pol])
            if en_conv:
                sat = [r for r in en_conv if r.get("satisfaction") and r["interaction_id"] in inter]
                line = []
                for c in ["remembered", "end", "trend", "experienced", "peak"]:
                    xs = [(float(inter[r["interaction_id"]][c]), float(r["satisfaction"])) for r in sat
                          if inter[r["interaction_id"]].get(c) not in (None, "")]
                    line.append(f"{c} {spearman(*zip(*xs)):.3f}" if xs else f"{c} -")
                print(f"English conversations: Spearman against satisfaction over {len(sat)} agreed: " + ", ".join(line))
                res = [r for r in en_conv if r.get("resolved") in ("yes", "no") and r["interaction_id"] in inter]
                if res:
                    tp = sum(r["resolved"] == "no" and inter[r["interaction_id"]]["bad_ending"] == "true" for r in res)
                    fp = sum(r["resolved"] == "yes" and inter[r["interaction_id"]]["bad_ending"] == "true" for r in res)
                    no = sum(r["resolved"] == "no" for r in res)
                    print(f"English conversations: bad_ending on {tp}/{no} unresolved, on {fp}/{len(res) - no} resolved "
                          f"(agreed resolved yes/no: {len(res)})")
        else:
            print("English set not present (en_dialogues.csv, en_turn_labels.csv)")

        lines = read("ml_lines.csv")
        if lines:
            rows = [{"interaction_id": r["id"], "turn": "1", "speaker": "customer", "text": r["text"],
                     "language": r["language"]} for r in lines]
            _, turns = score(binary, rows, tmp, extra)
            for lang in sorted({r["language"] for r in lines}) + ["all"]:
                sel = [r for r in lines if r["emotion"] and lang in ("all", r["language"])]
                if lang == "all":
                    emotion_report("one-line messages, all 7 languages", [r["emotion"] for r in sel],
                                   [turns[(r["id"], "1")]["emotion"] for r in sel])
                    pol = [r for r in lines if r["polarity"]]
                    polarity_report("one-line messages, all 7 languages", [r["polarity"] for r in pol],
                                    [float(turns[(r["id"], "1")]["valence"]) for r in pol])
                else:
                    pairs = [(r["emotion"], turns[(r["id"], "1")]["emotion"] or "neutral") for r in sel]
                    hits = sum(g == p for g, p in pairs)
                    print(f"   {lang}: emotion exact {hits}/{len(pairs)}")
        dia, dia_labels = read("ml_dialogues.csv"), read("ml_turn_labels.csv")
        if dia and dia_labels:
            rows = [dict(r, language="" if r["language"] == "mixed" else r["language"]) for r in dia]
            _, turns = score(binary, rows, tmp, extra)
            agreed = [r for r in dia_labels if r["emotion"]]
            emotion_report("dialogue customer turns, other languages and code-switched",
                           [r["emotion"] for r in agreed],
                           [turns[(r["interaction_id"], r["turn"])]["emotion"] for r in agreed])


if __name__ == "__main__":
    main()
