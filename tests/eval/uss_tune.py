#!/usr/bin/env python3
"""Tune peakend's peak-end defaults on the User Satisfaction Simulation (USS) data.

Opt-in evaluation, pure Python standard library (plus vaderSentiment for --vader).
The USS data is under its own licence: it is read in place from --data and never
copied into the repository. When the folder is absent the script prints
'skipped: ...' and exits 0.

Per-turn valences for the customer turns come from one of three sources:

    --binary PATH      run `PATH score --turns` on the four sets into a temporary
                       folder, twice: with the phrase lexicon (the default, the
                       primary source) and with --no-phrases; vaderSentiment is
                       added for comparison when it is installed (--no-vader: not)
    --vader            vaderSentiment 3.3.2 compound scores (cached in /tmp)
    --turns FILE...    per-turn CSVs written by `peakend score --turns FILE`
                       (columns interaction_id, turn, speaker, valence, ...)

For each interaction and each parameter set it computes experienced (mean
customer valence), peak (most intense customer turn, negative turns weighted by
lambda), end (several definitions, including adaptive windows for short
interactions) and remembered = wp*peak + (1-wp)*end, and prints Spearman
correlations against the human `overall` rating per data set (SGD, MultiWOZ,
ReDial, CCPE) and their mean, as markdown. It then compares the end
definitions, prices each negativity bias lambda > 1 against lambda = 1 with a
paired bootstrap, and evaluates candidate `bad_ending` rules per end definition.

Usage:
    python3 tests/eval/uss_tune.py --binary target/release/peakend
    python3 tests/eval/uss_tune.py --vader
    python3 tests/eval/uss_tune.py --turns sgd.turns.csv mwoz.turns.csv ...
"""

import argparse
import csv
import hashlib
import json
import math
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATA = REPO_ROOT.parent / "shared" / "data"

DATASETS = [  # (key, label, transcript file, interaction_id prefix)
    ("SGD", "SGD", "uss_sgd.csv", "uss-SGD-"),
    ("MWOZ", "MultiWOZ", "uss_mwoz.csv", "uss-MWOZ-"),
    ("ReDial", "ReDial", "uss_redial.csv", "uss-ReDial-"),
    ("CCPE", "CCPE", "uss_ccpe.csv", "uss-CCPE-"),
]
LABELS_FILE = "uss.labels.csv"

LAMBDAS = [1.0, 1.1, 1.25, 1.5, 2.0, 3.0]
END_VARIANTS = ["last", "mean2", "mean3", "last_nonneutral", "ewm3", "adapt3", "adapt2"]
# The end definitions compared in the "End definitions" and bad_ending sections.
CANDIDATE_ENDS = ["last", "mean2", "mean3", "adapt3", "adapt2", "ewm3"]
TUNE_LAMBDAS = [1.0, 1.1, 1.25, 1.5, 2.0]   # negativity bias priced against 1
REM_LAMBDAS = [1.0, 1.25, 1.5]              # lambdas shown in the end-definition table
LAST_ANGRY = -0.3                           # R5/R6: last customer turn at or below this
DROP = 0.5                                  # R2/R6: end this far below the earlier mean
END_DESCR = {
    "last": "last customer turn",
    "mean2": "mean of last 2 customer turns",
    "mean3": "mean of last 3 customer turns",
    "last_nonneutral": "last customer turn with |v| >= 0.05 (else last)",
    "ewm3": "weighted mean of last 3, weights 1, .5, .25 (latest heaviest)",
    "adapt3": "mean of last min(3, ceil(n/3)) customer turns (n = customer turns)",
    "adapt2": "mean of last min(3, ceil(n/2)) customer turns",
}
WPS = [0.25, 0.33, 0.5, 0.67, 0.75]
NEUTRAL = 0.05

CUSTOMER = {"customer", "caller", "client", "user", "inbound"}
AGENT = {"agent", "rep", "representative", "advisor", "system", "bot", "outbound"}

VADER_CACHE = Path("/tmp/peakend_uss_vader_cache.json")


# ---------------------------------------------------------------- statistics

