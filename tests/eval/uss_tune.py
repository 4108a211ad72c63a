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
NEGATIVE_BELOW = -0.05  # bad_ending R1: the binary's NEGATIVE_BELOW (VADER's neutral band)

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


def sd(xs):
    m = mean(xs)
    return math.sqrt(sum((x - m) ** 2 for x in xs) / (len(xs) - 1)) if len(xs) > 1 else 0.0


def print_data_table(per, skipped, unlabelled):
    print(table(["set", "interactions used", "skipped (no customer turn)", "customer turns",
                 "overall mean", "overall sd"],
                [[lab, str(len(per[k])), str(skipped[k]),
                  str(sum(len(r["vs"]) for r in per[k])),
                  fmt(mean([r["y"] for r in per[k]]), 2),
                  fmt(sd([r["y"] for r in per[k]]), 2)] for k, lab, *_ in DATASETS]))
    if unlabelled:
        print(f"\n{unlabelled} interactions had no label and were ignored.")


def report_grid(per, args):
    """The original report: reference figures, components, the full grid with
    bootstrap and leave-one-set-out, and the first bad_ending rules."""
    keys = [k for k, *_ in DATASETS]
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


# ------------------------------------------------- end definitions, lambda, rules

def before_window(r, e):
    """Customer turns before the end window of definition e."""
    return r["vs"][:-window_len(r["n"], e)]


def window_rules():
    """bad_ending rules evaluated per end definition e. R2 compares the end with
    the customer turns before e's window (as the binary does for --end-window)."""
    def r1(r, e):
        return r["end"][e] < NEGATIVE_BELOW

    def r2(r, e):
        if r1(r, e):
            return True
        earlier = before_window(r, e)
        return bool(earlier) and r["end"][e] < mean(earlier) - DROP

    def r5(r, e):
        return r1(r, e) or r["vs"][-1] <= LAST_ANGRY

    def r6(r, e):
        return r2(r, e) or r["vs"][-1] <= LAST_ANGRY

    return [
        ("R1", f"end < {NEGATIVE_BELOW:g}", r1),
        ("R2", f"R1 or end < mean(customer turns before the end window) - {DROP:g}", r2),
        ("R5", f"R1 or last customer turn <= {LAST_ANGRY:g}", r5),
        ("R6", f"R2 or last customer turn <= {LAST_ANGRY:g}", r6),
    ]



