//! Fast fixed-point formatting of figures for the CSV outputs.
//!
//! `format!("{:.4}", x)` falls back to exact big-number arithmetic (Dragon4)
//! for many values and took a quarter of the run time in profiles; figures
//! in [-1, 1] (and term contributions on VADER's ±4 scale) only need a
//! scaled integer. Rounds half away from zero; never writes `-0.0000`.

/// A formatted number on the stack.
pub struct Fixed {
    buf: [u8; 32],
    len: usize,
}

impl Fixed {
    /// The text.
    pub fn as_str(&self) -> &str {
        // Only ASCII digits, '-', '.' (or the std fallback) are written.
        std::str::from_utf8(&self.buf[..self.len]).unwrap_or("")
    }

    /// The bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

/// Formats `x` with `decimals` (at most 6) digits after the point.
pub fn fixed(x: f64, decimals: u32) -> Fixed {
    let decimals = decimals.min(6);
    let mut out = Fixed { buf: [0; 32], len: 0 };
    let scale = 10u64.pow(decimals);
    let scaled = (x.abs() * scale as f64).round();
    if !scaled.is_finite() || scaled >= 1e15 {
        use std::io::Write;
        let mut cursor = std::io::Cursor::new(&mut out.buf[..]);
        let _ = write!(cursor, "{:.*}", decimals as usize, x);
        out.len = cursor.position() as usize;
        return out;
    }
    let n = scaled as u64;
    if n == 0 {
        // Most emotion intensities are 0: no digit loop for them.
        const ZEROS: &[u8] = b"0.000000";
        let len = if decimals == 0 { 1 } else { decimals as usize + 2 };
        out.buf[..len].copy_from_slice(&ZEROS[..len]);
        out.len = len;
        return out;
    }
    let mut digits = [0u8; 24];
    let mut len = 0;
    let mut v = n;
    // At least decimals + 1 digits, so "0.0500" keeps its leading zeros.
    while v > 0 || len <= decimals as usize {
        digits[len] = b'0' + (v % 10) as u8;
        v /= 10;
        len += 1;
    }
    if x < 0.0 && n != 0 {
        out.buf[out.len] = b'-';
        out.len += 1;
    }
    for k in (0..len).rev() {
        out.buf[out.len] = digits[k];
        out.len += 1;
        if k == decimals as usize && decimals > 0 {
            out.buf[out.len] = b'.';
            out.len += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::fixed;

    #[test]
    fn formats_like_std_for_ordinary_values() {
        let cases = [
            (0.0, 4, "0.0000"),
            (-0.0, 4, "0.0000"),
            (-0.00001, 4, "0.0000"),
            (0.12345678, 4, "0.1235"),
            (-0.5, 4, "-0.5000"),
            (1.0, 4, "1.0000"),
            (-1.0, 4, "-1.0000"),
            (0.05, 4, "0.0500"),
            (2.85, 2, "2.85"),
            (-2.2, 2, "-2.20"),
            (123.0, 0, "123"),
            (f64::NAN, 2, "NaN"),
        ];
        for (x, d, want) in cases {
            assert_eq!(fixed(x, d).as_str(), want, "{x} with {d}");
        }
        for i in 0..20_000 {
            let x = (i as f64 * 0.000_137_3).sin();
            let std = format!("{x:.4}");
            let std = if std == "-0.0000" { "0.0000".to_string() } else { std };
            let ours = fixed(x, 4);
            let diff: f64 = std.parse::<f64>().unwrap() - ours.as_str().parse::<f64>().unwrap();
            assert!(diff.abs() <= 1.01e-4, "{x}: {std} vs {}", ours.as_str());
        }
    }
}
