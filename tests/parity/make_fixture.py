#!/usr/bin/env python3
"""Generate the English VADER parity fixture: tests/data/vader_parity.tsv.

What it does
    Builds about 4,500 distinct English sentences in a contact-centre /
    customer-chat style from templates and word lists written in this file,
    each aimed at one family of rules of VADER (lexicon words of both
    polarities and various intensities, negation at distances 1-3 with every
    NEGATE word, the "no" rules, boosters and dampeners, ALL-CAPS emphasis,
    "but", "least", "never so/this", "without doubt", the special idioms,
    "!" and "?" emphasis, emoticons, emoji, punctuation attached to words,
    neutral and near-empty texts, multi-sentence and long turns). It then
    scores every sentence with vaderSentiment's
    SentimentIntensityAnalyzer().polarity_scores and writes

        text <TAB> compound <TAB> pos <TAB> neu <TAB> neg

    one line per sentence, after a header line. The numbers are the values
    VADER returns (it already rounds compound to 4 decimals and the others to
    3), written with Python's repr. The file is plain TSV without quoting:
    no text contains a tab, a newline or a double quote. Everything is
    deterministic (random.Random(2026), no set iteration), so running it
    twice gives the same bytes. A summary (sentences per rule family, signs
    of compound) goes to stdout.

How to run (from the repository root)
    pip install vadersentiment==3.3.2
    python3 tests/parity/make_fixture.py

Licences
    The sentences, templates and word lists are written by the peakend
    authors and are MIT licensed like the rest of peakend. The lexicon words
    sampled into sentences and the expected scores come from vaderSentiment
    3.3.2 (MIT licence, C.J. Hutto & E.E. Gilbert, "VADER: A Parsimonious
    Rule-based Model for Sentiment Analysis of Social Media Text", ICWSM-14).
"""

import collections
import os
import random
import re
import string
import sys

from vaderSentiment.vaderSentiment import (
    BOOSTER_DICT,
    NEGATE,
    SPECIAL_CASES,
    SENTIMENT_LADEN_IDIOMS,
    SentimentIntensityAnalyzer,
)

EXPECTED_VERSION = "3.3.2"
SEED = 2026

HERE = os.path.dirname(os.path.abspath(__file__))
OUT_PATH = os.path.normpath(os.path.join(HERE, "..", "data", "vader_parity.tsv"))

rng = random.Random(SEED)
analyzer = SentimentIntensityAnalyzer()
LEX = analyzer.lexicon

# ---------------------------------------------------------------------------
# Word lists (written for this fixture)
# ---------------------------------------------------------------------------

# Sentiment words that read naturally as adjectives / predicates in a chat.
# Words not found in the VADER lexicon are filtered out below.
POS_WORDS = """good great helpful excellent amazing fantastic perfect nice happy
pleased glad friendly easy brilliant wonderful awesome satisfied impressed lovely
superb fine cool fun useful clear efficient outstanding pleasant grateful
thankful delighted best better comfortable confident successful resolved solved
fair honest generous terrific super relieved appreciated impressive calm sweet
excited welcome safe""".split()

NEG_WORDS = """bad terrible awful horrible useless rude annoying frustrating
frustrated disappointed disappointing angry upset confused confusing poor worse
worst ridiculous unacceptable stupid lame sad unhappy pathetic hopeless wrong
broken damaged incompetent careless dreadful painful annoyed furious worried
stressed difficult inconvenient unfair misleading shocking sick tired mess
disaster failed dumb awkward ugly weak lost missing delayed ignored scam
fake""".split()

# Things a customer talks about (no lexicon words in them).
THINGS = [
    "delivery", "refund process", "checkout page", "router", "replacement laptop",
    "installation", "billing team", "app update", "new contract", "broadband connection",
    "tracking page", "returns portal", "washing machine", "headset", "meter reading",
    "engineer visit", "invoice", "payment page", "live chat", "phone line",
    "parcel", "courier", "account page", "mobile app", "booking system",
    "password reset", "upgrade", "subscription", "tablet", "printer",
    "TV box", "SIM card", "website", "call back", "warranty claim",
]
STAFF = [
    "agent", "engineer", "technician", "manager", "driver", "advisor",
    "supervisor", "rep", "person on the phone", "lady in the shop",
    "guy on the chat", "team lead", "installer", "courier",
]
PREFIXES = [  # neutral lead-ins of 0 to 4 words
    "", "Right", "The", "I think the", "For the record the", "Quick note, the",
    "Hi, the", "As I said the", "Up to now the", "After two weeks the",
]
NEUTRAL_SENTENCES = [
    "I need to change my address.",
    "Can you check the status of reference 48213?",
    "My parcel was meant to arrive on Tuesday.",
    "I am calling about the invoice from March.",
    "The engineer is booked for Friday morning.",
    "Which email address do you have on file?",
    "I moved house last month.",
    "The router has two lights on.",
    "Can I use a card over the phone?",
    "My account name is under my partner.",
    "What time does the shop open on Sunday?",
    "I was on hold for twenty minutes.",
    "The tracking page says out for delivery.",
    "Hold on while I check that.",
    "I have restarted the app twice.",
    "The serial is on the back of the box.",
    "I will send the photo by email.",
    "Do you need the last four digits of the card?",
    "Our office is on the third floor.",
    "I ordered the blue one and got the black one.",
    "The bill went out on the first of the month.",
    "Let me transfer you to the billing team.",
    "Is there a reference for this call?",
    "I spoke to someone yesterday about this.",
    "My contract ends in June.",
    "The courier left a card through the door.",
    "I have the receipt here.",
    "The light on the box is orange.",
    "I am typing from my work laptop.",
    "What is the postcode for the depot?",
    "The app asks me to log in again.",
    "I can send a screenshot.",
    "It is the second time I have called.",
    "We are on the basic plan.",
    "The engineer came on Monday.",
    "I will wait for the email.",
    "Can you read back the address?",
    "The parcel is at the depot.",
    "My partner placed the order.",
    "I am at home all day tomorrow.",
]

