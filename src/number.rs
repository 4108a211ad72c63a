//! Fixed-point number formatting for the CSV outputs.
//!
//! `format!("{:.4}", x)` falls back to exact big-number arithmetic (Dragon4)
//! for many values and took a quarter of the run time in profiles; figures
//! in [-1, 1] (and term contributions on VADER's ±4 scale) only need a
//! scaled integer, written with `itoa`. Rounds half away from zero; never
//! writes `-0.0000`. Everything appends to a caller's buffer, so formatting
//! never allocates.

/// Appends `x` with `decimals` (at most 9) digits after the point.
// Always inlined: with `decimals` a constant the fast path is straight code.
#[inline(always)]
pub(crate) fn push_fixed(out: &mut Vec<u8>, x: f64, decimals: u32) {
    let decimals = decimals.min(9);
    let scale = 10u64.pow(decimals);
    let scaled = x.abs() * scale as f64;
    if (decimals == 2 || decimals == 4) && scaled < 10.0 * scale as f64 - 0.5 {
        // Every score (~15 per turn) and nearly every term contribution:
        // one integer digit. Its digits come from tables (`d.dd` of the
        // first three, `dd` of the last two), built on the stack and copied
        // once; through the general path below the run took 10% more
        // instructions (callgrind, 3 MB corpus, one thread), and a digit at
        // a time 1% more. Tested against it.
        let n = (scaled + 0.5) as u32;
        let (head, tail, len) = match decimals {
            2 => (n, 0, 4),
            _ => (n / 100, u64::from(u16::from_le_bytes(TWO[(n % 100) as usize])), 6),
        };
        let start = usize::from(x >= 0.0 || n == 0);
        // All eight bytes in one store, the sign shifted out when there is
        // none, then cut to length: a copy of a varying length is a
        // `memcpy` call, and byte by byte each push checks the capacity.
        let digits = u64::from(u32::from_le_bytes(THREE[head as usize]));
        let word = (u64::from(b'-') | digits << 8 | tail << 40) >> (8 * start);
        let len = out.len() + 1 + len - start;
        out.extend_from_slice(&word.to_le_bytes());
        out.truncate(len);
        return;
    }
    push_fixed_plain(out, x, decimals);
}

/// `d.dd` for each `n` below 1000: `n / 100`, the point, two decimals.
static THREE: [[u8; 4]; 1000] = {
    let mut t = [[0; 4]; 1000];
    let mut n = 0;
    while n < 1000 {
        t[n] = [digit(n / 100), b'.', digit(n / 10), digit(n)];
        n += 1;
    }
    t
};

/// The last decimal digit of `v`, in ASCII.
const fn digit(v: usize) -> u8 {
    b'0' + (v % 10) as u8
}

/// The two digits of each `n` below 100.
static TWO: [[u8; 2]; 100] = {
    let mut t = [[0; 2]; 100];
    let mut n = 0;
    while n < 100 {
        t[n] = [digit(n / 10), digit(n)];
        n += 1;
    }
    t
};

/// [`push_fixed`] without the fast path.
#[inline(never)]
fn push_fixed_plain(out: &mut Vec<u8>, x: f64, decimals: u32) {
    let scale = 10u64.pow(decimals);
    let scaled = x.abs() * scale as f64;
    if !scaled.is_finite() || scaled >= 1e15 {
        // NaN, infinities and huge values never occur in scores; std copes.
        use std::io::Write;
        let _ = write!(out, "{x:.prec$}", prec = decimals as usize);
        return;
    }
    // Half away from zero; truncating a positive value is its floor.
    let n = (scaled + 0.5) as u64;
    if x < 0.0 && n != 0 {
        out.push(b'-');
    }
    let mut digits = itoa::Buffer::new();
    out.extend_from_slice(digits.format(n / scale).as_bytes());
    if decimals > 0 {
        out.push(b'.');
        let frac = digits.format(n % scale).as_bytes();
        out.resize(out.len() + decimals as usize - frac.len(), b'0');
        out.extend_from_slice(frac);
    }
}

/// `x` as [`push_fixed`] writes it and a parser reads it back: the nearest
/// `f64` to the rounded decimal (one correctly rounded division of two
/// exact integers), without `-0`.
pub(crate) fn rounded(x: f64, decimals: u32) -> f64 {
    let scale = 10u64.pow(decimals.min(9));
    let scaled = x.abs() * scale as f64;
    if !scaled.is_finite() || scaled >= 1e15 {
        return x;
    }
    let n = (scaled + 0.5) as u64;
    let v = n as f64 / scale as f64;
    if x < 0.0 && n != 0 {
        -v
    } else {
        v
    }
}

/// Appends an integer.
pub(crate) fn push_int(out: &mut Vec<u8>, v: i64) {
    out.extend_from_slice(itoa::Buffer::new().format(v).as_bytes());
}

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
            (0.0001, 4, "0.0001"),
            (2.85, 2, "2.85"),
            (-2.2, 2, "-2.20"),
            (-0.004, 2, "0.00"),
            (123.0, 0, "123"),
            (f64::NAN, 2, "NaN"),
        ];
        for (x, d, want) in cases {
            assert_eq!(fixed(x, d), want, "{x} with {d}");
        }
        for i in 0..20_000 {
            let x = (i as f64 * 0.000_137_3).sin() * if i % 2 == 0 { 1.0 } else { 12.0 };
            for d in 0..=6 {
                let mut plain = Vec::new();
                push_fixed_plain(&mut plain, x, d);
                assert_eq!(fixed(x, d).as_bytes(), plain, "{x} with {d}");
                assert_eq!(rounded(x, d), fixed(x, d).parse::<f64>().unwrap(), "{x}");
            }
            let std = format!("{x:.4}");
            let std = if std == "-0.0000" { "0.0000".to_string() } else { std };
            let ours = fixed(x, 4);
            let diff: f64 = std.parse::<f64>().unwrap() - ours.parse::<f64>().unwrap();
            assert!(diff.abs() <= 1.01e-4, "{x}: {std} vs {ours}");
        }
    }
}