def average_ranks(xs):
    """1-based ranks, ties get the mean of the ranks they span."""
    order = sorted(range(len(xs)), key=lambda i: xs[i])
    ranks = [0.0] * len(xs)
    i = 0
    n = len(xs)
    while i < n:
        j = i
        while j + 1 < n and xs[order[j + 1]] == xs[order[i]]:
            j += 1
        r = (i + j) / 2.0 + 1.0
        for k in range(i, j + 1):
            ranks[order[k]] = r
        i = j + 1
    return ranks


def pearson(xs, ys):
    n = len(xs)
    if n < 2:
        return float("nan")
    mx = sum(xs) / n
    my = sum(ys) / n
    sxy = sxx = syy = 0.0
    for x, y in zip(xs, ys):
        dx = x - mx
        dy = y - my
        sxy += dx * dy
        sxx += dx * dx
        syy += dy * dy
    if sxx == 0 or syy == 0:
        return float("nan")
    return sxy / math.sqrt(sxx * syy)


def spearman(xs, ys):
    """Spearman's rho: Pearson correlation of average ranks (ties handled)."""
    return pearson(average_ranks(xs), average_ranks(ys))


def mean(xs):
    return sum(xs) / len(xs) if xs else float("nan")


def fmt(x, digits=3):
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    return f"{x:+.{digits}f}" if digits == 3 else f"{x:.{digits}f}"


# ------------------------------------------------------------------ reading

def dataset_of(iid, fallback=None):
    for key, _label, _file, prefix in DATASETS:
        if iid.startswith(prefix):
            return key
    return fallback.get(iid) if fallback else None


def speaker_role(s):
    s = s.strip().lower()
    if s in CUSTOMER:
        return "customer"
    if s in AGENT:
        return "agent"
    return None


def turn_key(turn, pos):
    try:
        return (0, float(turn), pos)
    except (TypeError, ValueError):
        return (1, 0.0, pos)