# Fillers that are not lexicon, booster or negation words (asserted below).
FILL1 = ["seem", "look", "feel", "sound", "that", "exactly", "overly", "all", "as",
         "been", "be", "remotely", "even", "the", "any"]
FILL2 = ["seem that", "look all that", "feel as", "sound that", "been that",
         "be the", "seem overly", "look exactly", "even look", "ever seem",
         "been all", "seem remotely", "feel the", "get any"]
FILL3 = ["seem all that", "look to be", "feel as if it is", "ever seem that",
         "been all that", "seem to be", "look as if"]

NEUTRAL_OBJECTS = ["issue", "reply", "update", "email", "change", "refund", "answer",
                   "callback", "engineer", "tracking", "fix", "invoice"]

EMOTICONS = [":)", ":(", ":-(", ":D", "<3", ";)", ":-)", ":/", ":P", ":'(", ":-D", "XD"]

# Single-codepoint emoji; each is asserted to be in emoji_utf8_lexicon.txt.
EMOJI = ["\U0001F600", "\U0001F601", "\U0001F602", "\U0001F60A", "\U0001F60D",
         "\U0001F621", "\U0001F622", "\U0001F620", "\U0001F44D", "\U0001F44E",
         "\U0001F64F", "\u2764", "\U0001F494", "\U0001F914", "\U0001F610",
         "\U0001F644", "\U0001F62D", "\U0001F389"]

# Boosters spelled with the f-word are left out of the fixture on purpose.
SKIP_BOOSTERS = {"fuckin", "fucking", "fuggin", "fugging"}

# Lexicon words never sampled into the fixture (slurs, sexual, violent or
# profane terms): stems matched anywhere in the word, plus whole words.
BLOCK_SUBSTR = [
    "fuck", "shit", "bitch", "cunt", "nigg", "fag", "whore", "slut", "bastard",
    "cock", "piss", "porn", "rape", "rapist", "raping", "retard", "dyke", "twat",
    "douche", "wank", "suicid", "murder", "kill", "terror", "molest", "slave",
    "racis", "nazi", "asshole", "jackass", "dumbass", "badass", "bullshit",
    "cancer", "tortur", "abus", "lesb", "pedo", "nude", "naked", "horny", "boob",
    "pussy", "penis", "vagina", "genocid", "lynch", "massacre", "cocaine",
    "heroin", "corpse", "hostage", "violen", "brutal", "assassin", "weapon",
    "scum", "freebas", "joypop", "pervert", "pervers", "shyster", "seduc",
    "harass", "victim", "drunk", "devil", "evil", "fwb",
]
BLOCK_WORDS = set("""ass asses arse hoe hoes god jesus christ satan devil devils evil
dick dicks damn damned dammit hell hells crap crappy sex sexy gay homo negro tit
tits gun guns war wars bomb bombs drug drugs dead die died dies death deaths fat
idiot idiots idiotic moron morons moronic hate hated hates hater haters hatred screw
screwed bugger bloody prick sucker suckers sucks lmao lmfao wtf stfu gfy kms kys
kia""".split())

# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------

RESERVED = {"but", "least", "no", "kind", "so", "this", "never", "without", "doubt",
            "at", "very", "just", "enough", "of"}


def vtok(tok):
    """Token as VADER sees it after stripping (see SentiText)."""
    s = tok.strip(string.punctuation)
    return tok if len(s) <= 2 else s


def is_inert(tok, allow=()):
    t = vtok(tok).lower()
    if t in allow:
        return True
    return (t not in LEX and t not in BOOSTER_DICT and t not in NEGATE
            and "n't" not in t and t not in RESERVED)


def assert_inert(phrases, allow=(), what=""):
    for p in phrases:
        for tok in p.split():
            assert is_inert(tok, allow), "%s: %r in %r is not inert" % (what, tok, p)


POS = [w for w in POS_WORDS if w in LEX]
NEG = [w for w in NEG_WORDS if w in LEX]
assert len(POS) >= 40 and len(NEG) >= 40
SENT_WORDS = POS + NEG

