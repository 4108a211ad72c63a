//! The Parquet encoding of the output tables, through the `parquet` crate.
//!
//! The rows come as [`Chunk`]s of Arrow columns, built by the workers
//! ([`super::arrow`], the one definition that the Python module uses too);
//! each chunk becomes one Arrow record batch, its buffers moved, not
//! copied, and goes to parquet's `ArrowWriter`, which closes a row group
//! every [`ROW_GROUP_ROWS`] rows: memory holds one row group at most,
//! whatever the size of the batch. Chunks follow the input, not the
//! threads, so the file's bytes are the same for any `--threads`.
//!
//! Types: [`Type::Text`] and [`Type::Terms`] are `utf8` (never null),
//! [`Type::Int`] `int64`, [`Type::Figure`] `float64`, [`Type::Flag`]
//! `bool` and [`Type::Kept`] `utf8`, all nullable. Pages are compressed
//! with Snappy, which every Parquet reader reads.

use std::path::Path;
use std::sync::Arc;

use arrow_array::{
    ArrayRef, BooleanArray, Float64Array, Int64Array, RecordBatch, StringArray,
};
use arrow_buffer::{BooleanBuffer, Buffer, NullBuffer, OffsetBuffer, ScalarBuffer};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;

use super::arrow::{ArrowColumn, Chunk, Data};
use super::atomic::AtomicFile;
use super::schema::{Column, Type};
use crate::error::{Error, Result};

/// Rows per row group: a reader can skip or read in parallel by row group,
/// and the writer holds one in memory (a few tens of megabytes of turns).
pub const ROW_GROUP_ROWS: usize = 1 << 16;

/// The Arrow type of a schema type, and whether it may be null.
fn arrow_type(ty: Type) -> (DataType, bool) {
    match ty {
        Type::Text | Type::Terms => (DataType::Utf8, false),
        Type::Kept => (DataType::Utf8, true),
        Type::Int => (DataType::Int64, true),
        Type::Figure => (DataType::Float64, true),
        Type::Flag => (DataType::Boolean, true),
    }
}

/// The Arrow schema of `table` followed by the kept columns `kept`.
pub fn arrow_schema<F>(table: &[Column<F>], kept: &[String]) -> SchemaRef {
    let field = |name: &str, ty: Type| {
        let (data_type, nullable) = arrow_type(ty);
        Field::new(name, data_type, nullable)
    };
    let fields: Vec<Field> = table
        .iter()
        .map(|c| field(c.name, c.ty))
        .chain(kept.iter().map(|k| field(k, Type::Kept)))
        .collect();
    Arc::new(Schema::new(fields))
}

/// One Parquet output file. The writer starts with the first rows (or at
/// the end of an empty run), so a run that fails before writes nothing to
/// standard output.
pub struct ParquetOut {
    /// The file until the writer takes it, and again once it is finished.
    file: Option<AtomicFile>,
    writer: Option<ArrowWriter<AtomicFile>>,
    schema: SchemaRef,
    name: std::path::PathBuf,
}

impl ParquetOut {
    /// A Parquet output of `table` and the kept columns to `file`.
    pub fn new<F>(
        file: AtomicFile,
        table: &[Column<F>],
        kept: &[String],
    ) -> Result<ParquetOut> {
        let name = file.name().to_path_buf();
        Ok(ParquetOut {
            file: Some(file),
            writer: None,
            schema: arrow_schema(table, kept),
            name,
        })
    }

    /// The target's name, for messages.
    pub fn name(&self) -> &Path {
        &self.name
    }

    fn error(&self, e: impl std::fmt::Display) -> Error {
        Error::io(&self.name, std::io::Error::other(format!("writing Parquet: {e}")))
    }

    fn writer(&mut self) -> Result<&mut ArrowWriter<AtomicFile>> {
        if self.writer.is_none() {
            let Some(file) = self.file.take() else {
                return Err(self.error("written after it was finished"));
            };
            let props = WriterProperties::builder()
                .set_compression(Compression::SNAPPY)
                .set_max_row_group_size(ROW_GROUP_ROWS)
                .build();
            let writer =
                ArrowWriter::try_new(file, Arc::clone(&self.schema), Some(props))
                    .map_err(|e| self.error(e))?;
            self.writer = Some(writer);
        }
        Ok(self.writer.as_mut().expect("set above"))
    }

    /// Writes the rows of `chunk` (columns in the schema's order).
    pub fn write(&mut self, chunk: Chunk) -> Result<()> {
        let batch = record_batch(chunk, &self.schema).map_err(|e| self.error(e))?;
        let written = self.writer()?.write(&batch);
        written.map_err(|e| self.error(e))
    }

    /// Writes the footer and forces the file to disk.
    pub fn finish(&mut self) -> Result<()> {
        self.writer()?;
        if let Some(writer) = self.writer.take() {
            let mut file = writer.into_inner().map_err(|e| self.error(e))?;
            file.finish()?;
            self.file = Some(file);
        }
        Ok(())
    }

    /// The file, once finished, to commit.
    pub fn into_file(self) -> AtomicFile {
        match (self.file, self.writer) {
            (Some(file), _) => file,
            // Not finished: dropping the writer's file discards it.
            (None, Some(writer)) => writer
                .into_inner()
                .unwrap_or_else(|_| unreachable!("a run commits only finished outputs")),
            (None, None) => unreachable!("the file is either held or written"),
        }
    }
}

/// A chunk's columns as a record batch of `schema`, their buffers moved.
pub fn record_batch(
    chunk: Chunk,
    schema: &SchemaRef,
) -> std::result::Result<RecordBatch, arrow_schema::ArrowError> {
    let rows = chunk.rows;
    let arrays: Vec<ArrayRef> = chunk
        .columns
        .into_iter()
        .map(|c| array(c, rows))
        .collect::<std::result::Result<_, _>>()?;
    RecordBatch::try_new(Arc::clone(schema), arrays)
}

/// One column as an Arrow array of `rows` rows.
fn array(
    c: ArrowColumn,
    rows: usize,
) -> std::result::Result<ArrayRef, arrow_schema::ArrowError> {
    let bits = |bytes: Vec<u8>| BooleanBuffer::new(Buffer::from_vec(bytes), 0, rows);
    let nulls = (c.null_count > 0).then(|| NullBuffer::new(bits(c.validity)));
    Ok(match c.data {
        Data::Utf8 { offsets, bytes } => Arc::new(StringArray::try_new(
            OffsetBuffer::new(ScalarBuffer::from(offsets)),
            Buffer::from_vec(bytes),
            nulls,
        )?),
        Data::Int64(v) => Arc::new(Int64Array::new(ScalarBuffer::from(v), nulls)),
        Data::Float64(v) => Arc::new(Float64Array::new(ScalarBuffer::from(v), nulls)),
        Data::Boolean(v) => Arc::new(BooleanArray::new(bits(v), nulls)),
    })
}
