//! Turning a file's bytes into text, or saying what the file is instead:
//! UTF-16 (Excel's "Unicode Text"), GB18030/GBK (what Excel saves on Chinese
//! Windows), an Excel workbook, other binary data.

/// Why bytes are not UTF-8 text: the value shown and what was expected.
#[derive(Debug, Clone, PartialEq)]
pub struct NotText {
    /// What the file looks like, e.g. "UTF-16 LE text".
    pub found: String,
    pub expected: String,
    /// 1-based line of the first bad byte, when that is meaningful.
    pub line: Option<usize>,
}

const SAVE_AS: &str = "save it as “CSV UTF-8 (comma delimited)” in Excel";

/// The text of a file: UTF-8, a leading byte-order mark removed.
pub fn decode(bytes: &[u8]) -> Result<String, NotText> {
    let refuse = |found: &str, how: String| NotText {
        found: found.to_string(),
        expected: format!("UTF-8 text: {how}"),
        line: None,
    };
    let iconv = |from: &str| format!("{SAVE_AS}, or convert it: iconv -f {from} -t UTF-8");
    if bytes.starts_with(&[0xFF, 0xFE]) {
        return Err(refuse("UTF-16 LE text (Excel's “Unicode Text”)", iconv("UTF-16LE")));
    }
    if bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(refuse("UTF-16 BE text", iconv("UTF-16BE")));
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return Err(refuse("an Excel workbook (.xlsx) or another zip file", SAVE_AS.to_string()));
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(refuse("an Excel 97–2003 workbook (.xls)", SAVE_AS.to_string()));
    }
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    if let Some(order) = utf16_without_bom(bytes) {
        return Err(refuse(
            &format!("UTF-16 {order} text without a byte-order mark"),
            iconv(&format!("UTF-16{order}")),
        ));
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => {
            if let Some(at) = s.find('\0') {
                return Err(NotText {
                    found: "binary data (a NUL byte)".into(),
                    expected: "a text file".into(),
                    line: Some(s[..at].matches('\n').count() + 1),
                });
            }
            Ok(s.to_string())
        }
        Err(e) => {
            let at = e.valid_up_to();
            let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
            if looks_gb18030(bytes) {
                return Err(NotText {
                    found: "GB18030/GBK text (what Excel saves on Chinese Windows)".into(),
                    expected: format!("UTF-8 text: {}", iconv("GB18030")),
                    line: Some(line),
                });
            }
            Err(NotText {
                found: format!("a byte that is not UTF-8 (byte {} of the file, 0x{:02X})", at + 1, bytes[at]),
                expected: format!("UTF-8 text: {SAVE_AS}"),
                line: Some(line),
            })
        }
    }
}

/// "LE"/"BE" when every other byte of the start is NUL (ASCII in UTF-16).
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static str> {
    let head = &bytes[..bytes.len().min(200) & !1];
    if head.len() < 4 {
        return None;
    }
    let zeros = |parity: usize| head.iter().skip(parity).step_by(2).filter(|&&b| b == 0).count();
    let half = head.len() / 2;
    if zeros(1) * 10 >= half * 8 && zeros(0) * 10 < half * 2 {
        Some("LE")
    } else if zeros(0) * 10 >= half * 8 && zeros(1) * 10 < half * 2 {
        Some("BE")
    } else {
        None
    }
}

/// Whether `bytes` is well-formed GB18030 with at least one multi-byte character.
fn looks_gb18030(bytes: &[u8]) -> bool {
    let mut i = 0;
    let mut multi = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            i += 1;
            continue;
        }
        if !(0x81..=0xFE).contains(&b) || i + 1 >= bytes.len() {
            return false;
        }
        let t = bytes[i + 1];
        if (0x40..=0xFE).contains(&t) && t != 0x7F {
            i += 2;
        } else if (0x30..=0x39).contains(&t)
            && i + 3 < bytes.len()
            && (0x81..=0xFE).contains(&bytes[i + 2])
            && (0x30..=0x39).contains(&bytes[i + 3])
        {
            i += 4;
        } else {
            return false;
        }
        multi += 1;
    }
    multi > 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16le(s: &str, bom: bool) -> Vec<u8> {
        let mut v = if bom { vec![0xFF, 0xFE] } else { vec![] };
        for u in s.encode_utf16() {
            v.extend_from_slice(&u.to_le_bytes());
        }
        v
    }

    #[test]
    fn utf8_with_and_without_bom() {
        assert_eq!(decode("a,b\n".as_bytes()).unwrap(), "a,b\n");
        assert_eq!(decode(b"\xEF\xBB\xBFa,b\n").unwrap(), "a,b\n");
    }

    #[test]
    fn utf16_is_named() {
        let e = decode(&utf16le("code,name\n", true)).unwrap_err();
        assert!(e.found.starts_with("UTF-16 LE"), "{e:?}");
        let e = decode(&utf16le("code,name\n", false)).unwrap_err();
        assert_eq!(e.found, "UTF-16 LE text without a byte-order mark");
    }

    #[test]
    fn gb18030_is_named_with_its_line() {
        // "甲街道" in GBK: BC D7 BD D6 B5 C0, on line 2.
        let bytes = b"code,name\n1,\xBC\xD7\xBD\xD6\xB5\xC0\n";
        let e = decode(bytes).unwrap_err();
        assert!(e.found.starts_with("GB18030"), "{e:?}");
        assert_eq!(e.line, Some(2));
    }

    #[test]
    fn other_bad_bytes_and_workbooks() {
        let e = decode(b"a\n\xFF\xFF\xFF").unwrap_err();
        assert_eq!(e.found, "a byte that is not UTF-8 (byte 3 of the file, 0xFF)");
        assert_eq!(e.line, Some(2));
        assert!(decode(b"PK\x03\x04rest").unwrap_err().found.contains("xlsx"));
        assert!(decode(b"a,b\n\0").unwrap_err().found.contains("NUL"));
    }
}
