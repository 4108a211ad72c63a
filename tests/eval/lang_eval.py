#!/usr/bin/env python3
"""Languages on the blind-labelled development set (tests/eval/devset, see its README.md).

Usage (from the project root, after `cargo build --release`):
    python3 tests/eval/lang_eval.py [--bin target/release/peakend]

Per language, from the engine's own output (nothing cached):
  - detection: share of the one-line messages of ml_lines.csv, each scored as its own
    interaction with `--lang auto` and no language column, detected in their language;
  - sign: share of the messages with an agreed polarity whose valence sign matches it
    (valence >= 0.05 positive, <= -0.05 negative, else neutral), with `--lang auto` and with
    the language given (`language` column);
  - per turn: share of the turns of the conversations of ml_dialogues.csv (all speakers; the 18
    turns labelled `mixed` left out) whose `language` column is the language they are written
    in, with `--lang auto` and no language column: the 70 one-language conversations and the
    30 code-switched ones (`cs-*`) apart;
  - emotion: share of the messages with an agreed emotion whose dominant `emotion` is it
    (language given; `neutral` included);
  - sign per turn: customer turns of ml_turn_labels.csv with an agreed polarity (and their
    dominant emotion against an agreed emotion, all languages together);
  - emotion per category (all languages, one-line messages, language given): recall, precision
    and F1 of each agreed label, and the macro-F1 over the seven customer categories.
"""
import csv, os, subprocess, sys, tempfile
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
DEV = os.path.join(HERE, "devset")


