//! The two output tables in Arrow's columnar layout, for the Python module
//! and the Parquet output.
//!
//! Each column of [`schema`](super::schema) (and each kept input column)
//! becomes one Arrow array: its validity bitmap and its value buffers
//! (offsets and bytes for text), laid out as the Arrow format specifies, so
//! that pyarrow adopts them with `Array.from_buffers`, and the Parquet writer
//! takes them as they are ([`super::parquet`]). The types follow the
//! schema's: [`Type::Text`] is `utf8`, [`Type::Int`] `int64`,
//! [`Type::Figure`] `float64`, [`Type::Flag`] `bool` (nullable, as the CSV's
//! empty cells), [`Type::Terms`] `utf8` holding exactly the CSV cell, and
//! [`Type::Kept`] `utf8`, null when the interaction has no value.
//!
//! Figures are the CLI's: the value of the four-decimal CSV cell, so that a
//! table compares equal to the CLI's output read back, whatever way the
//! caller prints it.

use super::schema::{self, Column, Row, TermList, Type, Value};
use crate::engine::Scored;
use crate::error::{Error, Result};
use crate::number;
use crate::record::Interaction;

/// The values of one column, in Arrow's layout.
#[derive(Clone, Debug, PartialEq)]
pub enum Data {
    /// `utf8`: `offsets[i]..offsets[i + 1]` of `bytes` is row `i`.
    Utf8 {
        /// One more than the rows, starting at 0.
        offsets: Vec<i32>,
        /// The texts, one after the other.
        bytes: Vec<u8>,
    },
    /// `int64`.
    Int64(Vec<i64>),
    /// `float64`.
    Float64(Vec<f64>),
    /// `bool`: a bitmap, least significant bit first.
    Boolean(Vec<u8>),
}

/// One column of a chunk.
#[derive(Clone, Debug, PartialEq)]
pub struct ArrowColumn {
    /// The schema's name (or the kept input column's).
    pub name: String,
    /// The schema's type.
    pub ty: Type,
    /// Set bit = a value, clear = null; least significant bit first.
    pub validity: Vec<u8>,
    /// Rows without a value.
    pub null_count: usize,
    /// The values (a null's slot holds zero or nothing).
    pub data: Data,
}

/// Some rows of one table, as Arrow columns (one record batch).
#[derive(Clone, Debug, PartialEq)]
pub struct Chunk {
    /// The columns, in the schema's order.
    pub columns: Vec<ArrowColumn>,
    /// Rows so far.
    pub rows: usize,
}

/// Sets bit `i` of `bits` (grown as needed) to `on`.
fn push_bit(bits: &mut Vec<u8>, i: usize, on: bool) {
    if i % 8 == 0 {
        bits.push(0);
    }
    if on {
        bits[i / 8] |= 1 << (i % 8);
    }
}

impl ArrowColumn {
    /// An empty column.
    fn new(name: String, ty: Type) -> ArrowColumn {
        let data = match ty {
            Type::Text | Type::Terms | Type::Kept => {
                Data::Utf8 { offsets: vec![0], bytes: Vec::new() }
            }
            Type::Int => Data::Int64(Vec::new()),
            Type::Figure => Data::Float64(Vec::new()),
            Type::Flag => Data::Boolean(Vec::new()),
        };
        ArrowColumn { name, ty, validity: Vec::new(), null_count: 0, data }
    }
}

impl Chunk {
    /// An empty chunk with the columns of `table`, then the kept input
    /// columns `kept` (text).
    pub fn new<F>(table: &[Column<F>], kept: &[String]) -> Chunk {
        let columns = table
            .iter()
            .map(|c| ArrowColumn::new(c.name.to_string(), c.ty))
            .chain(kept.iter().map(|k| ArrowColumn::new(k.clone(), Type::Kept)))
            .collect();
        Chunk { columns, rows: 0 }
    }

    /// The rows so far, leaving this chunk empty (with the same columns).
    pub fn take(&mut self) -> Chunk {
        let empty = self.columns.iter().map(|c| ArrowColumn::new(c.name.clone(), c.ty));
        let empty = Chunk { columns: empty.collect(), rows: 0 };
        std::mem::replace(self, empty)
    }

