"""peakend.score and peakend.score_text against the CLI, byte for byte."""

import threading
import time

import pyarrow as pa
import pytest

import peakend
from peakend import _peakend
from conftest import EXAMPLES, USS_SETS, as_cli_csv, read_as_text, run_cli

pd = pytest.importorskip("pandas")


def assert_same_as_cli(tmp_path, path, table=None, flags=(), **options):
    want_interactions, want_turns = run_cli(tmp_path, [path], *flags)
    interactions, turns = peakend.score(read_as_text(path) if table is None else table, **options)
    assert as_cli_csv(interactions) == want_interactions
    assert as_cli_csv(turns) == want_turns


def test_examples_equal_the_cli(tmp_path):
    assert_same_as_cli(tmp_path, EXAMPLES)


@pytest.mark.parametrize(
    "flags, options",
    [
        (["--lang", "en", "--no-phrases"], dict(lang="en", no_phrases=True)),
        (["--default-lang", "fr"], dict(default_lang="fr")),
        (
            ["--end-window", "1", "--peak-weight", "2", "--negativity-bias", "1.5"],
            dict(end_window=1, peak_weight=2.0, negativity_bias=1.5),
        ),
        (
            ["--bad-ending-drop", "0.2", "--bad-ending-last", "-0.3", "--threads", "1"],
            dict(bad_ending_drop=0.2, bad_ending_last=-0.3, threads=1),
        ),
    ],
)
def test_options_are_the_cli_flags(tmp_path, flags, options):
    assert_same_as_cli(tmp_path, EXAMPLES, flags=flags, **options)


@pytest.mark.skipif(not USS_SETS, reason="../shared/data has no USS set")
@pytest.mark.parametrize("path", USS_SETS, ids=lambda p: p.stem)
def test_uss_sets_equal_the_cli(tmp_path, path):
    assert_same_as_cli(tmp_path, path)


def test_types_are_the_schemas():
    interactions, turns = peakend.score(read_as_text(EXAMPLES))
    types = {f.name: f.type for f in interactions.schema}
    assert interactions.column_names[:11] == [
        "interaction_id", "language", "turns", "customer_turns", "experienced", "peak",
        "peak_turn", "end", "remembered", "gap", "bad_ending",
    ]
    assert types["interaction_id"] == pa.string()
    assert types["turns"] == pa.int64()
    assert types["remembered"] == pa.float64()
    assert types["bad_ending"] == pa.bool_()
    assert types["peak_terms"] == pa.string()
    assert turns.column_names[:7] == [
        "interaction_id", "turn", "speaker", "valence", "positive", "negative", "neutral",
    ]
    assert turns.num_rows == 215
    assert interactions.num_rows == len(set(turns.column("interaction_id").to_pylist()))


def test_pandas_with_aliases_and_missing_figures():
    df = pd.DataFrame(
        {
            "conversation_id": ["a", "a", "b"],
            "role": ["customer", "agent", "agent"],
            "content": ["This is a waste of time!", "Sorry.", "Hello, how can I help?"],
            "seq": [1.0, 2.0, None],  # pandas' float column of whole numbers
        }
    )
    interactions, turns = peakend.score(df, lang="en")
    rows = interactions.to_pylist()
    assert [r["interaction_id"] for r in rows] == ["a", "b"]
    assert rows[0]["experienced"] < 0 and rows[0]["customer_turns"] == 1
    # No customer turn: empty figures are nulls, not zeros.
    assert rows[1]["experienced"] is None and rows[1]["bad_ending"] is None
    assert turns.column("turn").to_pylist() == [1, 2, 1]
    # A RecordBatch gives the same tables.
    again = peakend.score(pa.RecordBatch.from_pandas(df, preserve_index=False), lang="en")
    assert again[0].equals(interactions) and again[1].equals(turns)


def test_polars():
    pl = pytest.importorskip("polars")
    df = pl.DataFrame({"id": ["a"], "speaker": ["customer"], "text": ["Great, thanks!"]})
    interactions, _ = peakend.score(df, lang="en")
    assert interactions.column("experienced").to_pylist()[0] > 0


def test_a_bad_row_names_its_row_and_problem():
    table = pa.table(
        {
            "interaction_id": ["a", "a", "a", "b"],
            "speaker": ["customer", "agent", "robot", "customer"],
            "text": ["Hi", "multi\nline\ntext", "oops", "Fine."],
        }
    )
    with pytest.raises(peakend.InputError) as err:
        peakend.score(table)
    assert err.value.row == 2
    assert "robot" in err.value.problem
    assert str(err.value).startswith("row 2: ")
    interactions, turns, rejects = peakend.score(table, rejects=True)
    assert rejects.column("row").to_pylist() == [2]
    assert "robot" in rejects.column("reason")[0].as_py()
    assert turns.num_rows == 3 and interactions.num_rows == 2