def run(binary, rows, header, tmp, extra=()):
    src, ix, turns = (os.path.join(tmp, n) for n in ("in.csv", "ix.csv", "turns.csv"))
    with open(src, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    subprocess.run([binary, "score", src, "-q", "-o", ix, "--turns", turns, *extra], check=True)
    return (list(csv.DictReader(open(ix, encoding="utf-8"))),
            list(csv.DictReader(open(turns, encoding="utf-8"))))


def sign(v):
    v = float(v)
    return 1 if v >= 0.05 else -1 if v <= -0.05 else 0


def share(right, total):
    return f"{right}/{total} = {right / total:.3f}" if total else "-"


def main():
    args = sys.argv[1:]
    binary = args[args.index("--bin") + 1] if "--bin" in args else "target/release/peakend"
    lines = list(csv.DictReader(open(os.path.join(DEV, "ml_lines.csv"), encoding="utf-8")))
    dialogues = list(csv.DictReader(open(os.path.join(DEV, "ml_dialogues.csv"), encoding="utf-8")))
    labels = {(r["interaction_id"], r["turn"]): r for r in
              csv.DictReader(open(os.path.join(DEV, "ml_turn_labels.csv"), encoding="utf-8"))}
    langs = sorted({r["language"] for r in lines})
    with tempfile.TemporaryDirectory() as tmp:
        auto_ix, auto_turns = run(binary, [(r["id"], "customer", r["text"]) for r in lines],
                                  ["interaction_id", "speaker", "text"], tmp)
        _, given_turns = run(binary, [(r["id"], "customer", r["text"], r["language"]) for r in lines],
                             ["interaction_id", "speaker", "text", "language"], tmp)
        dia_ix, dia_turns = run(binary, [(r["interaction_id"], r["turn"], r["speaker"], r["text"]) for r in dialogues],
                           ["interaction_id", "turn", "speaker", "text"], tmp)
    detected = {r["interaction_id"]: r["language"] for r in auto_ix}
    auto_v = {r["interaction_id"]: r["valence"] for r in auto_turns}
    given_v = {r["interaction_id"]: r["valence"] for r in given_turns}
    given_e = {r["interaction_id"]: r["emotion"] for r in given_turns}
    stats = defaultdict(lambda: defaultdict(int))
    per_emotion = defaultdict(lambda: defaultdict(int))
    for r in lines:
        s = stats[r["language"]]
        s["lines"] += 1
        s["detected"] += detected[r["id"]] == r["language"]
        if r["polarity"] != "":
            s["labelled"] += 1
            s["sign_auto"] += sign(auto_v[r["id"]]) == int(r["polarity"])
            s["sign_given"] += sign(given_v[r["id"]]) == int(r["polarity"])
        if r["emotion"] != "":
            s["emotion_labelled"] += 1
            s["emotion_right"] += given_e[r["id"]] == r["emotion"]
            per_emotion[r["emotion"]]["gold"] += 1
            per_emotion[given_e[r["id"]]]["said"] += 1
            per_emotion[r["emotion"]]["right"] += given_e[r["id"]] == r["emotion"]
    gold_lang = {(r["interaction_id"], r["turn"]): r["language"] for r in dialogues}
    # A build without the per-turn column: every turn in its interaction's language.
    ix_lang = {r["interaction_id"]: r["language"] for r in dia_ix}
    for t in dia_turns:
        t.setdefault("language", ix_lang[t["interaction_id"]])
    for t in dia_turns:
        key = (t["interaction_id"], t["turn"])
        gold = gold_lang[key]
        kind = "cs" if t["interaction_id"].startswith("cs-") else "mono"
        if gold != "mixed":
            s = stats[gold]
            s[f"{kind}_turns"] += 1
            s[f"{kind}_right"] += t["language"] == gold
        lab = labels.get(key)
        if lab and lab["polarity"] != "":
            s = stats[lab["language"]]
            s["turn_labelled"] += 1
            s["turn_sign"] += sign(t["valence"]) == int(lab["polarity"])
        if lab and lab["emotion"] != "":
            stats["all"]["turn_emotion_labelled"] += 1
            stats["all"]["turn_emotion"] += t["emotion"] == lab["emotion"]
    print("| language | detection, one line (auto) | sign, one line (auto) | sign, one line (language given) "
          "| emotion, one line (language given) | turn language, one-language calls | turn language, code-switched calls "
          "| sign, dialogue turns (auto) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    total = defaultdict(int)
    turn_emotion = share(stats["all"]["turn_emotion"], stats["all"]["turn_emotion_labelled"])
    del stats["all"]
    for lang in langs + sorted(set(stats) - set(langs)):
        s = stats[lang]
        for k, v in s.items():
            total[k] += v
        print(f"| {lang} | {share(s['detected'], s['lines'])} | {share(s['sign_auto'], s['labelled'])} "
              f"| {share(s['sign_given'], s['labelled'])} | {share(s['emotion_right'], s['emotion_labelled'])} "
              f"| {share(s['mono_right'], s['mono_turns'])} "
              f"| {share(s['cs_right'], s['cs_turns'])} | {share(s['turn_sign'], s['turn_labelled'])} |")
    s = total
    print(f"| all | {share(s['detected'], s['lines'])} | {share(s['sign_auto'], s['labelled'])} "
          f"| {share(s['sign_given'], s['labelled'])} | {share(s['emotion_right'], s['emotion_labelled'])} "
              f"| {share(s['mono_right'], s['mono_turns'])} "
          f"| {share(s['cs_right'], s['cs_turns'])} | {share(s['turn_sign'], s['turn_labelled'])} |")

    print()
    print(f"Emotion of the dialogues' customer turns (auto, agreed labels): {turn_emotion}")
    print()
    print("| emotion (one line, language given) | agreed | recall | precision | F1 |")
    print("|---|---:|---:|---:|---:|")
    f1s = []
    for e in ["anger", "frustration", "disappointment", "anxiety", "confusion", "happiness", "gratitude", "neutral"]:
        c = per_emotion[e]
        recall = c["right"] / c["gold"] if c["gold"] else 0.0
        precision = c["right"] / c["said"] if c["said"] else 0.0
        f1 = 2 * recall * precision / (recall + precision) if recall + precision else 0.0
        if e != "neutral":
            f1s.append(f1)
        print(f"| {e} | {c['gold']} | {recall:.2f} | {precision:.2f} | {f1:.2f} |")
    print(f"| macro-F1, 7 customer categories | | | | {sum(f1s) / len(f1s):.3f} |")


if __name__ == "__main__":
    main()
