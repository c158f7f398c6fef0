//! Parsing one CSV cell as a number, a whole number or a yes/no value. On
//! failure the error is what was expected, with a hint for the mistakes a
//! spreadsheet makes: thousands separators, Excel error values (`#N/A`),
//! scientific notation of long codes, percent signs, full-width digits, a
//! unit after the number, a line break inside a quoted cell.

/// A number (`inf` and `NaN` parse; the range check refuses them with the
/// field's unit).
pub fn number(s: &str) -> Result<f64, String> {
    s.parse::<f64>().map_err(|_| with_hint("a number", s))
}

/// A whole number in `[min, max]` (both within ±2⁶³). A zero fractional
/// part (`1200.0`, as pandas writes integers next to empty cells) is
/// accepted; scientific notation is not (Excel shows long numbers so,
/// having dropped their last digits).
pub fn integer(s: &str, min: i128, max: i128) -> Result<i128, String> {
    let what = if min >= 0 { "a whole number >= 0" } else { "a whole number" };
    if let Ok(v) = s.parse::<i128>() {
        return if v < min {
            Err(what.to_string())
        } else if v > max {
            Err(format!("a whole number at most {max}"))
        } else {
            Ok(v)
        };
    }
    if s.contains(['e', 'E']) && s.parse::<f64>().is_ok_and(f64::is_finite) {
        return Err(format!(
            "{what} written out in full (this is scientific notation, as Excel shows long numbers after dropping \
their last digits: format the column as Number or Text and re-enter it)"
        ));
    }
    if let Some((int, frac)) = s.split_once('.') {
        if !int.is_empty() && frac.bytes().all(|b| b == b'0') {
            if let Ok(v) = integer(int, min, max) {
                return Ok(v);
            }
        }
    }
    Err(with_hint(what, s))
}

/// `true`/`false`, `yes`/`no`, `1`/`0` (any case; Excel writes `TRUE`).
pub fn boolean(s: &str) -> Result<bool, String> {
    match s.to_ascii_lowercase().as_str() {
        "true" | "yes" | "y" | "1" => Ok(true),
        "false" | "no" | "n" | "0" => Ok(false),
        _ => Err("true or false (also yes/no, 1/0)".to_string()),
    }
}

const EXCEL_ERRORS: [&str; 8] = ["#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!"];

/// `what`, with a hint when `s` shows a known spreadsheet mistake.
pub fn with_hint(what: &str, s: &str) -> String {
    match hint(s) {
        Some(h) => format!("{what} ({h})"),
        None => what.to_string(),
    }
}

fn hint(s: &str) -> Option<String> {
    // A cell this long is no mistyped number; do not scan it.
    if s.len() > 200 {
        return None;
    }
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    if let Some(e) = EXCEL_ERRORS.iter().find(|e| s.eq_ignore_ascii_case(e)) {
        return Some(format!(
            "`{e}` is an Excel error value: fill in the figure, or leave the cell empty where the column allows it"
        ));
    }
    if s.contains(['\n', '\r']) {
        return Some("the cell holds a line break: a quoted value spans lines".into());
    }
    if s.contains('，') {
        return Some("`，` is a full-width comma: write the number with ASCII digits only".into());
    }
    if s.chars().any(|c| ('０'..='９').contains(&c) || c == '．') {
        return Some("the cell has full-width digits: write ASCII digits 0-9".into());
    }
    if let Some(p) = s.strip_suffix('%') {
        if let Ok(v) = p.trim().parse::<f64>() {
            return Some(format!("write a share as a decimal: {} for {s}", crate::limits::show(v / 100.0)));
        }
    }
    let body = s.trim_start_matches(['-', '+']);
    if body.contains(',') {
        let mut groups = body.split(',');
        let head = groups.next().unwrap_or("");
        let rest: Vec<&str> = groups.collect();
        let last = rest.last().map(|g| g.split('.').next().unwrap_or("")).unwrap_or("");
        let thousands = digits(head)
            && head.len() <= 3
            && rest.iter().enumerate().all(|(i, g)| {
                let g = if i + 1 == rest.len() { last } else { g };
                g.len() == 3 && digits(g)
            });
        if thousands {
            return Some(format!("without thousands separators: write {}", s.replace(',', "")));
        }
        if rest.len() == 1 && digits(head) && digits(rest[0]) {
            return Some(format!("with a decimal point: write {}", s.replace(',', ".")));
        }
    }
    if body.contains([' ', '\u{a0}', '\u{3000}']) && body.split([' ', '\u{a0}', '\u{3000}']).all(digits) {
        return Some(format!("without spaces: write {}", s.replace([' ', '\u{a0}', '\u{3000}'], "")));
    }
    let lead: String = body.chars().take_while(|c| c.is_ascii_digit() || *c == '.').collect();
    if !lead.is_empty() && lead.len() < body.len() && lead.parse::<f64>().is_ok() {
        return Some(format!("a bare number without a unit: write {lead}"));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_their_hints() {
        assert_eq!(number("12.5"), Ok(12.5));
        assert_eq!(number("1e3"), Ok(1000.0));
        assert!(number("NaN").unwrap().is_nan());
        assert_eq!(number("15,000").unwrap_err(), "a number (without thousands separators: write 15000)");
        assert_eq!(number("1,234,567.5").unwrap_err(), "a number (without thousands separators: write 1234567.5)");
        assert_eq!(number("0,3").unwrap_err(), "a number (with a decimal point: write 0.3)");
        assert_eq!(number("30%").unwrap_err(), "a number (write a share as a decimal: 0.3 for 30%)");
        assert_eq!(number("12.5%").unwrap_err(), "a number (write a share as a decimal: 0.125 for 12.5%)");
        assert!(number("#N/A").unwrap_err().contains("`#N/A` is an Excel error value"));
        assert!(number("#div/0!").unwrap_err().contains("`#DIV/0!` is an Excel error value"));
        assert!(number("１２").unwrap_err().contains("full-width digits"));
        assert_eq!(number("120床").unwrap_err(), "a number (a bare number without a unit: write 120)");
        assert_eq!(number("15 000").unwrap_err(), "a number (without spaces: write 15000)");
        assert!(number("5\n0").unwrap_err().contains("line break"));
        assert_eq!(number("lots").unwrap_err(), "a number");
    }

    #[test]
    fn whole_numbers() {
        assert_eq!(integer("42", 0, 100), Ok(42));
        assert_eq!(integer("1200.0", 0, 10_000), Ok(1200));
        assert_eq!(integer("-1", 0, 100).unwrap_err(), "a whole number >= 0");
        assert_eq!(integer("4294967296", 0, u32::MAX as i128).unwrap_err(), "a whole number at most 4294967295");
        assert!(integer("5.00152E+11", 0, u64::MAX as i128).unwrap_err().contains("scientific notation"));
        assert_eq!(integer("1.5", 0, 10).unwrap_err(), "a whole number >= 0");
        assert_eq!(integer("-3", -10, 10), Ok(-3));
    }

    #[test]
    fn yes_and_no() {
        assert_eq!(boolean("TRUE"), Ok(true));
        assert_eq!(boolean("no"), Ok(false));
        assert_eq!(boolean("maybe").unwrap_err(), "true or false (also yes/no, 1/0)");
    }
}
