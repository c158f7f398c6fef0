//! Small pieces of hand-written SVG shared by the charts and the map:
//! numbers, axis ticks, polygons. Everything is inline; nothing is fetched.

use std::fmt::Write as _;

/// A number with thousands separators and `decimals` places (`12,345.6`).
pub fn num(v: f64, decimals: usize) -> String {
    if !v.is_finite() {
        return "—".to_string();
    }
    let s = format!("{:.*}", decimals, v.abs());
    let (int, frac) = s.split_once('.').map(|(i, f)| (i, Some(f))).unwrap_or((&s, None));
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    // -0 reads as 0.
    if v < 0.0 && out.chars().any(|c| c.is_ascii_digit() && c != '0') {
        out.insert(0, '−');
    }
    out
}

/// A coordinate for SVG: one decimal is sub-pixel enough and keeps files small.
pub fn c(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r == r.trunc() {
        format!("{}", r as i64)
    } else {
        format!("{r:.1}")
    }
}

/// Round tick values covering [0, max]: steps of 1, 2 or 5 × 10^k, about `n` of them.
pub fn ticks(max: f64, n: usize) -> Vec<f64> {
    if max.is_nan() || max <= 0.0 {
        return vec![0.0, 1.0];
    }
    let raw = max / n.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0].iter().map(|m| m * mag).find(|s| *s >= raw).unwrap_or(10.0 * mag);
    let top = (max / step).ceil() * step;
    let count = (top / step).round() as usize;
    (0..=count).map(|i| i as f64 * step).collect()
}

/// A short tick label: 12,000 → 1.2万 in Chinese, 12k in English.
pub fn short(v: f64, zh: bool) -> String {
    let a = v.abs();
    if zh && a >= 10_000.0 {
        format!("{}万", trim(v / 10_000.0))
    } else if !zh && a >= 1_000_000.0 {
        format!("{}M", trim(v / 1_000_000.0))
    } else if !zh && a >= 1_000.0 {
        format!("{}k", trim(v / 1_000.0))
    } else {
        trim(v)
    }
}

fn trim(v: f64) -> String {
    let s = format!("{v:.1}");
    s.strip_suffix(".0").map(str::to_string).unwrap_or(s)
}

/// `points="x,y x,y …"` of a polygon or polyline.
pub fn points(pts: &[(f64, f64)]) -> String {
    let mut s = String::new();
    for (i, (x, y)) in pts.iter().enumerate() {
        if i > 0 {
            s.push(' ');
        }
        let _ = write!(s, "{},{}", c(*x), c(*y));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_get_separators_and_signs() {
        assert_eq!(num(1234567.0, 0), "1,234,567");
        assert_eq!(num(999.0, 0), "999");
        assert_eq!(num(-1234.56, 1), "−1,234.6");
        assert_eq!(num(-0.01, 0), "0");
        assert_eq!(num(f64::INFINITY, 0), "—");
    }

    #[test]
    fn ticks_are_round_and_cover_the_maximum() {
        assert_eq!(ticks(9.0, 4), vec![0.0, 5.0, 10.0]);
        assert_eq!(ticks(173_536.0, 4), vec![0.0, 50_000.0, 100_000.0, 150_000.0, 200_000.0]);
        assert_eq!(ticks(0.0, 4), vec![0.0, 1.0]);
    }

    #[test]
    fn short_labels_use_wan_in_chinese() {
        assert_eq!(short(150_000.0, true), "15万");
        assert_eq!(short(150_000.0, false), "150k");
        assert_eq!(short(800.0, true), "800");
    }
}