assert_inert(THINGS, allow={"the"}, what="THINGS")
assert_inert(STAFF, what="STAFF")
assert_inert([p for p in PREFIXES if p], what="PREFIXES")
assert_inert(FILL1 + FILL2 + FILL3, what="fillers")
assert_inert(NEUTRAL_OBJECTS, what="NEUTRAL_OBJECTS")
assert_inert(NEUTRAL_SENTENCES, allow={"of", "at", "this", "so", "just", "enough"},
             what="NEUTRAL_SENTENCES")
for _e in EMOJI:
    assert len(_e) == 1 and _e in analyzer.emojis, repr(_e)


def blocked(word):
    return word in BLOCK_WORDS or any(b in word for b in BLOCK_SUBSTR)


# Lexicon words for sampling: plain lowercase words of 3+ letters that are not
# rule words and not blocked, split into intensity bins by sign.
SAMPLE_POOL = [
    w for w in LEX
    if re.fullmatch(r"[a-z]{3,}", w) and w not in BOOSTER_DICT and w not in NEGATE
    and w not in RESERVED and not blocked(w)
]
BINS = collections.OrderedDict()
for _w in SAMPLE_POOL:
    _v = LEX[_w]
    if _v == 0:
        continue
    _mag = abs(_v)
    _band = "weak" if _mag < 1.0 else "mid" if _mag < 2.0 else "strong" if _mag < 3.0 else "max"
    BINS.setdefault(("pos" if _v > 0 else "neg", _band), []).append(_w)


def pick(seq):
    return rng.choice(seq)


def cap1(s):
    return s[:1].upper() + s[1:] if s else s


def the_thing():
    return "the " + pick(THINGS)


def with_prefix(core, prefix=None):
    """Prefix a neutral lead-in; core starts with a noun phrase."""
    if prefix is None:
        prefix = pick(PREFIXES)
    if not prefix:
        return cap1(core)
    if prefix.endswith("the"):
        return prefix + " " + core
    return prefix + ", " + core


def end_punct():
    return pick([".", ".", "", "!", "?", "..."])


# ---------------------------------------------------------------------------
# Collection
# ---------------------------------------------------------------------------

ROWS = collections.OrderedDict()  # text -> family (first family wins)
FAMILY_ORDER = []


def add(family, text, keep_spaces=False):
    """Record text under family unless already present. Returns True if new."""
    text = text.strip() if keep_spaces else re.sub(r" +", " ", text).strip()
    if not text:
        return False
    if family not in FAMILY_ORDER:
        FAMILY_ORDER.append(family)
    if text in ROWS:
        return False
    ROWS[text] = family
    return True


def fill_quota(family, quota, maker, max_tries=None):
    got = 0
    tries = 0
    max_tries = max_tries or quota * 30
    while got < quota and tries < max_tries:
        tries += 1
        if add(family, maker()):
            got += 1
    return got


# ---------------------------------------------------------------------------
# Families
# ---------------------------------------------------------------------------

def fam_lexicon():
    frames = [
        "The {t} was {w}.", "Your {s} was {w} today.", "I found the {t} {w}.",
        "Overall the {t} has been {w}", "{W}.", "{W}", "It was {w}.",
        "The {s} on the call was {w}", "I am {w} with the {t}.", "Left {w} by the {t}",
        "That was {w}", "The {t} is {w} as usual.",
    ]
    generic = [
        "Customer wrote {w} in the survey.", "The word in the notes is {w}.",
        "Tag for the chat: {w}", "{W} is what the caller typed.",
        "The reply from the caller was {w}.", "Ticket summary says {w}.",
        "First word in the message: {w}", "{W} was the answer in the feedback form",
    ]
    assert_inert([f.replace("{t}", "").replace("{s}", "").replace("{w}", "").replace("{W}", "")
                  for f in frames + generic], what="lexicon frames")

    def curated():
        w = pick(SENT_WORDS)
        f = pick(frames)
        return f.format(t=pick(THINGS), s=pick(STAFF), w=w, W=cap1(w))
    fill_quota("lexicon_curated", 300, curated)

    keys = list(BINS.keys())

    def sampled():
        key = pick(keys)
        w = pick(BINS[key])
        f = pick(generic)
        return f.format(w=w, W=cap1(w))
    fill_quota("lexicon_sampled", 350, sampled)

    # two and three sentiment words together
    def several():
        ws = [pick(SENT_WORDS) for _ in range(rng.randint(2, 3))]
        return "The {t} was {a}.".format(t=pick(THINGS), a=", ".join(ws[:-1]) + " and " + ws[-1])
    fill_quota("lexicon_several", 120, several)


