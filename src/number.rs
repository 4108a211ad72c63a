//! Fast number formatting for the CSV outputs.
//!
//! `format!("{:.4}", x)` falls back to exact big-number arithmetic (Dragon4)
//! for many values and took a quarter of the run time in profiles; figures
//! in [-1, 1] (and term contributions on VADER's ±4 scale) only need a
//! scaled integer. Rounds half away from zero; never writes `-0.0000`.
//! Everything appends to a caller's buffer, so formatting never allocates.

/// A formatted number on the stack.
pub struct Fixed {
    buf: [u8; 24],
    len: usize,
}

impl Fixed {
    /// The text.
    pub fn as_str(&self) -> &str {
        // Only ASCII digits, '-' and '.' are written.
        std::str::from_utf8(self.as_bytes()).unwrap_or("")
    }

    /// The bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }

    fn push(&mut self, b: u8) {
        self.buf[self.len] = b;
        self.len += 1;
    }
}

/// Formats `x` with `decimals` (at most 6) digits after the point.
#[inline]
pub fn fixed(x: f64, decimals: u32) -> Fixed {
    let decimals = decimals.min(6) as usize;
    let mut out = Fixed { buf: [b'0'; 24], len: 0 };
    let scale = POW10[decimals];
    let scaled = x.abs() * scale as f64;
    if !scaled.is_finite() || scaled >= 1e15 {
        // NaN, infinities and huge values never occur in scores; std copes.
        use std::io::Write;
        let mut cursor = std::io::Cursor::new(&mut out.buf[..]);
        let _ = write!(cursor, "{x:.decimals$}");
        out.len = cursor.position() as usize;
        return out;
    }
    // Half away from zero; truncating a positive value is its floor.
    let n = (scaled + 0.5) as u64;
    if x < 0.0 && n != 0 {
        out.push(b'-');
    }
    let (mut int, mut frac) = (n / scale, n % scale);
    let int_start = out.len;
    loop {
        out.push(b'0' + (int % 10) as u8);
        int /= 10;
        if int == 0 {
            break;
        }
    }
    out.buf[int_start..out.len].reverse();
    if decimals > 0 {
        out.push(b'.');
        for k in (0..decimals).rev() {
            out.buf[out.len + k] = b'0' + (frac % 10) as u8;
            frac /= 10;
        }
        out.len += decimals;
    }
    out
}

/// Appends `x` with `decimals` digits.
#[inline]
pub fn push_fixed(out: &mut Vec<u8>, x: f64, decimals: u32) {
    if decimals == 4 && x.abs() < 9.999_94 {
        // Every score column (~15 times per turn): one digit, the point,
        // four digits. The bytes are built in one register and copied as
        // eight (one store, one load: no `memcpy` call, and no stall on
        // reading back bytes stored one by one), then the unused tail is
        // cut off again.
        let n = (x.abs() * 10_000.0 + 0.5) as u32;
        let (int, frac) = (n / 10_000, (n % 10_000) as usize);
        let (high, low) = (DIGIT_PAIRS[frac / 100], DIGIT_PAIRS[frac % 100]);
        let digits = u64::from(b'-')
            | u64::from(b'0' + int as u8) << 8
            | u64::from(b'.') << 16
            | u64::from(u16::from_le_bytes(high)) << 24
            | u64::from(u16::from_le_bytes(low)) << 40;
        let skip = usize::from(x >= 0.0 || n == 0);
        out.extend_from_slice(&(digits >> (8 * skip)).to_le_bytes());
        out.truncate(out.len() - 1 - skip);
        return;
    }
    out.extend_from_slice(fixed(x, decimals).as_bytes());
}

/// Appends `x` with `decimals` digits to a string (term contributions).
#[inline]
pub fn push_fixed_str(out: &mut String, x: f64, decimals: u32) {
    if decimals == 2 && x.abs() < 9.995 {
        // Nearly every contribution: one digit, the point, two digits.
        let n = (x.abs() * 100.0 + 0.5) as u32;
        let pair = DIGIT_PAIRS[(n % 100) as usize];
        out.reserve(5);
        if x < 0.0 && n != 0 {
            out.push('-');
        }
        for b in [b'0' + (n / 100) as u8, b'.', pair[0], pair[1]] {
            out.push(char::from(b));
        }
        return;
    }
    out.push_str(fixed(x, decimals).as_str());
}

/// `DIGIT_PAIRS[n]` is `n` (0..100) as two ASCII digits.
const DIGIT_PAIRS: [[u8; 2]; 100] = {
    let mut pairs = [[0u8; 2]; 100];
    let mut n = 0;
    while n < 100 {
        pairs[n] = [b'0' + (n / 10) as u8, b'0' + (n % 10) as u8];
        n += 1;
    }
    pairs
};

/// Appends an integer.
#[inline]
pub fn push_int(out: &mut Vec<u8>, v: i64) {
    if v < 0 {
        out.push(b'-');
    }
    push_uint(out, v.unsigned_abs());
}

#[inline]
fn push_uint(out: &mut Vec<u8>, mut v: u64) {
    if v < 10 {
        out.push(b'0' + v as u8);
        return;
    }
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    while v > 0 {
        at -= 1;
        digits[at] = b'0' + (v % 10) as u8;
        v /= 10;
    }
    out.extend_from_slice(&digits[at..]);
}

const POW10: [u64; 7] = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000];

#[cfg(test)]
mod tests {
    use super::*;

    fn fixed(x: f64, d: u32) -> String {
        let mut v = Vec::new();
        push_fixed(&mut v, x, d);
        String::from_utf8(v).unwrap()
    }

    #[test]
    fn integers() {
        for v in [0i64, 7, 10, 99, 12345, -1, -980, i64::MIN, i64::MAX] {
            let mut out = Vec::new();
            push_int(&mut out, v);
            assert_eq!(String::from_utf8(out).unwrap(), v.to_string());
        }
    }

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
            let y = (i as f64 * 0.000_731).cos() * 12.0;
            let mut s = String::new();
            push_fixed_str(&mut s, y, 2);
            assert_eq!(s, fixed(y, 2).as_str(), "{y}");
            let x = (i as f64 * 0.000_137_3).sin() * if i % 2 == 0 { 1.0 } else { 9.0 };
            let mut pushed = Vec::new();
            push_fixed(&mut pushed, x, 4);
            assert_eq!(pushed, fixed(x, 4).as_bytes(), "{x}");
            let std = format!("{x:.4}");
            let std = if std == "-0.0000" { "0.0000".to_string() } else { std };
            let ours = fixed(x, 4);
            let diff: f64 =
                std.parse::<f64>().unwrap() - ours.as_str().parse::<f64>().unwrap();
            assert!(diff.abs() <= 1.01e-4, "{x}: {std} vs {}", ours.as_str());
        }
    }
}