def report_short(per):
    bins = [("1", 1, 1), ("2", 2, 2), ("3", 3, 3), ("4-6", 4, 6), ("7+", 7, 10 ** 9)]
    rows = []
    for k, lab, *_ in DATASETS:
        ns = [r["n"] for r in per[k]]
        cells = [f"{sum(1 for n in ns if lo <= n <= hi)}" for _b, lo, hi in bins]
        d3 = sum(1 for r in per[k] if window_len(r["n"], "adapt3") != window_len(r["n"], "mean3"))
        d2 = sum(1 for r in per[k] if window_len(r["n"], "adapt2") != window_len(r["n"], "mean3"))
        ns_sorted = sorted(ns)
        rows.append([lab] + cells + [str(ns_sorted[len(ns) // 2]),
                                     f"{100.0 * d3 / len(ns):.1f}%",
                                     f"{100.0 * d2 / len(ns):.1f}%"])
    print(table(["set"] + [f"n={b}" for b, *_ in bins] +
                ["median n", "adapt3 window != 3", "adapt2 window != 3"], rows))


def report_ends(per, args):
    """Each candidate end alone and inside remembered (wp=0.5, several lambdas).
    Returns the end with the best mean Spearman of remembered at lambda=1."""
    rows = []
    best = None
    for e in CANDIDATE_ENDS:
        vals, m = per_dataset(per, (lambda e: lambda r: r["end"][e])(e))
        rows.append([f"**end = {e}** alone"] + ds_cells(vals, m))
        for lam in REM_LAMBDAS:
            f = (lambda e, lam: lambda r: remembered(r, lam, e, 0.5))(e, lam)
            vals, m = per_dataset(per, f)
            rows.append([f"remembered, end={e}, lambda={lam:g}"] + ds_cells(vals, m))
            if lam == 1.0 and (best is None or m > best[1]):
                best = (e, m)
    print("\n".join(f"- {e}: {END_DESCR[e]}" for e in CANDIDATE_ENDS) + "\n")
    print(table(ds_header("figure (wp=0.5)"), rows))
    if args.bootstrap > 0:
        print(f"\nPaired bootstrap ({args.bootstrap} resamples, seed {args.seed}) of the "
              "difference in mean rho against end = mean3 (the binary's window of 3).\n")
        brows = []
        for e in CANDIDATE_ENDS:
            if e == "mean3":
                continue
            for what, fa, fb in [
                ("end alone", (lambda e: lambda r: r["end"][e])(e), lambda r: r["end"]["mean3"]),
                ("remembered, lambda=1",
                 (lambda e: lambda r: remembered(r, 1.0, e, 0.5))(e),
                 lambda r: remembered(r, 1.0, "mean3", 0.5)),
            ]:
                d = per_dataset(per, fa)[1] - per_dataset(per, fb)[1]
                lo, hi, p = bootstrap_diff(per, fa, fb, args.bootstrap, args.seed)
                brows.append([f"{e} - mean3, {what}", fmt(d), f"[{fmt(lo)}, {fmt(hi)}]",
                              f"{p:.2f}"])
        print(table(["comparison", "difference", "95% interval", "share <= 0"], brows))
    return best[0]


def report_lambdas(per, end, args):
    """Price each negativity bias lambda > 1 against lambda = 1 (same end, wp=0.5)."""
    base = lambda r: remembered(r, 1.0, end, 0.5)  # noqa: E731
    base_vals, base_m = per_dataset(per, base)
    total = sum(len(per[k]) for k, *_ in DATASETS)
    rows = []
    for lam in TUNE_LAMBDAS:
        f = (lambda lam: lambda r: remembered(r, lam, end, 0.5))(lam)
        vals, m = per_dataset(per, f)
        _pv, pm = per_dataset(per, (lambda lam: lambda r: r["peak"][lam])(lam))
        moved = sum(1 for k, *_ in DATASETS for r in per[k] if r["peak"][lam] != r["peak"][1.0])
        if lam == 1.0:
            ci, p = "", ""
        elif args.bootstrap > 0:
            lo, hi, share = bootstrap_diff(per, f, base, args.bootstrap, args.seed)
            ci, p = f"[{fmt(lo)}, {fmt(hi)}]", f"{1 - share:.2f}"
        else:
            ci, p = "n/a", "n/a"
        rows.append([f"lambda={lam:g}"] + ds_cells(vals, m) +
                    [fmt(m - base_m), ci, p, fmt(pm), f"{100.0 * moved / total:.1f}%"])
    print(table(ds_header(f"remembered, end={end}, wp=0.5") +
                ["diff vs lambda=1", f"95% interval ({args.bootstrap} paired resamples)",
                 "share > 0", "peak alone (mean rho)", "peak turn changed"], rows))
    del base_vals


def report_bad_endings(per, ends):
    """Share flagged and mean overall flagged vs not, per set and pooled."""
    keys = [k for k, *_ in DATASETS]
    labels = dict((k, lab) for k, lab, *_ in DATASETS)
    for name, desc, _r in window_rules():
        print(f"- {name}: {desc}")
    print("\nPer set: share flagged / (mean overall not flagged - flagged). Pooled: over "
          "all 3,500; 'diff within sets' = per-set differences averaged with the flagged "
          "counts as weights (the sets' mean ratings differ); se = standard error of the "
          "pooled difference.\n")
    header = (["rule", "end"] + [labels[k] for k in keys] +
              ["pooled flagged", "share", "mean flagged", "mean not", "diff", "se",
               "diff within sets"])
    body = []
    for name, _desc, rule in window_rules():
        for e in ends:
            cells = []
            pf, pn = [], []
            wsum = wd = 0.0
            for k in keys:
                fl = [r["y"] for r in per[k] if rule(r, e)]
                nf = [r["y"] for r in per[k] if not rule(r, e)]
                pf += fl
                pn += nf
                share = 100.0 * len(fl) / (len(fl) + len(nf))
                if fl and nf:
                    d = mean(nf) - mean(fl)
                    wsum += len(fl)
                    wd += len(fl) * d
                    cells.append(f"{share:.1f}% / {d:+.2f}")
                else:
                    cells.append(f"{share:.1f}% / n/a")
            tot = len(pf) + len(pn)
            if len(pf) > 1 and len(pn) > 1:
                se = math.sqrt(sd(pf) ** 2 / len(pf) + sd(pn) ** 2 / len(pn))
                d = f"{mean(pn) - mean(pf):+.2f}"
                se_s = f"{se:.3f}"
            else:
                d = se_s = "n/a"
            body.append([name, e] + cells +
                        [f"{len(pf)}/{tot}", f"{100.0 * len(pf) / tot:.1f}%",
                         fmt(mean(pf), 2), fmt(mean(pn), 2), d, se_s,
                         f"{wd / wsum:+.2f}" if wsum else "n/a"])
    print(table(header, body))

    # What the last-turn clause adds on its own: flagged by R6 but not by R2.
    rules = dict((n, f) for n, _d, f in window_rules())
    print(f"\nFlags added by the last-turn clause alone (R6 and not R2): are they "
          f"rated lower than the interactions nobody flags?\n")
    rows = []
    for e in ends:
        added, none_ = [], []
        wsum = wd = 0.0
        for k in keys:
            a = [r["y"] for r in per[k] if rules["R6"](r, e) and not rules["R2"](r, e)]
            nf = [r["y"] for r in per[k] if not rules["R6"](r, e)]
            added += a
            none_ += nf
            if a and nf:
                wsum += len(a)
                wd += len(a) * (mean(nf) - mean(a))
        tot = sum(len(per[k]) for k in keys)
        se = (math.sqrt(sd(added) ** 2 / len(added) + sd(none_) ** 2 / len(none_))
              if len(added) > 1 else float("nan"))
        rows.append([e, f"{len(added)}/{tot}", f"{100.0 * len(added) / tot:.1f}%",
                     fmt(mean(added), 2), fmt(mean(none_), 2),
                     f"{mean(none_) - mean(added):+.2f}" if added else "n/a",
                     f"{se:.3f}" if added and len(added) > 1 else "n/a",
                     f"{wd / wsum:+.2f}" if wsum else "n/a"])
    print(table(["end", "added", "share", "mean added", "mean not flagged (R6)", "diff", "se",
                 "diff within sets"], rows))


def report_sources(sources, args):
    """Item 1: the same figures from each valence source, and paired bootstraps of
    the first source against the second."""
    figs = [
        ("experienced", lambda r: r["experienced"]),
        ("end = last", lambda r: r["end"]["last"]),
        ("end = mean3", lambda r: r["end"]["mean3"]),
        ("end = adapt3", lambda r: r["end"]["adapt3"]),
        ("peak, lambda=1", lambda r: r["peak"][1.0]),
        ("remembered, lambda=1, end=last [README reference]",
         lambda r: remembered(r, 1.0, "last", 0.5)),
        ("remembered, lambda=1, end=mean3", lambda r: remembered(r, 1.0, "mean3", 0.5)),
        ("remembered, lambda=1, end=adapt3", lambda r: remembered(r, 1.0, "adapt3", 0.5)),
        ("remembered, lambda=1.5, end=mean3 [binary defaults]",
         lambda r: remembered(r, 1.5, "mean3", 0.5)),
    ]
    rows = []
    for name, f in figs:
        for sname, per in sources:
            rows.append([f"{name} — {sname}"] + ds_cells(*per_dataset(per, f)))
    print(table(ds_header("figure — valences"), rows))
    if args.bootstrap > 0 and len(sources) >= 2:
        (na, pa), (nb, pb) = sources[0], sources[1]
        print(f"\nPaired bootstrap ({args.bootstrap} resamples, seed {args.seed}) of "
              f"mean rho, {na} - {nb}, on the same interactions.\n")
        brows = []
        for name, f in figs:
            pre = {}
            for k, *_ in DATASETS:
                bmap = {r["iid"]: r for r in pb[k]}
                common = [r for r in pa[k] if r["iid"] in bmap]
                pre[k] = ([f(r) for r in common], [f(bmap[r["iid"]]) for r in common],
                          [r["y"] for r in common])
            d = mean([spearman(a, y) - spearman(b, y) for a, b, y in pre.values()])
            lo, hi, p = bootstrap_pre(pre, args.bootstrap, args.seed)
            brows.append([name, fmt(d), f"[{fmt(lo)}, {fmt(hi)}]", f"{p:.2f}"])
        print(table(["figure", "difference", "95% interval", "share <= 0"], brows))


def report_tuning(per, args):
    print("\n## Customer turns per interaction (where the adaptive windows differ)\n")
    report_short(per)
    print("\n## End definitions: end alone and inside remembered (wp=0.5)\n")
    best_end = report_ends(per, args)
    lam_end = args.end or best_end
    print(f"\nBest end by remembered (lambda=1): {best_end}.")
    print(f"\n## Negativity bias: each lambda against lambda=1 (end={lam_end})\n")
    print("'share > 0' = share of resamples where the lambda beats lambda=1; 'peak turn "
          "changed' = interactions whose peak differs from lambda=1.\n")
    report_lambdas(per, lam_end, args)
    if args.end is None and lam_end != "mean3":
        print("\n### Same, end=mean3\n")
        report_lambdas(per, "mean3", args)
    print("\n## bad_ending rules per end definition\n")
    report_bad_endings(per, CANDIDATE_ENDS)


# ------------------------------------------------------------- running the binary

PRODUCT_CASES = [  # (id, [(speaker, text)], should it be a bad ending?)
    ("short-angry-end", [
        ("customer", "great and fine"),
        ("agent", "Glad to hear it. Anything else?"),
        ("customer", "NOT acceptable... I want to cancel my account!!"),
    ], True),
    ("long-angry-end", [
        ("customer", "Hi, I need to change my flight."),
        ("agent", "Sure, which booking?"),
        ("customer", "The one to Boston on Friday."),
        ("agent", "Found it. Morning or evening?"),
        ("customer", "Morning please."),
        ("agent", "There is a 9am. Shall I book it?"),
        ("customer", "Yes, great."),
        ("agent", "Done. Same seat type?"),
        ("customer", "Window if possible."),
        ("agent", "Window seat 14A. Anything else?"),
        ("customer", "Great, that was quick, thank you!"),
        ("agent", "There is a 200 dollar change fee."),
        ("customer", "What? This is ridiculous, nobody told me about a fee. I want to "
                     "cancel my account!"),
    ], True),
    ("short-recovered", [
        ("customer", "My order never arrived, this is really annoying."),
        ("agent", "Sorry about that, I have resent it with express shipping."),
        ("customer", "Thanks, that works."),
    ], False),
    ("long-dip-recovered", [
        ("customer", "Hello, I have a question about my bill."),
        ("agent", "Of course."),
        ("customer", "I was charged twice, which is frustrating."),
        ("agent", "I see it, I will refund the second charge."),
        ("customer", "Okay."),
        ("agent", "It is refunded."),
        ("customer", "Perfect, thank you so much for the help!"),
    ], False),
    ("neutral-close", [
        ("customer", "I need the opening hours of the Main Street branch."),
        ("agent", "It opens at 9 and closes at 5."),
        ("customer", "Okay, bye."),
    ], False),
]


def run_binary(binary, data_dir, out_dir, phrases, extra=()):
    """Score the four sets; return the per-turn and per-interaction CSV paths."""
    tag = "phrases" if phrases else "nophrases"
    turns, inters = [], []
    for key, _label, fname, _prefix in DATASETS:
        t = out_dir / f"{key}.{tag}.turns.csv"
        o = out_dir / f"{key}.{tag}.interactions.csv"
        cmd = [str(binary), "score", "-q", str(data_dir / fname), "-o", str(o), "--turns", str(t)]
        if not phrases:
            cmd.append("--no-phrases")
        cmd += list(extra)
        res = subprocess.run(cmd, capture_output=True, text=True)
        if res.returncode != 0:
            sys.exit(f"error: {' '.join(cmd)} exited {res.returncode}: {res.stderr.strip()}")
        turns.append(t)
        inters.append(o)
    return turns, inters


def check_binary_summary(per, inter_files):
    """The binary's own end and bad_ending (its defaults: window 3, drop 0.5)
    against this script's end=mean3 and R2 on the same valences."""
    rows = {}
    for fn in inter_files:
        with open(fn, newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                rows[row["interaction_id"]] = row
    r2 = dict((n, f) for n, _d, f in window_rules())["R2"]
    n = end_ok = bad_ok = 0
    for k, *_ in DATASETS:
        for r in per[k]:
            b = rows.get(r["iid"])
            if b is None or not b["end"]:
                continue
            n += 1
            end_ok += abs(float(b["end"]) - r["end"]["mean3"]) < 1e-3
            bad_ok += (b["bad_ending"] == "true") == r2(r, "mean3")
    print(f"\nCheck against the binary's own columns (its defaults: end window 3, drop "
          f"0.5): end = mean3 on {end_ok}/{n}, bad_ending = R2(mean3) on {bad_ok}/{n}.")


def report_product_cases(binary, out_dir, extra=()):
    path = out_dir / "product_cases.csv"
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["interaction_id", "turn", "speaker", "text"])
        for iid, turns, _bad in PRODUCT_CASES:
            for i, (sp, text) in enumerate(turns):
                w.writerow([iid, i, sp, text])
    tpath = out_dir / "product_cases.turns.csv"
    res = subprocess.run([str(binary), "score", "-q", str(path), "-o",
                          str(out_dir / "product_cases.out.csv"), "--turns", str(tpath)]
                         + list(extra), capture_output=True, text=True)
    if res.returncode != 0:
        print(f"\n(product cases skipped: the binary exited {res.returncode})")
        return
    vals = {}
    with open(tpath, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if speaker_role(row["speaker"]) == "customer" and row["valence"].strip():
                vals.setdefault(row["interaction_id"], (None, []))[1].append(
                    float(row["valence"]))
    rules = window_rules()
    print("\n## Product check: hand-written calls through the binary (phrases on)\n")
    print("Cells: end value, then the rules that flag it. 'want' = should be a bad ending.\n")
    rows = []
    for iid, _turns, bad in PRODUCT_CASES:
        vs = vals.get(iid, (None, []))[1]
        if not vs:
            continue
        r = {"vs": vs, "n": len(vs), "end": {e: end_of(vs, e) for e in END_VARIANTS}}
        cells = []
        for e in CANDIDATE_ENDS:
            fl = [name for name, _d, rule in rules if rule(r, e)]
            cells.append(f"{r['end'][e]:+.2f} {','.join(fl) if fl else '-'}")
        rows.append([iid, "yes" if bad else "no", " ".join(f"{v:+.2f}" for v in vs)] + cells)
    print(table(["case", "want", "customer valences"] + [f"end={e}" for e in CANDIDATE_ENDS],
                rows))


def main(argv=None):
    global LAST_ANGRY
    ap = argparse.ArgumentParser(
        description="Tune peak-end defaults on the USS data (Spearman vs human ratings).")
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--binary", type=Path, metavar="PATH",
                     help="run this peakend binary on the four sets (with and without "
                          "--no-phrases) and evaluate its per-turn valences")
    src.add_argument("--vader", action="store_true",
                     help="score customer turns with vaderSentiment 3.3.2 (cached in /tmp)")
    src.add_argument("--turns", nargs="+", metavar="FILE",
                     help="per-turn CSVs written by `peakend score --turns`")
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA,
                    help=f"folder with the USS files (default: {DEFAULT_DATA})")
    ap.add_argument("--top", type=int, default=10, help="grid rows to print (default 10)")
    ap.add_argument("--bootstrap", type=int, default=300,
                    help="paired bootstrap resamples (0 = off; default 300)")
    ap.add_argument("--seed", type=int, default=20240601)
    ap.add_argument("--end", choices=CANDIDATE_ENDS,
                    help="end definition for the lambda section (default: the best by "
                         "remembered at lambda=1, and mean3 too)")
    ap.add_argument("--no-vader", action="store_true",
                    help="with --binary: do not add vaderSentiment for comparison")
    ap.add_argument("--keep", type=Path, metavar="DIR",
                    help="with --binary: write the binary's output here instead of a "
                         "temporary folder (outside the repository, please)")
    ap.add_argument("--binary-arg", action="append", default=[], metavar="ARG",
                    help="with --binary: pass ARG on to `peakend score` (repeatable; "
                         "e.g. --binary-arg=--lexicons --binary-arg=DIR)")
    ap.add_argument("--last-angry", type=float, default=LAST_ANGRY, metavar="V",
                    help=f"R5/R6: last customer turn at or below V (default {LAST_ANGRY:g})")
    ap.add_argument("--no-grid", action="store_true",
                    help="skip the original grid report (reference, components, grid, "
                         "leave-one-set-out, first bad_ending rules)")
    args = ap.parse_args(argv)
    LAST_ANGRY = args.last_angry  # read by window_rules()

    data_dir = args.data
    needed = [data_dir / LABELS_FILE] + ([data_dir / f for _k, _l, f, _p in DATASETS]
                                         if (args.vader or args.binary) else [])
    if not data_dir.is_dir():
        print(f"skipped: data folder {data_dir} is absent")
        return 0
    missing = [str(p) for p in needed if not p.exists()]
    if missing:
        print(f"skipped: missing in {data_dir}: {', '.join(missing)}")
        return 0

    labels = read_labels(data_dir)
    sources = []  # (name, per, skipped, unlabelled, source description)
    tmp = None
    inter_files = None

    def add(name, valences, source):
        per, skipped, unlabelled = build_rows(valences, labels)
        compute_scores(per)
        sources.append((name, per, skipped, unlabelled, source))

    if args.binary:
        binary = args.binary.resolve()
        if not (binary.is_file() and os.access(binary, os.X_OK)):
            sys.exit(f"error: {args.binary} is not an executable file")
        if args.keep:
            out_dir = args.keep.resolve()
            out_dir.mkdir(parents=True, exist_ok=True)
        else:
            tmp = tempfile.mkdtemp(prefix="peakend-uss-")
            out_dir = Path(tmp)
        version = subprocess.run([str(binary), "--version"], capture_output=True,
                                 text=True).stdout.strip()
        extra = args.binary_arg
        shown = (" " + " ".join(extra)) if extra else ""
        t_ph, inter_files = run_binary(binary, data_dir, out_dir, True, extra)
        t_np, _ = run_binary(binary, data_dir, out_dir, False, extra)
        add("phrases", turns_valences(t_ph, data_dir)[0],
            f"{version}{shown} (phrase lexicon on)")
        add("no-phrases", turns_valences(t_np, data_dir)[0], f"{version}{shown} --no-phrases")
        if not args.no_vader:
            try:
                import vaderSentiment  # noqa: F401
                add("VADER", *vader_valences(read_transcripts(data_dir)))
            except ImportError:
                print("note: vaderSentiment not installed, no VADER comparison",
                      file=sys.stderr)
    elif args.vader:
        add("VADER", *vader_valences(read_transcripts(data_dir)))
    else:
        add("turns", *turns_valences(args.turns, data_dir))

    try:
        name, per, skipped, unlabelled, source = sources[0]
        print("# peakend: peak-end tuning on USS\n")
        print(f"Valences: {source}. Spearman (average ranks) against `overall`.\n")
        print_data_table(per, skipped, unlabelled)
        if len(sources) > 1:
            print("\n## Valence sources compared (wp=0.5)\n")
            for n_, _p, _s, _u, d in sources:
                print(f"- {n_}: {d}")
            print()
            report_sources([(n_, p) for n_, p, *_ in sources], args)
        if inter_files:
            check_binary_summary(per, inter_files)
        if not args.no_grid:
            report_grid(per, args)
        report_tuning(per, args)
        if args.binary:
            report_product_cases(binary, out_dir, args.binary_arg)
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