def negation_frames(neg):
    """Frames for a NEGATE word; {F} is the filler slot (0-3 words), {w} the target."""
    n = neg
    aux = ("n't" in n or n.endswith("nt") or n in ("cannot", "aint"))
    if aux:
        return ["The {t} " + n + " {F}{w}", "I " + n + " {F}{w} about the {t}",
                "Your {s} " + n + " {F}{w}.", n + " {F}{w} at all"]
    if n in ("never", "not", "rarely", "seldom"):
        return ["The {t} was " + n + " {F}{w}", "Your {s} is " + n + " {F}{w}",
                "It has " + n + " {F}{w}.", cap1(n) + " {F}{w}"]
    if n in ("nothing", "none", "nowhere", "neither", "nor"):
        return ["There was " + n + " {F}{w} about the {t}", cap1(n) + " {F}{w}.",
                "The {t} was " + n + " {F}{w}"]
    if n in ("without", "despite"):
        return ["The {t} arrived " + n + " {F}{w}", cap1(n) + " {F}{w} the {t} is here.",
                "Your {s} sorted it " + n + " {F}{w}"]
    # nope, uhuh, uh-uh
    return [cap1(n) + " {F}{w}", "The {s} said " + n + " {F}{w}.", n + ", {F}{w}"]


def fam_negation():
    fills = {1: [""], 2: [f + " " for f in FILL1], 3: [f + " " for f in FILL2],
             4: [f + " " for f in FILL3]}
    for neg in NEGATE:
        frames = negation_frames(neg)
        for dist in (1, 2, 3):
            for k in range(3):
                def mk():
                    w = pick(POS) if k != 1 else pick(NEG)
                    return pick(frames).format(t=pick(THINGS), s=pick(STAFF),
                                               F=pick(fills[dist]), w=w)
                fill_quota("negation_d%d" % dist, 1, mk)
        # one beyond the window
        def far():
            return pick(frames).format(t=pick(THINGS), s=pick(STAFF), F=pick(fills[4]),
                                       w=pick(SENT_WORDS))
        fill_quota("negation_d4_out_of_window", 1, far)

    # capitalised / punctuated negators, double negation, n't words outside NEGATE
    def styled():
        neg = pick(["Not", "NOT", "Never", "NEVER", "Don't", "DON'T", "Isn't", "Didn't",
                    "not,", "never...", "(not", "didn't,", "Won't", "Can't"])
        return "The {t} {n} {F}{w}".format(t=pick(THINGS), n=neg,
                                           F=pick(["", "", "that ", "seem that "]),
                                           w=pick(SENT_WORDS))
    fill_quota("negation_styled", 60, styled)

    def nt_words():
        neg = pick(["mayn't", "wouldn't've", "shouldn't've", "couldn't've", "mightn't've",
                    "needn't", "oughtn't", "daren't", "y'all'dn't", "wasn't", "weren't",
                    "hasn't", "haven't", "hadn't", "isn't", "aren't"])
        return "It {n} {F}{w}".format(n=neg, F=pick(["", "been ", "seem that "]),
                                      w=pick(SENT_WORDS))
    fill_quota("negation_nt", 50, nt_words)

    def double():
        a, b = pick(["not", "never", "don't", "isn't", "without"]), pick(["not", "never", "no", "nothing", "hardly"])
        return "The {t} is {a} {b} {w}".format(t=pick(THINGS), a=a, b=b, w=pick(SENT_WORDS))
    fill_quota("negation_double", 40, double)

    def sentence_start():
        neg = pick(NEGATE)
        return "{n} {w}".format(n=cap1(neg), w=pick(SENT_WORDS))
    fill_quota("negation_short", 50, sentence_start)


def fam_no():
    fixed = [
        "no problem", "No problem!", "no problem at all", "No problems with the {t}",
        "no good", "No good.", "no help at all", "no help", "No thanks", "no thanks, I'm fine",
        "The answer was no", "no", "No.", "No!", "no no no", "no no good", "Oh no",
        "no, good", "No, terrible.", "no. good", "NO problem", "no PROBLEM",
        "No sorry", "no worries", "No issue with the {t}", "no way", "no idea",
        "no reply from the {s}", "No, the {t} is fine", "there is no problem",
        "It was no help whatsoever",
    ]
    for f in fixed:
        add("no_rules", f.format(t=pick(THINGS), s=pick(STAFF)))

    def d1():
        return pick(["No {w} at all.", "no {w}", "The {t} was no {w}", "no {w} here", "Sadly no {w}"]).format(
            w=pick(SENT_WORDS), t=pick(THINGS))
    fill_quota("no_rules", 60, d1)

    def d2():
        return "The {t} was no {f} {w}".format(t=pick(THINGS), f=pick(["real", "great", "big", "proper", "more", "very", "issue", "reply"]),
                                               w=pick(SENT_WORDS))
    fill_quota("no_rules", 50, d2)

    def d3():
        return "There was no {x} {c} {w} from the {s}".format(
            x=pick(["reply", "update", "answer", "callback", "email", "help", "problem", "refund"]),
            c=pick(["or", "nor", "or", "nor", "and", "then"]), w=pick(SENT_WORDS), s=pick(STAFF))
    fill_quota("no_rules", 60, d3)

    def d3b():
        return "no {x} {y} {w}".format(x=pick(NEUTRAL_OBJECTS), y=pick(["or", "nor", "and", "the"]),
                                       w=pick(SENT_WORDS))
    fill_quota("no_rules", 30, d3b)


