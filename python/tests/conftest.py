"""Shared helpers: the CLI to compare with, and the CLI's CSV encoding of a
pyarrow table (so a table can be compared with the CLI's output byte for
byte)."""

import os
import subprocess
from pathlib import Path

import pyarrow as pa
import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "transcripts.csv"
SHARED_DATA = ROOT.parent / "shared" / "data"
USS_SETS = sorted(SHARED_DATA.glob("uss_*.csv"))


def cli_path() -> Path:
    """The CLI: $PEAKEND_BIN, else the release build, else the debug build."""
    if os.environ.get("PEAKEND_BIN"):
        return Path(os.environ["PEAKEND_BIN"])
    for profile in ("release", "debug"):
        path = ROOT / "target" / profile / "peakend"
        if path.exists():
            return path
    pytest.fail("no peakend CLI to compare with: run `cargo build` first or set PEAKEND_BIN")


def run_cli(tmp_path: Path, inputs, *flags) -> tuple:
    """The CLI's two CSV outputs (bytes) for `inputs` with `flags`."""
    out, turns = tmp_path / "interactions.csv", tmp_path / "turns.csv"
    cmd = [str(cli_path()), "score", *map(str, inputs), "-o", str(out), "--turns", str(turns), "--quiet", *flags]
    subprocess.run(cmd, check=True)
    return out.read_bytes(), turns.read_bytes()


def _cell(value, arrow_type) -> str:
    if value is None:
        return ""
    if pa.types.is_boolean(arrow_type):
        return "true" if value else "false"
    if pa.types.is_floating(arrow_type):
        return f"{value:.4f}"
    text = str(value)
    if any(c in text for c in ',"\n\r'):
        return '"' + text.replace('"', '""') + '"'
    return text


def as_cli_csv(table: pa.Table) -> bytes:
    """`table` written as the CLI writes its CSVs."""
    types = [f.type for f in table.schema]
    lines = [",".join(table.column_names)]
    for row in zip(*(c.to_pylist() for c in table.columns)):
        lines.append(",".join(_cell(v, t) for v, t in zip(row, types)))
    return ("\n".join(lines) + "\n").encode()


def read_as_text(path: Path) -> pa.Table:
    """A CSV read with every column as text, exactly as written."""
    import pyarrow.csv as pacsv

    names = pacsv.read_csv(path, read_options=pacsv.ReadOptions(skip_rows_after_names=0)).column_names
    convert = pacsv.ConvertOptions(
        column_types={n: pa.string() for n in names},
        strings_can_be_null=False,
        quoted_strings_can_be_null=False,
    )
    return pacsv.read_csv(path, convert_options=convert)