def read_labels(data_dir):
    labels = {}
    with open(data_dir / LABELS_FILE, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            labels[row["interaction_id"]] = float(row["overall"])
    return labels


def read_transcripts(data_dir):
    """{dataset: {iid: [(turn, pos, role, text)]}} in input order."""
    out = {}
    for key, _label, fname, _prefix in DATASETS:
        path = data_dir / fname
        convs = {}
        with open(path, newline="", encoding="utf-8") as f:
            for pos, row in enumerate(csv.DictReader(f)):
                convs.setdefault(row["interaction_id"], []).append(
                    (row.get("turn"), pos, speaker_role(row["speaker"]), row["text"])
                )
        out[key] = convs
    return out


def vader_valences(transcripts):
    """Customer-turn compound scores from vaderSentiment, cached by text hash."""
    try:
        import vaderSentiment
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    except ImportError:
        sys.exit("error: --vader needs vaderSentiment: pip install vadersentiment==3.3.2")
    version = getattr(vaderSentiment, "__version__", None)
    if version is None:
        try:
            from importlib.metadata import version as pkg_version
            version = pkg_version("vaderSentiment")
        except Exception:  # pragma: no cover - best effort
            version = "unknown"
    if version != "3.3.2":
        print(f"warning: vaderSentiment {version}, the figures assume 3.3.2", file=sys.stderr)

    cache = {}
    if VADER_CACHE.exists():
        try:
            blob = json.loads(VADER_CACHE.read_text(encoding="utf-8"))
            if blob.get("version") == version:
                cache = blob.get("scores", {})
        except (OSError, ValueError):
            cache = {}
    analyzer = None
    misses = 0
    result = {}
    for key, convs in transcripts.items():
        for iid, rows in convs.items():
            seq = []
            for turn, pos, role, text in sorted(rows, key=lambda r: turn_key(r[0], r[1])):
                if role != "customer":
                    continue
                h = hashlib.sha1(text.encode("utf-8")).hexdigest()
                v = cache.get(h)
                if v is None:
                    if analyzer is None:
                        analyzer = SentimentIntensityAnalyzer()
                    v = analyzer.polarity_scores(text)["compound"]
                    cache[h] = v
                    misses += 1
                seq.append(v)
            result[iid] = (key, seq)
    if misses:
        tmp = VADER_CACHE.with_suffix(".tmp")
        tmp.write_text(json.dumps({"version": version, "scores": cache}), encoding="utf-8")
        os.replace(tmp, VADER_CACHE)
        print(f"vader: scored {misses} new customer turns (cache {VADER_CACHE})", file=sys.stderr)
    return result, f"vaderSentiment {version}"


def turns_valences(files, data_dir):
    """Customer-turn valences from peakend per-turn CSVs."""
    fallback = None
    result = {}
    rows_by_iid = {}
    for fn in files:
        with open(fn, newline="", encoding="utf-8") as f:
            reader = csv.DictReader(f)
            cols = {c.strip().lower(): c for c in (reader.fieldnames or [])}
            for need in ("interaction_id", "speaker", "valence"):
                if need not in cols:
                    sys.exit(f"error: {fn}: no '{need}' column (have {reader.fieldnames})")
            tcol = cols.get("turn")
            for line, row in enumerate(reader, start=2):
                iid = row[cols["interaction_id"]]
                role = speaker_role(row[cols["speaker"]])
                if role is None:
                    sys.exit(f"error: {fn}:{line}: unknown speaker {row[cols['speaker']]!r}")
                cell = row[cols["valence"]].strip()
                v = float(cell) if cell else None
                rows_by_iid.setdefault(iid, []).append(
                    (row[tcol] if tcol else None, len(rows_by_iid.get(iid, [])), role, v)
                )
    for iid, rows in rows_by_iid.items():
        key = dataset_of(iid)
        if key is None:
            if fallback is None:
                fallback = {
                    i: k for k, convs in read_transcripts(data_dir).items() for i in convs
                }
            key = fallback.get(iid)
        if key is None:
            continue
        seq = [v for _t, _p, role, v in sorted(rows, key=lambda r: turn_key(r[0], r[1]))
               if role == "customer" and v is not None]
        result[iid] = (key, seq)
    return result, "peakend --turns (" + ", ".join(str(f) for f in files) + ")"


# ---------------------------------------------------------------- peak-end

def peak_of(vs, lam):
    best_i, best = 0, -1.0
    for i, v in enumerate(vs):
        inten = abs(v) * (lam if v < 0 else 1.0)
        if inten > best:  # strict: first turn wins ties
            best_i, best = i, inten
    return vs[best_i]


def window_len(n, variant):
    """How many final customer turns the end definition reads (n >= 1)."""
    if variant == "last":
        return 1
    if variant == "mean2":
        return min(2, n)
    if variant in ("mean3", "ewm3"):
        return min(3, n)
    if variant == "adapt3":
        return min(3, math.ceil(n / 3))
    if variant == "adapt2":
        return min(3, math.ceil(n / 2))
    raise ValueError(variant)


def end_of(vs, variant):
    if variant == "last":
        return vs[-1]
    if variant in ("mean2", "mean3", "adapt3", "adapt2"):
        return mean(vs[-window_len(len(vs), variant):])
    if variant == "last_nonneutral":
        for v in reversed(vs):
            if abs(v) >= NEUTRAL:
                return v
        return vs[-1]
    if variant == "ewm3":
        tail = list(reversed(vs[-3:]))  # latest first
        ws = [1.0, 0.5, 0.25][: len(tail)]
        return sum(w * v for w, v in zip(ws, tail)) / sum(ws)
    raise ValueError(variant)


def config_name(lam, end, wp):
    return f"lambda={lam:g}, end={end}, wp={wp:g}"


def build_rows(valences, labels):
    """Per dataset: list of dicts with vs and overall; counts of skipped."""
    per = {k: [] for k, *_ in DATASETS}
    skipped_empty = {k: 0 for k, *_ in DATASETS}
    unlabelled = 0
    for iid, (key, vs) in valences.items():
        if iid not in labels:
            unlabelled += 1
            continue
        if not vs:
            skipped_empty[key] += 1
            continue
        per[key].append({"iid": iid, "vs": vs, "y": labels[iid]})
    return per, skipped_empty, unlabelled


def compute_scores(per):
    """Attach every figure to every interaction."""
    for rows in per.values():
        for r in rows:
            vs = r["vs"]
            r["experienced"] = mean(vs)
            r["peak"] = {lam: peak_of(vs, lam) for lam in LAMBDAS}
            r["end"] = {e: end_of(vs, e) for e in END_VARIANTS}
            r["min"] = min(vs)
            r["n"] = len(vs)


def remembered(r, lam, end, wp):
    return wp * r["peak"][lam] + (1 - wp) * r["end"][end]


def rho_of(rows, f):
    return spearman([f(r) for r in rows], [r["y"] for r in rows])


def per_dataset(per, f, keys=None):
    keys = keys or [k for k, *_ in DATASETS]
    vals = {k: rho_of(per[k], f) for k in keys}
    return vals, mean(list(vals.values()))


# ---------------------------------------------------------------- reporting

def table(header, rows):
    out = ["| " + " | ".join(header) + " |",
           "|" + "|".join("---" if i == 0 else "---:" for i in range(len(header))) + "|"]
    for row in rows:
        out.append("| " + " | ".join(row) + " |")
    return "\n".join(out)


def ds_header(first):
    return [first] + [label for _k, label, *_ in DATASETS] + ["mean"]


def ds_cells(vals, m):
    return [fmt(vals[k]) for k, *_ in DATASETS] + [fmt(m)]


def bootstrap_pre(pre, n_boot, seed):
    """Paired bootstrap over pre = {set: (a, b, y)} (aligned lists): resample the
    interactions within each set, n_boot times with a fixed seed, and return
    (p2.5, p97.5, share <= 0) of mean-over-sets Spearman(a) - Spearman(b).
    The same seed gives the same resamples, so intervals from one call to the
    next are paired with each other too."""
    rng = random.Random(seed)
    keys = [k for k, *_ in DATASETS if k in pre]
    diffs = []
    for _ in range(n_boot):
        d = 0.0
        for k in keys:
            a, b, y = pre[k]
            n = len(y)
            idx = [rng.randrange(n) for _ in range(n)]
            ys = [y[i] for i in idx]
            d += spearman([a[i] for i in idx], ys) - spearman([b[i] for i in idx], ys)
        diffs.append(d / len(keys))
    diffs.sort()
    lo = diffs[int(0.025 * n_boot)]
    hi = diffs[min(n_boot - 1, int(0.975 * n_boot))]
    return lo, hi, sum(1 for d in diffs if d <= 0) / n_boot


def bootstrap_diff(per, fa, fb, n_boot, seed):
    """Paired bootstrap (resampling interactions within each set) of
    mean-over-sets Spearman(fa) - Spearman(fb). Returns (p2.5, p97.5, share<=0)."""
    keys = [k for k, *_ in DATASETS]
    pre = {k: ([fa(r) for r in per[k]], [fb(r) for r in per[k]], [r["y"] for r in per[k]])
           for k in keys}
    return bootstrap_pre(pre, n_boot, seed)


def bad_ending_rules():
    def r1(r, e):
        return e < -0.05

    def r2(r, e):
        earlier = r["vs"][:-1]
        return e < -0.05 or (bool(earlier) and e < mean(earlier) - 0.5)

    def r3(r, e):
        return e < r["experienced"] - 0.3

    def r4(r, e):
        return e <= -0.3

    return [
        ("R1", "end < -0.05", r1),
        ("R2", "end < -0.05 or end < mean(earlier customer turns) - 0.5", r2),
        ("R3", "end < experienced - 0.3", r3),
        ("R4", "end <= -0.3", r4),
    ]


def bad_ending_table(per, end_variant):
    keys = [k for k, *_ in DATASETS]
    lines = []
    header = ["rule", "set", "flagged", "share", "mean overall flagged",
              "mean overall not flagged", "difference"]
    body = []
    for name, _desc, rule in bad_ending_rules():
        pooled_f, pooled_n = [], []
        for k in keys + ["pooled"]:
            if k == "pooled":
                fl, nf = pooled_f, pooled_n
                label = "**pooled**"
            else:
                fl = [r["y"] for r in per[k] if rule(r, r["end"][end_variant])]
                nf = [r["y"] for r in per[k] if not rule(r, r["end"][end_variant])]
                pooled_f += fl
                pooled_n += nf
                label = dict((kk, lab) for kk, lab, *_ in DATASETS)[k]
            total = len(fl) + len(nf)
            mf, mn = mean(fl), mean(nf)
            body.append([name, label, f"{len(fl)}/{total}",
                         f"{100.0 * len(fl) / total:.1f}%" if total else "n/a",
                         fmt(mf, 2), fmt(mn, 2),
                         fmt(mn - mf, 2) if fl and nf else "n/a"])
    lines.append(table(header, body))
    return "\n".join(lines)


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="Tune peak-end defaults on the USS data (Spearman vs human ratings).")
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--vader", action="store_true",
                     help="score customer turns with vaderSentiment 3.3.2 (cached in /tmp)")
    src.add_argument("--turns", nargs="+", metavar="FILE",
                     help="per-turn CSVs written by `peakend score --turns`")
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA,
                    help=f"folder with the USS files (default: {DEFAULT_DATA})")
    ap.add_argument("--top", type=int, default=10, help="grid rows to print (default 10)")
    ap.add_argument("--bootstrap", type=int, default=300,
                    help="paired bootstrap resamples for best vs defaults (0 = off)")
    ap.add_argument("--seed", type=int, default=20240601)
    args = ap.parse_args(argv)

    data_dir = args.data
    needed = [data_dir / LABELS_FILE] + ([data_dir / f for _k, _l, f, _p in DATASETS]
                                         if args.vader else [])
    if not data_dir.is_dir():
        print(f"skipped: data folder {data_dir} is absent")
        return 0
    missing = [str(p) for p in needed if not p.exists()]
    if missing:
        print(f"skipped: missing in {data_dir}: {', '.join(missing)}")
        return 0

    labels = read_labels(data_dir)
    if args.vader:
        valences, source = vader_valences(read_transcripts(data_dir))
    else:
        valences, source = turns_valences(args.turns, data_dir)

    per, skipped, unlabelled = build_rows(valences, labels)
    compute_scores(per)
    keys = [k for k, *_ in DATASETS]

    print("# peakend: peak-end tuning on USS\n")
    print(f"Valences: {source}. Spearman (average ranks) against `overall`.\n")
    def sd(xs):
        m = mean(xs)
        return math.sqrt(sum((x - m) ** 2 for x in xs) / (len(xs) - 1)) if len(xs) > 1 else 0.0

    print(table(["set", "interactions used", "skipped (no customer turn)", "customer turns",
                 "overall mean", "overall sd"],
                [[lab, str(len(per[k])), str(skipped[k]),
                  str(sum(len(r["vs"]) for r in per[k])),
                  fmt(mean([r["y"] for r in per[k]]), 2),
                  fmt(sd([r["y"] for r in per[k]]), 2)] for k, lab, *_ in DATASETS]))
    if unlabelled:
        print(f"\n{unlabelled} interactions had no label and were ignored.")

    # ---- reference figures
    print("\n## Reference figures\n")
    ref = [
        ("remembered = (peak(lambda=1) + last) / 2 [README reference]",
         lambda r: 0.5 * r["peak"][1.0] + 0.5 * r["end"]["last"]),
        ("remembered = (min + last) / 2", lambda r: 0.5 * r["min"] + 0.5 * r["end"]["last"]),
        ("experienced = mean", lambda r: r["experienced"]),
        ("end = last", lambda r: r["end"]["last"]),
        ("peak (lambda=1)", lambda r: r["peak"][1.0]),
        ("min", lambda r: r["min"]),
    ]
    print(table(ds_header("figure"),
                [[name] + ds_cells(*per_dataset(per, f)) for name, f in ref]))

    # ---- components
    print("\n## Components alone\n")
    comp = [(f"end = {e} ({END_DESCR[e]})", (lambda e: lambda r: r["end"][e])(e))
            for e in END_VARIANTS]
    comp += [(f"peak, lambda={lam:g}", (lambda lam: lambda r: r["peak"][lam])(lam))
             for lam in LAMBDAS]
    print(table(ds_header("figure"),
                [[name] + ds_cells(*per_dataset(per, f)) for name, f in comp]))

    # ---- grid
    grid = []
    for lam in LAMBDAS:
        for e in END_VARIANTS:
            for wp in WPS:
                f = (lambda lam, e, wp: lambda r: remembered(r, lam, e, wp))(lam, e, wp)
                vals, m = per_dataset(per, f)
                grid.append(((lam, e, wp), vals, m, f))
    grid.sort(key=lambda g: -g[2] if not math.isnan(g[2]) else float("inf"))
    default = next(g for g in grid if g[0] == (1.0, "last", 0.5))
    rank_of_default = grid.index(default) + 1

    print(f"\n## Grid: {len(grid)} configurations, top {args.top} by mean Spearman "
          "of remembered\n")
    rows = []
    for i, (cfg, vals, m, _f) in enumerate(grid[: args.top], start=1):
        rows.append([f"{i}. {config_name(*cfg)}"] + ds_cells(vals, m))
    rows.append([f"{rank_of_default}. **plain defaults** {config_name(*default[0])}"]
                + ds_cells(default[1], default[2]))
    exp_vals, exp_m = per_dataset(per, lambda r: r["experienced"])
    rows.append(["experienced (mean), for comparison"] + ds_cells(exp_vals, exp_m))
    print(table(ds_header("configuration (remembered)"), rows))

    best = grid[0]
    print(f"\nBest: {config_name(*best[0])}, mean {fmt(best[2])}; plain defaults "
          f"mean {fmt(default[2])} (rank {rank_of_default}/{len(grid)}); "
          f"difference {fmt(best[2] - default[2])}.")

    # best per end variant and per lambda (marginals), to see what matters
    print("\n### Best mean Spearman per end definition / lambda / wp\n")
    marg = []
    for e in END_VARIANTS:
        g = max((g for g in grid if g[0][1] == e), key=lambda g: g[2])
        marg.append([f"end={e}", config_name(*g[0]), fmt(g[2])])
    for lam in LAMBDAS:
        g = max((g for g in grid if g[0][0] == lam), key=lambda g: g[2])
        marg.append([f"lambda={lam:g}", config_name(*g[0]), fmt(g[2])])
    for wp in WPS:
        g = max((g for g in grid if g[0][2] == wp), key=lambda g: g[2])
        marg.append([f"wp={wp:g}", config_name(*g[0]), fmt(g[2])])
    print(table(["fixed", "best configuration", "mean rho"], marg))

    # ---- noise: paired bootstrap and leave-one-set-out
    if args.bootstrap > 0:
        print(f"\nPaired bootstrap ({args.bootstrap} resamples of interactions within each set) "
              "of the difference in mean rho. The best was picked on the same data, so the "
              "first interval is optimistic.\n")
        second = next(g for g in grid[1:] if g[0][1] != best[0][1])
        pairs = [("best - plain defaults", best[3], default[3]),
                 (f"best - best other end ({config_name(*second[0])})", best[3], second[3]),
                 ("best - experienced (mean)", best[3], lambda r: r["experienced"])]
        brows = []
        for name, fa, fb in pairs:
            lo, hi, p = bootstrap_diff(per, fa, fb, args.bootstrap, args.seed)
            brows.append([name, f"[{fmt(lo)}, {fmt(hi)}]", f"{p:.2f}"])
        print(table(["comparison", "95% interval", "share <= 0"], brows))

    print("\n### Leave one set out (pick the best on three sets, score the fourth)\n")
    lo_rows = []
    for held in keys:
        train = [k for k in keys if k != held]
        scored = []
        for cfg, vals, _m, _f in grid:
            scored.append((mean([vals[k] for k in train]), cfg, vals))
        scored.sort(key=lambda s: -s[0])
        _tm, cfg, vals = scored[0]
        label = dict((kk, lab) for kk, lab, *_ in DATASETS)[held]
        lo_rows.append([label, config_name(*cfg), fmt(vals[held]),
                        fmt(default[1][held]), fmt(vals[held] - default[1][held])])
    print(table(["held-out set", "picked on the other three", "rho held-out",
                 "defaults held-out", "difference"], lo_rows))

    # ---- bad ending
    print("\n## bad_ending rules\n")
    for name, desc, _r in bad_ending_rules():
        print(f"- {name}: {desc}")
    ends = ["last"]
    if best[0][1] != "last":
        ends.append(best[0][1])
    for e in ends:
        print(f"\n### end = {e} ({END_DESCR[e]})\n")
        print(bad_ending_table(per, e))
    return 0


if __name__ == "__main__":
    sys.exit(main())