def fam_booster():
    boosters = [b for b in BOOSTER_DICT if b not in SKIP_BOOSTERS]
    frames = ["The {t} was {b} {F}{w}", "Your {s} is {b} {F}{w}.", "{B} {F}{w}",
              "I am {b} {F}{w} with the {t}", "It was {b} {F}{w}!"]
    fills = ["", "", "", "seem ", "that ", "all that ", "look as "]
    for b in boosters:
        for k in range(3):
            def mk():
                w = pick(POS) if k != 1 else pick(NEG)
                return pick(frames).format(t=pick(THINGS), s=pick(STAFF), b=b, B=cap1(b),
                                           F=pick(fills), w=w)
            fill_quota("booster", 1, mk)

    def caps_booster():
        b = pick(["VERY", "REALLY", "SO", "EXTREMELY", "TOTALLY", "KINDA", "SLIGHTLY",
                  "BARELY", "ABSOLUTELY", "SOMEWHAT", "HARDLY", "QUITE"])
        return "The {t} was {b} {w}".format(t=pick(THINGS), b=b, w=pick(SENT_WORDS))
    fill_quota("booster_caps", 60, caps_booster)

    def stacked():
        b1, b2 = pick(["really", "so", "very", "extremely", "totally", "quite"]), pick(
            ["very", "really", "incredibly", "slightly", "kinda", "so", "barely"])
        return "The {t} was {a} {b} {w}".format(t=pick(THINGS), a=b1, b=b2, w=pick(SENT_WORDS))
    fill_quota("booster_stacked", 50, stacked)

    # multi-word dampeners: only seen by the idiom n-gram check when the
    # sentiment word has 3+ tokens before it
    for d in ["kind of", "sort of", "just enough", "Kind of", "sort-of", "kind-of",
              "kindof", "sortof", "sorta", "kinda"]:
        def bigram():
            w = pick(SENT_WORDS)
            if rng.random() < 0.35:
                return "{d} {w}".format(d=cap1(d), w=w)
            return pick(["The {t} was {d} {w}", "I think the {t} was {d} {w}",
                         "Your {s} was {d} {w} today", "It is {d} {w}"]).format(
                t=pick(THINGS), s=pick(STAFF), d=d, w=w)
        fill_quota("booster_kind_of_sort_of", 11, bigram)

    def neutral_target():
        return "The {t} was {b} {o}".format(t=pick(THINGS), b=pick(boosters), o=pick(["late", "blue", "big", "on time", "here"]))
    fill_quota("booster_no_target", 20, neutral_target)


def fam_caps():
    def mixed():
        w = pick(SENT_WORDS)
        return pick(["The {t} was {W}", "{W} service from the {s}", "I am {W} with the {t}",
                     "Your {s} was {W}!", "The {t} is {W}, I am done", "{W} {t}"]).format(
            t=pick(THINGS), s=pick(STAFF), W=w.upper())
    fill_quota("caps_mixed", 120, mixed)

    def full():
        w = pick(SENT_WORDS)
        s = pick(["The {t} was {w}", "{w} service from the {s}", "I am {w}",
                  "Your {s} was {w}", "This is {w}", "Very {w} {t}", "Not {w} at all"]).format(
            t=pick(THINGS), s=pick(STAFF), w=w)
        return s.upper() + pick(["", "!", "!!!", ".", "?"])
    fill_quota("caps_full", 90, full)

    def full_with_noncased():
        w = pick(SENT_WORDS)
        tail = pick([" :)", " :(", " 4 TIMES", " 2024", " ...", " 123", " :D", " <3", " -"])
        return ("THE {t} WAS {w}".format(t=pick(THINGS), w=w)).upper() + tail
    fill_quota("caps_full_noncased", 40, full_with_noncased)

    def caps_with_I():
        return "I {W} it".format(W=pick(["LOVE", "HATE", "LIKE", "GREAT", "OK"])) if rng.random() < 0.2 else \
            "I {v} the {t}, it was {W}".format(v=pick(["got", "tried", "used"]), t=pick(THINGS), W=pick(SENT_WORDS).upper())
    fill_quota("caps_I", 30, caps_with_I)

    for s in ["OK thanks", "OK", "ok THANKS", "GREAT", "Great", "great", "BAD", "ok",
              "NO", "NOT GOOD", "not GOOD", "NOT good", "OK OK", "Thanks OK"]:
        add("caps_short", s)