    /// Appends one row, its values in column order; `cell` is a reused
    /// buffer. Fails only when a text column passes Arrow's 2 GiB per array.
    pub(crate) fn push<'v>(
        &mut self,
        values: impl Iterator<Item = Value<'v>>,
        cell: &mut Cell,
    ) -> Result<()> {
        let row = self.rows;
        for (column, value) in self.columns.iter_mut().zip(values) {
            let valid = match (&mut column.data, value) {
                (Data::Utf8 { offsets, bytes }, Value::Text(s) | Value::Name(s)) => {
                    bytes.extend_from_slice(s.as_bytes());
                    push_offset(offsets, bytes.len(), &column.name)?;
                    true
                }
                (Data::Utf8 { offsets, bytes }, Value::Terms(terms)) => {
                    cell.terms(bytes, terms);
                    push_offset(offsets, bytes.len(), &column.name)?;
                    true
                }
                (Data::Utf8 { offsets, bytes }, Value::Kept(s)) => {
                    bytes.extend_from_slice(s.unwrap_or_default().as_bytes());
                    push_offset(offsets, bytes.len(), &column.name)?;
                    s.is_some()
                }
                (Data::Int64(v), Value::Int(x)) => {
                    v.push(x.unwrap_or(0));
                    x.is_some()
                }
                (Data::Float64(v), Value::Figure(x)) => {
                    v.push(x.map_or(0.0, |x| cell.figure(x)));
                    x.is_some()
                }
                (Data::Boolean(bits), Value::Flag(x)) => {
                    push_bit(bits, row, x == Some(true));
                    x.is_some()
                }
                _ => unreachable!("a schema accessor returns its column's type"),
            };
            push_bit(&mut column.validity, row, valid);
            column.null_count += usize::from(!valid);
        }
        self.rows += 1;
        Ok(())
    }
}

/// Appends the end offset of a text, refusing one past `i32::MAX`.
fn push_offset(offsets: &mut Vec<i32>, end: usize, column: &str) -> Result<()> {
    let end = i32::try_from(end).map_err(|_| {
        Error::config(format!("column {column}: more than 2 GiB of text in one batch"))
    })?;
    offsets.push(end);
    Ok(())
}

/// Buffers for the cells formatted as the CSV formats them.
#[derive(Debug, Default)]
pub(crate) struct Cell {
    text: Vec<u8>,
    strengths: Vec<f64>,
}

impl Cell {
    /// Appends the explanation cell of `terms` to `out`.
    fn terms(&mut self, out: &mut Vec<u8>, terms: TermList<'_>) {
        if !terms.is_empty() {
            // Formatted apart: `push_terms` starts a cell on an empty buffer.
            self.text.clear();
            super::push_terms(&mut self.text, &mut self.strengths, terms);
            out.extend_from_slice(&self.text);
        }
    }

    /// The value of the CSV's four-decimal cell of `x`.
    fn figure(&mut self, x: f64) -> f64 {
        if x == 0.0 {
            return 0.0;
        }
        self.text.clear();
        number::push_fixed(&mut self.text, x, 4);
        // Digits, a point and a sign: always valid UTF-8 and a number.
        std::str::from_utf8(&self.text).ok().and_then(|s| s.parse().ok()).unwrap_or(x)
    }
}

/// Both tables of some scored interactions.
#[derive(Debug)]
#[cfg_attr(not(feature = "python"), allow(dead_code))] // The Python module's.
pub struct Tables {
    /// The per-interaction table.
    pub interactions: Chunk,
    /// The per-turn table.
    pub turns: Chunk,
    /// Kept input columns in the per-interaction table.
    kept: usize,
    cell: Cell,
}

impl Default for Tables {
    fn default() -> Self {
        Tables::new(&[])
    }
}

#[cfg_attr(not(feature = "python"), allow(dead_code))] // The Python module's.
impl Tables {
    /// Empty tables, the per-interaction one with the kept input columns
    /// `kept` (the values of [`Interaction::meta`]).
    pub fn new(kept: &[String]) -> Tables {
        Tables {
            interactions: Chunk::new(schema::INTERACTION, kept),
            turns: Chunk::new(schema::TURN, &[]),
            kept: kept.len(),
            cell: Cell::default(),
        }
    }

