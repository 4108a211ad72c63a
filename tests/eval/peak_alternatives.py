#!/usr/bin/env python3
"""Which customer turn should be the peak? Alternatives compared on two kinds of data.

Usage (from the project root, after `cargo build --release`):
    python3 tests/eval/peak_alternatives.py [--bin target/release/peakend]

Scores the English development set (tests/eval/devset: 233 conversations with an agreed
satisfaction) and the four USS sets (../shared/data, skipped when absent) once, then recomputes
`remembered` = (peak + end) / 2 from the per-turn valences and emotions for each peak rule, the
end being the engine's own, and prints the Spearman correlation with the conversation's rating,
with a paired bootstrap interval of each rule against the engine's default (arousal).
"""
import csv, os, random, subprocess, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from devset_eval import spearman  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.path.join(ROOT, "..", "shared", "data")
EMO = ["anger", "frustration", "disappointment", "anxiety", "confusion", "happiness", "gratitude"]
AROUSED_NEG, AROUSED_POS = ["anger", "frustration", "anxiety"], ["happiness"]


def biased(t, b):
    return abs(t["v"]) * (b if t["v"] < 0 else 1)


def most(ts, key):
    return max(ts, key=key)["v"]  # max keeps the first on ties


def threshold(ts, thr, b=1.1):
    worst = min(ts, key=lambda t: t["v"])
    return worst["v"] if worst["v"] <= thr else most(ts, lambda t: biased(t, b))


def arousal(t):
    neg = max(t[c] for c in AROUSED_NEG); pos = max(t[c] for c in AROUSED_POS)
    return neg - pos if t["v"] < 0 else pos - neg


RULES = [  # (name, peak valence of the customer turns)
    ("|v| x 1.1, worst turn if <= -0.75 (before)", lambda ts: threshold(ts, -0.75)),
    ("|v| x 1.1 (no threshold)", lambda ts: most(ts, lambda t: biased(t, 1.1))),
    ("|v| x 1.5", lambda ts: most(ts, lambda t: biased(t, 1.5))),
    ("|v| x 2", lambda ts: most(ts, lambda t: biased(t, 2.0))),
    ("|v| x 1.1, worst turn if <= -0.5", lambda ts: threshold(ts, -0.5)),
    ("worst turn always (min)", lambda ts: min(t["v"] for t in ts)),
    ("|v| x 1.1 + 0.25 arousal", lambda ts: most(ts, lambda t: biased(t, 1.1) + 0.25 * arousal(t))),
    ("|v| x 1.1 + 0.5 arousal (default)", lambda ts: most(ts, lambda t: biased(t, 1.1) + 0.5 * arousal(t))),
    ("|v| x 1.1 + 0.75 arousal", lambda ts: most(ts, lambda t: biased(t, 1.1) + 0.75 * arousal(t))),
    ("|v| x 1.5 + 0.5 arousal", lambda ts: most(ts, lambda t: biased(t, 1.5) + 0.5 * arousal(t))),
    ("(reference: mean valence in place of a peak)", lambda ts: sum(t["v"] for t in ts) / len(ts)),
]
DEFAULT = 7


def run(binary, src, tmp, name):
    i, t = os.path.join(tmp, name + "_i.csv"), os.path.join(tmp, name + "_t.csv")
    subprocess.run([binary, "score", src, "--lang", "en", "-q", "-o", i, "--turns", t], check=True)
    ends = {r["interaction_id"]: float(r["end"]) for r in csv.DictReader(open(i, encoding="utf-8")) if r["end"]}
    conv = {}
    for r in csv.DictReader(open(t, encoding="utf-8")):
        if r["speaker"] == "customer":
            conv.setdefault(r["interaction_id"], []).append(dict(v=float(r["valence"]), **{e: float(r[e]) for e in EMO}))
    return ends, conv


def main():
    args = sys.argv[1:]
    binary = args[args.index("--bin") + 1] if "--bin" in args else "target/release/peakend"
    gold, sets = {}, []
    with tempfile.TemporaryDirectory() as tmp:
        dev = os.path.join(tmp, "dev.csv")
        with open(dev, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f); w.writerow(["interaction_id", "turn", "speaker", "text"])
            for r in csv.DictReader(open(os.path.join(ROOT, "tests/eval/devset/en_dialogues.csv"), encoding="utf-8")):
                w.writerow([r["interaction_id"], r["turn"], r["speaker"], r["text"]])
        for r in csv.DictReader(open(os.path.join(ROOT, "tests/eval/devset/en_dialogue_labels.csv"), encoding="utf-8")):
            if r["satisfaction"]: gold[r["interaction_id"]] = float(r["satisfaction"])
        sets.append(("devset", *run(binary, dev, tmp, "dev")))
        if os.path.exists(os.path.join(DATA, "uss.labels.csv")):
            for r in csv.DictReader(open(os.path.join(DATA, "uss.labels.csv"))): gold[r["interaction_id"]] = float(r["overall"])
            for s in ["sgd", "mwoz", "redial", "ccpe"]:
                sets.append((s, *run(binary, os.path.join(DATA, f"uss_{s}.csv"), tmp, s)))
    random.seed(13)
    print("| peak rule | " + " | ".join(s[0] for s in sets) + " | USS mean |")
    print("|---|" + "---:|" * (len(sets) + 1))
    table = {}
    for n, (name, rule) in enumerate(RULES):
        cells, uss = [], []
        for s, ends, conv in sets:
            ids = [i for i in conv if i in gold and i in ends]
            rem = [(rule(conv[i]) + ends[i]) / 2 for i in ids]
            g = [gold[i] for i in ids]
            table[(n, s)] = (ids, rem, g)
            rho = spearman(rem, g); cell = f"{rho:.3f}"
            if n != DEFAULT:  # paired bootstrap of the difference to the default
                _, dflt, _ = table.get((DEFAULT, s)) or (None, [(RULES[DEFAULT][1](conv[i]) + ends[i]) / 2 for i in ids], None)
                diffs = []
                for _ in range(200):
                    k = [random.randrange(len(ids)) for _ in ids]
                    gk = [g[j] for j in k]
                    diffs.append(spearman([rem[j] for j in k], gk) - spearman([dflt[j] for j in k], gk))
                diffs.sort(); cell += f" [{diffs[5]:+.3f}, {diffs[194]:+.3f}]"
            cells.append(cell)
            if s != "devset": uss.append(rho)
        mean = f"{sum(uss) / len(uss):.3f}" if uss else "-"
        label = name.replace("|", "\\|")
        print(f"| {label} | " + " | ".join(cells) + f" | {mean} |")


if __name__ == "__main__":
    main()