def fam_but():
    def clause(n, pol):
        ws = [pick(POS if pol > 0 else NEG if pol < 0 else SENT_WORDS) for _ in range(n)]
        if n == 0:
            return pick(["the {t} is here", "I got the email", "the {s} called back", "the {t} arrived"]).format(
                t=pick(THINGS), s=pick(STAFF))
        if n == 1:
            return pick(["the {t} was {a}", "your {s} was {a}", "it is {a}"]).format(
                t=pick(THINGS), s=pick(STAFF), a=ws[0])
        return "the {t} was {a}".format(t=pick(THINGS), a=", ".join(ws[:-1]) + " and " + ws[-1])

    def basic():
        na, nb = rng.randint(0, 3), rng.randint(0, 3)
        pa, pb = pick([1, -1, 0]), pick([1, -1, 0])
        conj = pick(["but", "but", "but", "But", "BUT", "but,", "but...", "(but"])
        sep = pick([" ", ", ", ". "])
        a, b = clause(na, pa), clause(nb, pb)
        return cap1(a) + sep + conj + " " + b + end_punct()
    fill_quota("but", 170, basic)

    def repeated():
        w = pick(SENT_WORDS)
        v = pick(SENT_WORDS)
        form = pick(["{w} but {w}", "{w}, {w} but {v}", "{v} but {w} and {w}", "{w} {w} but {w} {w}",
                     "The {t} was {w} but the {s} was {w}", "{w} but {v} but {w}"])
        return form.format(w=w, v=v, t=pick(THINGS), s=pick(STAFF))
    fill_quota("but_repeated_values", 50, repeated)

    # valence after 'but' equal to half a valence before it (the list.index quirk)
    pairs = []
    for a in SENT_WORDS:
        for b in SAMPLE_POOL:
            if LEX[b] == LEX[a] * 0.5 and LEX[b] != 0:
                pairs.append((a, b))
    pairs.sort()

    def half():
        a, b = pick(pairs)
        return pick(["{a} but {b}", "The {t} was {a} but {b}", "{A}, but the {s} was {b}"]).format(
            a=a, A=cap1(a), b=b, t=pick(THINGS), s=pick(STAFF))
    fill_quota("but_half_value_quirk", 30, half)

    for s in ["but", "But.", "but good", "good but", "Fine but", "but but good", "bad, but"]:
        add("but", s)


def fam_least():
    def mk():
        w = pick(SENT_WORDS)
        return pick([
            "At least the {t} was {w}", "at least {w}", "least {w}", "Least {w} {t} ever",
            "The {s} was the least {w} person", "This is the least {w} {t}",
            "At the very least {w}", "the very least {w}", "It was the very least {w} option",
            "least, {w}", "The {t} is least {w} on Monday", "I am at least {w}",
            "Not least {w}", "LEAST {w}", "at LEAST {w}", "The least {w}",
        ]).format(t=pick(THINGS), s=pick(STAFF), w=w)
    fill_quota("least", 90, mk)


def fam_never_so_this():
    def mk():
        w = pick(SENT_WORDS)
        return pick([
            "never so {w}", "Never this {w}", "It was never so {w}", "It has never been so {w}",
            "It has never been this {w}", "I have never been so {w}", "never this {w}!",
            "The {t} was never that {w}", "The {t} is never so very {w}", "It was not so {w}",
            "It was not this {w}", "The {t} is so {w}", "I find this {w}", "we were so {w}",
            "The {s} made this {w}", "so {w}", "this {w}", "It was this {w}", "Never, so {w}",
        ]).format(t=pick(THINGS), s=pick(STAFF), w=w)
    fill_quota("never_so_this", 100, mk)


def fam_without_doubt():
    def mk():
        w = pick(SENT_WORDS)
        return pick([
            "Without doubt {w}", "without a doubt {w}", "Without a doubt, the {t} was {w}",
            "Without doubt, {w}.", "The {t} is without doubt {w}", "without any doubt {w}",
            "Without the doubt {w}", "without doubt the {w} {t}", "WITHOUT A DOUBT {w}",
            "without doubts {w}", "doubt {w}", "I doubt it was {w}",
        ]).format(t=pick(THINGS), w=w)
    fill_quota("without_doubt", 50, mk)


def fam_idioms():
    # Every special case in every frame. The idiom check only runs for a
    # lexicon word with 3+ tokens before it, and "to die for" / "yeah right"
    # only match through a lexicon word next to them, so frames vary the
    # lead-in length and what follows.
    frames = [
        "{I}", "{I}!", "The {t} is {i}", "Honestly, the new {t} is {i}",
        "I think the {t} we got is {i}", "It is {i}", "{I} to be fair",
        "Your {s} is {i}", "My {t} was waiting at the {i}", "It is not {i}",
        "The {t} is really {i}", "Yeah the {t} is {i}, what a week",
        "The {t} looks {i} to me", "{I} if you ask me", "The {t} is {i} :)",
        "I reckon the {t} is {i}, honestly", "The {t} is {i} lol",
        "The {s} said the {t} is {i} and great", "{I} haha",
    ]
    for idiom in SPECIAL_CASES:
        for f in frames:
            add("idioms_special", f.format(i=idiom, I=cap1(idiom), t=pick(THINGS), s=pick(STAFF)))

    laden = list(SENTIMENT_LADEN_IDIOMS.keys())

    def mk2():
        return pick(["The {t} does not {i}", "I am a bit {i} today", "We are {i} this month",
                     "Your {s} was {i}", "{I}"]).format(i=pick(laden), I=cap1(pick(laden)),
                                                       t=pick(THINGS), s=pick(STAFF))
    fill_quota("idioms_laden_unscored", 40, mk2)


