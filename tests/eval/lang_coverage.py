#!/usr/bin/env python3
"""Lexicon coverage on real text: per language, the share of content words (running words of
three letters or more that are not function words) that the language's lexicon knows, by surface
form or stem, with a valence or an emotion cue.

Text: the conversations of chatterbot-corpus 1.3.3 (PyPI, BSD-3-Clause; written dialogue in
French, German, Spanish, Italian, Portuguese and Dutch; it has no Romanian), or any plain text
given as LANG=FILE (one sentence per line).

Usage (from the project root, after `cargo build --release`):
    python3 tests/eval/lang_coverage.py [--bin target/release/peakend] [--corpus DIR] [LANG=FILE ...]

DIR is the unpacked chatterbot-corpus wheel (`pip download --no-deps chatterbot-corpus==1.3.3`,
then unzip); without it the script downloads it into a temporary folder with pip.
Each distinct word is scored alone with `--lang LANG`; it is known when the per-turn `terms` or
`emotion_terms` name it. "In context" scores each line whole instead: a running content word counts
when a term or emotion cue of its line (a word, or a phrase such as "ne marche toujours pas")
contains it, so phrases count too. The engine decides; nothing is cached.
"""
import csv, glob, os, re, subprocess, sys, tempfile, zipfile
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CHATTERBOT = {"fr": "french", "de": "german", "es": "spanish", "it": "italian",
              "pt": "portuguese", "nl": "dutch"}
WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")


def function_words():
    words = set()
    for line in open(os.path.join(ROOT, "lexicons", "stopwords.tsv"), encoding="utf-8"):
        if "\t" in line and not line.startswith("#"):
            words.add(line.split("\t")[1].strip())
    return words


def chatterbot_lines(corpus, folder):
    lines = []
    for path in sorted(glob.glob(os.path.join(corpus, "chatterbot_corpus", "data", folder, "*.yml"))):
        for raw in open(path, encoding="utf-8"):
            s = raw.strip()
            if s.startswith("- - ") or s.startswith("- "):
                lines.append(s.lstrip("- ").strip().strip("'\""))
    return lines


def content_words(lines, stop):
    counts = Counter()
    for line in lines:
        for w in WORD.findall(line.lower().replace("’", "'")):
            # Elided articles (l'attente, dell'ordine): the word after the apostrophe.
            w = w.split("'")[-1]
            if len(w) >= 3 and w not in stop:
                counts[w] += 1
    return counts


def score_lines(binary, lang, texts, tmp):
    """The per-turn row of each of `texts`, scored alone as a customer turn with `--lang LANG`
    (None for a text the engine rejected), in the order of `texts`."""
    src, turns = os.path.join(tmp, "in.csv"), os.path.join(tmp, "turns.csv")
    with open(src, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["interaction_id", "speaker", "text"])
        w.writerows((f"t{i}", "customer", text) for i, text in enumerate(texts))
    subprocess.run([binary, "score", src, "--lang", lang, "-q", "-o", os.devnull, "--turns", turns], check=True)
    rows = {r["interaction_id"]: r for r in csv.DictReader(open(turns, encoding="utf-8"))}
    return [rows.get(f"t{i}") for i in range(len(texts))]


def known(binary, lang, words, tmp):
    rows = score_lines(binary, lang, words, tmp)
    return {word for word, r in zip(words, rows) if r and (r["terms"] or r["emotion_terms"])}


def in_context(binary, lang, lines, stop, tmp):
    """Running content words covered by a term or cue of their own line, and all of them."""
    covered = total = 0
    for line, r in zip(lines, score_lines(binary, lang, lines, tmp)):
        if r is None:
            continue
        # Labels are "term:value", "term:category:weight" or "cue:term:...": every word of them.
        words = set()
        for label in (r["terms"] + "|" + r["emotion_terms"]).split("|"):
            for part in label.split(":"):
                words.update(part.split(" "))
        counts = content_words([line], stop)
        total += sum(counts.values())
        covered += sum(n for w, n in counts.items() if w in words)
    return covered, total


def main():
    args = sys.argv[1:]
    binary = args[args.index("--bin") + 1] if "--bin" in args else "target/release/peakend"
    corpus = args[args.index("--corpus") + 1] if "--corpus" in args else None
    texts = dict(a.split("=", 1) for a in args if "=" in a and not a.startswith("--"))
    stop = function_words()
    with tempfile.TemporaryDirectory() as tmp:
        if corpus is None:
            subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", tmp,
                            "chatterbot-corpus==1.3.3"], check=True)
            corpus = os.path.join(tmp, "corpus")
            zipfile.ZipFile(glob.glob(os.path.join(tmp, "*.whl"))[0]).extractall(corpus)
        sources = {lang: ("chatterbot-corpus", chatterbot_lines(corpus, folder)) for lang, folder in CHATTERBOT.items()}
        for lang, path in texts.items():
            sources[lang] = (os.path.basename(path), open(path, encoding="utf-8").read().splitlines())
        print("| language | text | content words (distinct) | known (running words) | known (distinct) "
              "| in context (running words) |")
        print("|---|---|---:|---:|---:|---:|")
        for lang, (name, lines) in sorted(sources.items()):
            counts = content_words(lines, stop)
            words = sorted(counts)
            k = known(binary, lang, words, tmp)
            running = sum(counts.values())
            known_running = sum(counts[w] for w in k)
            covered, total = in_context(binary, lang, lines, stop, tmp)
            print(f"| {lang} | {name} | {running} ({len(words)}) | {known_running / running:.3f} "
                  f"| {len(k) / len(words):.3f} | {covered / total:.3f} |")


if __name__ == "__main__":
    main()
