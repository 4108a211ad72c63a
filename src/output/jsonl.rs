//! The JSON Lines encoding of the output tables: one object per row, the
//! columns as keys in table order, typed values. Figures are the CSV's
//! four-decimal text, which is a JSON number; a missing value is `null`;
//! explanation cells are strings holding exactly the CSV cell.

use super::schema::Value;
use super::Cells;
use crate::number;

/// Appends one row as a JSON object and a line feed.
pub(super) fn push_row<'n, 'v>(
    out: &mut Vec<u8>,
    names: impl Iterator<Item = &'n str>,
    values: impl Iterator<Item = Value<'v>>,
    cells: &mut Cells<'_>,
) {
    out.push(b'{');
    for (i, (name, value)) in names.zip(values).enumerate() {
        if i > 0 {
            out.push(b',');
        }
        push_string(out, name);
        out.push(b':');
        match value {
            Value::Text(s) | Value::Name(s) | Value::Kept(Some(s)) => push_string(out, s),
            Value::Int(Some(v)) => number::push_int(out, v),
            Value::Figure(Some(v)) => number::push_fixed(out, v, 4),
            Value::Flag(Some(v)) => {
                out.extend_from_slice(if v { b"true" } else { b"false" })
            }
            Value::Int(None)
            | Value::Figure(None)
            | Value::Flag(None)
            | Value::Kept(None) => out.extend_from_slice(b"null"),
            Value::Terms(terms) if terms.is_empty() => out.extend_from_slice(b"\"\""),
            Value::Terms(terms) => {
                let cell = cells.terms(terms);
                // Built from UTF-8 labels and ASCII figures.
                push_string(out, std::str::from_utf8(cell).unwrap_or_default());
            }
        }
    }
    out.extend_from_slice(b"}\n");
}

/// A JSON string: as it is between quotes when nothing in it needs an
/// escape (names, codes, most text), else escaped by serde_json.
fn push_string(out: &mut Vec<u8>, s: &str) {
    if s.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
        out.reserve(s.len() + 2);
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    } else {
        // Writing to a Vec cannot fail.
        let _ = serde_json::to_writer(&mut *out, s);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_typed_and_missing_ones_null() {
        let (mut cell, mut strengths) = (Vec::new(), Vec::new());
        let mut arrow = super::super::arrow::Cell::default();
        let mut cells =
            Cells { cell: &mut cell, strengths: &mut strengths, arrow: &mut arrow };
        let names = ["id", "n", "x", "missing", "flag", "agent", "none", "quote\"d\t"];
        let values = [
            Value::Text("a\"b\n\u{e9}"),
            Value::Int(Some(-3)),
            Value::Figure(Some(-0.123456)),
            Value::Figure(None),
            Value::Flag(Some(true)),
            Value::Kept(Some("Priya")),
            Value::Kept(None),
            Value::Int(None),
        ];
        let mut out = Vec::new();
        push_row(&mut out, names.into_iter(), values.into_iter(), &mut cells);
        let line = String::from_utf8(out).unwrap();
        assert_eq!(
            line,
            "{\"id\":\"a\\\"b\\n\u{e9}\",\"n\":-3,\"x\":-0.1235,\"missing\":null,\"flag\":true,\"agent\":\"Priya\",\"none\":null,\"quote\\\"d\\t\":null}\n"
        );
        let parsed: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(parsed["x"].as_f64(), Some(-0.1235));
        assert!(parsed["missing"].is_null());
    }
}