def fam_punct_emphasis():
    def excl():
        n = rng.randint(1, 6)
        body = pick([
            "The {t} was {w}", "{W}", "Your {s} was {w}", "I am {w} with the {t}",
            "The {t} arrived", "Thanks", "{W} {t}",
        ]).format(t=pick(THINGS), s=pick(STAFF), w=pick(SENT_WORDS), W=cap1(pick(SENT_WORDS)))
        style = rng.randint(0, 3)
        if style == 0:
            return body + "!" * n
        if style == 1:
            return body + " " + "!" * n
        if style == 2:
            return "!" * n + " " + body
        parts = body.split()
        return " ".join(p + ("!" if rng.random() < 0.4 else "") for p in parts) + "!" * max(0, n - 2)
    fill_quota("exclamation", 150, excl)

    def quest():
        n = rng.randint(1, 5)
        body = pick([
            "Was the {t} {w}", "Is your {s} {w}", "Why is the {t} so {w}", "Where is the {t}",
            "Can I get a refund", "{W}", "Really", "Are you {w}",
        ]).format(t=pick(THINGS), s=pick(STAFF), w=pick(SENT_WORDS), W=cap1(pick(SENT_WORDS)))
        style = rng.randint(0, 2)
        if style == 0:
            return body + "?" * n
        if style == 1:
            return body + " " + "?" * n
        return body + "?" + " more?" * (n - 1) if n > 1 else body + "?"
    fill_quota("question", 120, quest)

    def both():
        return "{b}{p}".format(b=pick(["The {t} was {w}", "{W}", "Seriously, {w}"]).format(
            t=pick(THINGS), w=pick(SENT_WORDS), W=cap1(pick(SENT_WORDS))),
            p=pick(["?!", "!?", "?!?", "!!??", "?!?!?!", "???!!!", "!?!?!?!?"]))
    fill_quota("exclamation_question", 50, both)


def fam_emoticons():
    def mk():
        e = pick(EMOTICONS)
        w = pick(SENT_WORDS + ["", "", ""])
        style = rng.randint(0, 5)
        if style == 0:
            return e
        if style == 1:
            return "The {t} was {w} {e}".format(t=pick(THINGS), w=w, e=e)
        if style == 2:
            return "{e} {W}".format(e=e, W=cap1(w) or "Thanks")
        if style == 3:
            return "Thanks{e}".format(e=e) if rng.random() < 0.5 else "{w}{e}".format(w=w or "ok", e=e)
        if style == 4:
            return "{e} {e2} the {t} is here".format(e=e, e2=pick(EMOTICONS), t=pick(THINGS))
        return "Got the {t} {e}{e}".format(t=pick(THINGS), e=e)
    fill_quota("emoticons", 140, mk)


def fam_emoji():
    def mk():
        e = pick(EMOJI)
        w = pick(SENT_WORDS)
        style = rng.randint(0, 6)
        if style == 0:
            return e
        if style == 1:
            return "The {t} was {w} {e}".format(t=pick(THINGS), w=w, e=e)
        if style == 2:
            return "The {t} was {w}{e}".format(t=pick(THINGS), w=w, e=e)
        if style == 3:
            return "{e}{w} service".format(e=e, w=w)
        if style == 4:
            return "{e}{e2} {w}".format(e=e, e2=pick(EMOJI), w=w)
        if style == 5:
            return "Thanks {e} see you".format(e=e) if rng.random() < 0.5 else "{e} the {t} is here".format(e=e, t=pick(THINGS))
        return "{w}!{e}".format(w=cap1(w), e=e)
    fill_quota("emoji", 140, mk)


def fam_punctuation():
    def mk():
        w = pick(SENT_WORDS)
        wrapped = pick([
            "{w},", "({w})", "{w}...", "'{w}'", "[{w}]", "{{{w}}}", "-{w}-", "*{w}*",
            "{w}?!", "#{w}", "@{w}", "{w}.", "...{w}", "{w};", "{w}:", "<{w}>", "{w}/{v}",
            "{w}-ish", "{w}!!", "{w}''", "_{w}_", "~{w}~", "{w}..", "$${w}", "{w}%",
        ]).format(w=w, v=pick(SENT_WORDS))
        return pick(["The {t} was {x} overall", "{X} as always", "Your {s} was {x} today",
                     "Honestly {x}", "I'd say {x} and that is it"]).format(
            t=pick(THINGS), s=pick(STAFF), x=wrapped, X=cap1(wrapped))
    fill_quota("punctuation", 130, mk)

    for s in ["ok.", "ok,", "no.", "no,", "No, no.", "so, good", "very, good", "not, good",
              "It was ok.", "It was OK!", "lol.", "(lol)", "ok...", "yes.", "yes!!",
              "(no) good", "no... good", "the shit.", "bus stop.", "good.great.awesome",
              "good,bad", "good, bad", "well-known issue", "2good", "good2", "g00d",
              "Email help@example.com", "see www.example.com", "A+ service", "10/10 service",
              "5 stars", "0 stars", "it's good", "it's not good", "isn't.", "don't!",
              "can't,", "don't good"]:
        add("punctuation", s)
    # runs of spaces between tokens (str.split() ignores them)
    for s in ["The  agent  was  good", "good  but  bad", "not   good", "very  bad  !!"]:
        add("punctuation", s, keep_spaces=True)


