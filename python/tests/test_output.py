"""The CLI's Parquet and JSON Lines outputs read by pyarrow and pandas with
the types the README documents, and kept columns (--keep, keep=)."""

import json
import re
import subprocess

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import peakend
from conftest import EXAMPLES, ROOT, cli_path, read_as_text

pd = pytest.importorskip("pandas")

#: The README's `type` cells, as Arrow types and nullability.
README_TYPES = {
    "string": (pa.string(), False),
    "string, nullable": (pa.string(), True),
    "int64, nullable": (pa.int64(), True),
    "float64, nullable": (pa.float64(), True),
    "bool, nullable": (pa.bool_(), True),
}

WITH_META = (
    "id,speaker,text,agent_id,queue\n"
    "A,customer,my bill is wrong again,Priya,\n"
    "A,agent,sorry about that,Priya,billing\n"
    "A,customer,still wrong and useless,Sam,billing\n"
    "B,customer,thanks a lot that fixed it,Jo,sales\n"
)


def readme_types(heading: str) -> dict:
    """Column name -> type cell of the README table under `heading`."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split(heading, 1)[1]
    types = {}
    for line in section.split("\n| column | type | meaning |", 1)[1].splitlines()[2:]:
        if not line.startswith("|"):
            break
        names, ty = line[1:].split(" | ")[:2]
        for name in re.findall(r"`([^`]+)`", names):
            types[name] = ty.strip()
    return types


def score(tmp_path, *flags, input_path=EXAMPLES):
    cmd = [str(cli_path()), "score", str(input_path), "--quiet", *map(str, flags)]
    return subprocess.run(cmd, check=True, cwd=tmp_path, capture_output=True).stdout


def test_parquet_has_the_readme_types(tmp_path):
    score(tmp_path, "-o", "ix.parquet", "--turns", "turns.parquet")
    tables = [("ix.parquet", "### Per interaction"), ("turns.parquet", "### Per turn")]
    for name, heading in tables:
        table = pq.read_table(tmp_path / name)
        documented = readme_types(heading)
        assert table.column_names == list(documented)
        for field in table.schema:
            arrow_type, nullable = README_TYPES[documented[field.name]]
            assert field.type == arrow_type, field.name
            assert field.nullable == nullable, field.name
            if not nullable:
                assert table.column(field.name).null_count == 0, field.name


def test_pandas_reads_parquet_as_the_csv_says(tmp_path):
    score(tmp_path, "-o", "ix.parquet", "--turns", "turns.parquet")
    score(tmp_path, "-o", "ix.csv", "--turns", "turns.csv")
    for stem in ("ix", "turns"):
        frame = pd.read_parquet(tmp_path / f"{stem}.parquet", dtype_backend="numpy_nullable")
        csv = read_as_text(tmp_path / f"{stem}.csv").to_pandas()
        assert list(frame.columns) == list(csv.columns)
        assert len(frame) == len(csv) > 0
        for name in frame.columns:
            column = frame[name]
            if str(column.dtype) == "Float64":
                got = [("" if pd.isna(v) else f"{v:.4f}") for v in column]
            elif str(column.dtype) == "boolean":
                got = [("" if pd.isna(v) else str(bool(v)).lower()) for v in column]
            elif str(column.dtype) == "Int64":
                got = [("" if pd.isna(v) else str(int(v))) for v in column]
            else:
                got = ["" if v is None or v is pd.NA else str(v) for v in column]
            assert got == list(csv[name]), f"{stem}.{name}"
    plain = pd.read_parquet(tmp_path / "ix.parquet")
    assert plain["experienced"].dtype == "float64"
    assert plain["turns"].dtype == "int64"


def test_jsonl_values_are_typed(tmp_path):
    out = score(tmp_path, "--format", "jsonl")
    rows = [json.loads(line) for line in out.decode().splitlines()]
    assert rows and list(rows[0])[:3] == ["interaction_id", "language", "turns"]
    for row in rows:
        assert isinstance(row["turns"], int)
        assert row["experienced"] is None or isinstance(row["experienced"], float)
        assert row["bad_ending"] in (True, False, None)
        assert isinstance(row["peak_terms"], str)
    frame = pd.DataFrame(rows)
    assert frame["turns"].dtype == "int64"


def test_kept_columns_in_parquet_and_in_python(tmp_path):
    path = tmp_path / "in.csv"
    path.write_text(WITH_META)
    score(tmp_path, "--keep", "agent_id,queue", "-o", "ix.parquet", input_path=path)
    table = pq.read_table(tmp_path / "ix.parquet")
    assert table.column_names[-2:] == ["agent_id", "queue"]
    assert table.schema.field("queue").type == pa.string()
    assert table.column("agent_id").to_pylist() == ["Priya", "Jo"]
    assert table.column("queue").to_pylist() == ["billing", "sales"]

    turns = read_as_text(path)
    interactions, _ = peakend.score(turns, keep="agent_id,queue")
    assert interactions.column_names == table.column_names
    assert interactions.column("agent_id").to_pylist() == ["Priya", "Jo"]
    everything, _ = peakend.score(turns, keep_all=True)
    assert everything.column_names[-2:] == ["agent_id", "queue"]
    with pytest.raises(peakend.InputError, match="no column 'team'"):
        peakend.score(turns, keep=["team"])