@pytest.mark.parametrize(
    "speakers", ["spk_0=agent,SPK_1=customer", {"spk_0": "agent", "spk_1": "customer"}]
)
def test_speakers_is_the_cli_flag(tmp_path, speakers):
    diarised = tmp_path / "diarised.csv"
    text = EXAMPLES.read_text(encoding="utf-8")
    diarised.write_text(
        text.replace(",agent,", ",spk_0,").replace(",customer,", ",spk_1,"), encoding="utf-8"
    )
    flags = ["--speakers", "spk_0=agent,spk_1=customer"]
    assert_same_as_cli(tmp_path, diarised, flags=flags, speakers=speakers)
    with pytest.raises(peakend.InputError, match="--speakers"):
        peakend.score(read_as_text(diarised))
    with pytest.raises(ValueError, match="speakers: 'spk_0' is not LABEL=ROLE"):
        peakend.score(read_as_text(diarised), speakers="spk_0")


def test_a_missing_column_and_bad_options():
    with pytest.raises(peakend.InputError, match="speaker") as err:
        peakend.score(pa.table({"interaction_id": ["a"], "text": ["hi"]}))
    assert err.value.row is None
    table = pa.table({"id": ["a"], "speaker": ["customer"], "text": ["hi"]})
    with pytest.raises(ValueError, match="end-window"):
        peakend.score(table, end_window=0)
    with pytest.raises(ValueError, match="unsupported language 'xx'"):
        peakend.score(table, lang="xx")
    with pytest.raises(TypeError):
        peakend.score(table, no_such_option=1)
    with pytest.raises(TypeError):
        peakend.score([1, 2, 3])


def test_unsorted_rows_need_group_unsorted():
    table = pa.table(
        {"id": ["a", "b", "a"], "speaker": ["customer"] * 3, "text": ["Bad.", "Good.", "Great!"]}
    )
    with pytest.raises(peakend.InputError) as err:
        peakend.score(table, lang="en")
    assert err.value.row == 2
    interactions, _ = peakend.score(table, lang="en", group_unsorted=True)
    assert interactions.column("turns").to_pylist() == [2, 1]


def test_score_text_is_the_turn_tables_row():
    text = "This is the third time I call, a waste of time. Thanks anyway."
    one = peakend.score_text(text, lang="en")
    _, turns = peakend.score(
        pa.table({"id": ["x"], "speaker": ["customer"], "text": [text]}), lang="en"
    )
    row = turns.to_pylist()[0]
    for name in ("valence", "positive", "negative", "neutral", "emotion"):
        assert one[name] == row[name], name
    assert one["emotions"]["frustration"] == row["frustration"]
    assert one["language"] == "en"
    assert any(term == "waste of time" or "waste" in term for term, _ in one["terms"])
    assert abs(one["positive"] + one["negative"] + one["neutral"] - 1) < 1e-3
    assert peakend.score_text("Das ist wirklich schlecht.", lang="de")["valence"] < 0


def test_the_gil_is_released_while_scoring():
    base = read_as_text(EXAMPLES).to_pandas()

    def corpus(copies):
        frames = []
        for i in range(copies):
            df = base.copy()
            df["interaction_id"] = df["interaction_id"] + f"-{i}"
            frames.append(df)
        return peakend._csv_bytes(pd.concat(frames))

    ticks, stop = [0], threading.Event()

    def tick():
        while not stop.is_set():
            ticks[0] += 1
            time.sleep(0.001)

    thread = threading.Thread(target=tick)
    thread.start()
    time.sleep(0.01)
    # Enough work to tell, however fast the build: grow the input until one
    # call lasts 0.1 s.
    copies = 60
    while True:
        data = corpus(copies)
        start, began = ticks[0], time.perf_counter()
        _peakend.score_csv(data, threads=1)
        elapsed, during = time.perf_counter() - began, ticks[0] - start
        if elapsed > 0.1 or copies >= 60 * 64:
            break
        copies *= 4
    stop.set()
    thread.join()
    assert elapsed > 0.1, "too little work to tell"
    # Holding the GIL for the whole call would allow at most a tick or two.
    assert during >= 5, (during, elapsed)


def test_default_lang_applies_when_the_language_cannot_be_told():
    assert peakend.score_text("ok", default_lang="fr")["language"] == "fr"
    assert peakend.score_text("ok")["language"] == "en"
    with pytest.raises(ValueError, match="default_lang"):
        peakend.score_text("ok", default_lang="xx")