def fam_neutral():
    for s in NEUTRAL_SENTENCES:
        add("neutral", s)

    def mk():
        a, b = pick(NEUTRAL_SENTENCES), pick(NEUTRAL_SENTENCES)
        return a + " " + b
    fill_quota("neutral", 80, mk)

    def with_marks():
        return pick(NEUTRAL_SENTENCES).rstrip(".?") + pick(["!!!", "???", "?", "!", "?!"])
    fill_quota("neutral", 30, with_marks)


def fam_empty():
    for s in ["ok", "OK", "Ok", "ok.", "?", "??", "???", "...", ".", "..", "!", "!!!", "?!",
              "-", ":", "k", "K", "hmm", "hi", "Hi", "hello", "x", "no", "No", "yes", "Yes!",
              "thanks", "Thanks!", "lol", "LOL", "y", "n", "1", "42", "#", "*", "...?",
              "ok ok", "okay", "Okay.", "sure", "Sure!", "oh", "ah", "um", "nope", "yep"]:
        add("empty_ish", s)


def short_sentence():
    f = pick([short_plain, short_modified])
    return f()


def short_plain():
    return pick([
        "The {t} was {w}.", "Your {s} was {w}.", "I am {w}.", "Thanks for your help!",
        "This is {w}.", "The {t} is still {w}.", "I've been waiting three hours.",
        "Can I speak to a manager?", "It is {w}!", "The {s} was {w} and {v}.",
    ]).format(t=pick(THINGS), s=pick(STAFF), w=pick(SENT_WORDS), v=pick(SENT_WORDS))


def short_modified():
    return pick([
        "It was {b} {w}.", "The {t} {n} {w}.", "Not {w} at all.", "{W}!!", "{W} :)",
        "{W} but {v}.", "At least it was {w}.", "The {t} was {U}.", "No {w} here.",
        "Kind of {w}, to be honest.", "It was so {w}!",
    ]).format(t=pick(THINGS), b=pick(["very", "really", "slightly", "extremely", "kinda", "barely"]),
              n=pick(["isn't", "wasn't", "didn't seem", "never looked", "is not"]),
              w=pick(SENT_WORDS), W=cap1(pick(SENT_WORDS)), v=pick(SENT_WORDS),
              U=pick(SENT_WORDS).upper())


def fam_multi():
    def mk():
        n = rng.randint(2, 4)
        parts = [short_sentence() if rng.random() < 0.8 else pick(NEUTRAL_SENTENCES) for _ in range(n)]
        return " ".join(parts)
    fill_quota("multi_sentence", 180, mk)


def fam_long():
    def mk():
        target = rng.randint(40, 80)
        parts = []
        count = 0
        while count < target:
            s = short_sentence() if rng.random() < 0.6 else pick(NEUTRAL_SENTENCES)
            parts.append(s)
            count += len(s.split())
        text = " ".join(parts)
        words = text.split()
        if len(words) > 80:
            text = " ".join(words[:80])
        return text
    fill_quota("long_turn", 150, mk)


def main():
    from importlib.metadata import version
    v = version("vaderSentiment")
    if v != EXPECTED_VERSION:
        sys.exit("vaderSentiment %s is installed, %s is required" % (v, EXPECTED_VERSION))

    fam_lexicon()
    fam_negation()
    fam_no()
    fam_booster()
    fam_caps()
    fam_but()
    fam_least()
    fam_never_so_this()
    fam_without_doubt()
    fam_idioms()
    fam_punct_emphasis()
    fam_emoticons()
    fam_emoji()
    fam_punctuation()
    fam_neutral()
    fam_empty()
    fam_multi()
    fam_long()

    items = list(ROWS.items())
    rng.shuffle(items)

    emoji_chars = set(EMOJI)
    lines = ["text\tcompound\tpos\tneu\tneg"]
    signs = collections.Counter()
    fam_counts = collections.Counter()
    for text, fam in items:
        assert "\t" not in text and "\n" not in text and "\r" not in text, repr(text)
        assert '"' not in text, repr(text)
        assert text == text.strip(), repr(text)
        for ch in text:
            assert (32 <= ord(ch) < 127) or ch in emoji_chars, (repr(ch), text)
        s = analyzer.polarity_scores(text)
        c = s["compound"]
        lines.append("\t".join([text, repr(c), repr(s["pos"]), repr(s["neu"]), repr(s["neg"])]))
        signs["positive" if c > 0 else "negative" if c < 0 else "zero"] += 1
        fam_counts[fam] += 1

    data = "\n".join(lines) + "\n"
    os.makedirs(os.path.dirname(OUT_PATH), exist_ok=True)
    with open(OUT_PATH, "w", encoding="utf-8", newline="\n") as f:
        f.write(data)

    print("wrote %s: %d sentences, %d bytes" % (OUT_PATH, len(items), len(data.encode("utf-8"))))
    print("sentences per rule family:")
    for fam in FAMILY_ORDER:
        print("  %-28s %5d" % (fam, fam_counts[fam]))
    print("compound sign:")
    for k in ("positive", "negative", "zero"):
        print("  %-28s %5d" % (k, signs[k]))


if __name__ == "__main__":
    main()