    /// Appends one interaction's row and its turn rows.
    pub fn push(&mut self, ix: &Interaction, scored: &Scored) -> Result<()> {
        let row = schema::InteractionRow { ix, scored };
        let values = row.values().chain(super::kept_values(ix, self.kept));
        self.interactions.push(values, &mut self.cell)?;
        for (i, (turn, score)) in ix.turns.iter().zip(&scored.turns).enumerate() {
            let language = scored.turn_language(i);
            let row = schema::TurnRow { id: &ix.id, turn, score, language };
            self.turns.push(row.values(), &mut self.cell)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Engine, LangChoice};
    use crate::input::{Format, Reader};
    use crate::output::{Layout, Rows};
    use crate::score::{ScoreOptions, Scratch};

    /// Row `i` of `column` as the CSV writes it (without quotes).
    fn cell(column: &ArrowColumn, i: usize) -> String {
        if column.validity[i / 8] & (1 << (i % 8)) == 0 {
            return String::new();
        }
        match &column.data {
            Data::Utf8 { offsets, bytes } => {
                let (a, b) = (offsets[i] as usize, offsets[i + 1] as usize);
                String::from_utf8(bytes[a..b].to_vec()).unwrap()
            }
            Data::Int64(v) => v[i].to_string(),
            Data::Float64(v) => format!("{:.4}", v[i]),
            Data::Boolean(bits) => (bits[i / 8] & (1 << (i % 8)) != 0).to_string(),
        }
    }

    /// Every cell of both tables equals the CSV's, on the bundled examples.
    #[test]
    fn cells_equal_the_csv_cells() {
        let data = std::fs::read("examples/transcripts.csv").unwrap();
        let engine = Engine::new(
            LangChoice::Auto,
            None,
            ScoreOptions::default(),
            Default::default(),
        )
        .unwrap();
        let mut reader = Reader::from_bytes(data, Format::Csv);
        let (mut tables, mut rows, mut scratch) =
            (Tables::default(), Rows::default(), Scratch::default());
        while let Some(ix) = reader.next_interaction().unwrap() {
            let scored = engine.score(&ix, &mut scratch);
            tables.push(&ix, &scored).unwrap();
            rows.push(&ix, &scored, &Layout::csv(true, false));
        }
        let tables_csv = [
            (&tables.interactions, &rows.interactions.bytes),
            (&tables.turns, &rows.turns.bytes),
        ];
        for (chunk, csv) in tables_csv {
            let mut csv =
                csv::ReaderBuilder::new().has_headers(false).from_reader(&csv[..]);
            let records: Vec<csv::StringRecord> =
                csv.records().map(|r| r.unwrap()).collect();
            assert_eq!(records.len(), chunk.rows);
            assert!(chunk.rows > 0);
            for (i, record) in records.iter().enumerate() {
                for (column, want) in chunk.columns.iter().zip(record) {
                    assert_eq!(cell(column, i), want, "{} row {i}", column.name);
                }
            }
        }
    }

    #[test]
    fn nulls_are_counted_and_flags_are_bits() {
        let mut chunk = Chunk::new(&schema::INTERACTION[..0], &[]);
        assert!(chunk.columns.is_empty());
        chunk = Chunk::new(schema::INTERACTION, &[]);
        let mut cell = Cell::default();
        let flag_at =
            schema::INTERACTION.iter().position(|c| c.ty == Type::Flag).unwrap();
        let figure_at =
            schema::INTERACTION.iter().position(|c| c.ty == Type::Figure).unwrap();
        for (flag, figure) in
            [(Some(true), None), (None, Some(0.12345)), (Some(false), Some(-0.5))]
        {
            let values =
                schema::INTERACTION.iter().enumerate().map(|(i, c)| match c.ty {
                    _ if i == flag_at => Value::Flag(flag),
                    _ if i == figure_at => Value::Figure(figure),
                    Type::Text => Value::Text("x"),
                    Type::Int => Value::Int(None),
                    Type::Figure => Value::Figure(None),
                    Type::Flag => Value::Flag(None),
                    Type::Terms => Value::Text(""),
                    Type::Kept => Value::Kept(None),
                });
            chunk.push(values, &mut cell).unwrap();
        }
        let flags = &chunk.columns[flag_at];
        assert_eq!((flags.validity[0], flags.null_count), (0b101, 1));
        assert_eq!(flags.data, Data::Boolean(vec![0b001]));
        let figures = &chunk.columns[figure_at];
        assert_eq!((figures.validity[0], figures.null_count), (0b110, 1));
        assert_eq!(figures.data, Data::Float64(vec![0.0, 0.1235, -0.5]));
    }
}
