//! A serde deserializer over one CSV row's cells. Every error it returns
//! carries the index of the column being read, whatever raised it: a typed
//! cell (`f64`, `u32`, `bool`, an enum) or a custom `deserialize_with`
//! function, whose errors the csv crate reports without a field. The map
//! access attaches the column to any error that lacks one.

use super::cell;
use serde::de::{self, DeserializeSeed, Deserializer, IntoDeserializer, MapAccess, Visitor};
use std::fmt;

/// A cell that did not deserialize: which column, and what was expected.
#[derive(Debug, Clone, PartialEq)]
pub struct DeError {
    pub column: Option<usize>,
    pub expected: String,
}

impl fmt::Display for DeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.expected)
    }
}

impl std::error::Error for DeError {}

impl de::Error for DeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        DeError { column: None, expected: expected_of(&msg.to_string()) }
    }
}

/// serde's wording turned into "what was expected".
fn expected_of(msg: &str) -> String {
    let msg = msg.trim();
    if let Some(rest) = msg.strip_prefix("expected ") {
        return rest.to_string();
    }
    if let Some(field) = msg.strip_prefix("missing field ") {
        return format!("a {} column", field.trim());
    }
    if let Some(i) = msg.find(", expected ") {
        return msg[i + ", expected ".len()..].to_string();
    }
    msg.to_string()
}

/// The cells of one row, by the header's column names.
pub struct RowDeserializer<'a> {
    pub headers: &'a [String],
    pub cells: &'a [String],
}

impl<'de, 'a> Deserializer<'de> for RowDeserializer<'a> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_map(RowMap { headers: self.headers, cells: self.cells, at: 0 })
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

struct RowMap<'a> {
    headers: &'a [String],
    cells: &'a [String],
    at: usize,
}

impl<'de, 'a> MapAccess<'de> for RowMap<'a> {
    type Error = DeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, DeError> {
        if self.at >= self.headers.len().min(self.cells.len()) {
            return Ok(None);
        }
        let key: &str = &self.headers[self.at];
        seed.deserialize(key.into_deserializer()).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, DeError> {
        let i = self.at;
        self.at += 1;
        seed.deserialize(CellDeserializer { cell: &self.cells[i] }).map_err(|mut e| {
            e.column.get_or_insert(i);
            e
        })
    }
}

/// One cell (already trimmed).
pub struct CellDeserializer<'a> {
    pub cell: &'a str,
}

impl CellDeserializer<'_> {
    fn int(&self, min: i128, max: i128) -> Result<i128, DeError> {
        cell::integer(self.cell, min, max).map_err(|expected| DeError { column: None, expected })
    }
}

macro_rules! ints {
    ($($method:ident $visit:ident $t:ty),*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
            let v = self.int(<$t>::MIN as i128, <$t>::MAX as i128)?;
            visitor.$visit(v as $t)
        }
    )*};
}

impl<'de, 'a> Deserializer<'de> for CellDeserializer<'a> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_str(self.cell)
    }

    ints! {
        deserialize_u8 visit_u8 u8, deserialize_u16 visit_u16 u16, deserialize_u32 visit_u32 u32,
        deserialize_u64 visit_u64 u64, deserialize_i8 visit_i8 i8, deserialize_i16 visit_i16 i16,
        deserialize_i32 visit_i32 i32, deserialize_i64 visit_i64 i64
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_f64(cell::number(self.cell).map_err(|expected| DeError { column: None, expected })?)
    }

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_f64(visitor)
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_bool(cell::boolean(self.cell).map_err(|expected| DeError { column: None, expected })?)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        if self.cell.is_empty() {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        visitor.visit_enum(self.cell.into_deserializer())
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, _name: &'static str, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        i128 u128 char str string bytes byte_buf unit unit_struct seq tuple
        tuple_struct map struct identifier
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(rename_all = "snake_case")]
    enum Kind {
        Town,
        Street,
    }

    fn never_ok<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        let _ = String::deserialize(d)?;
        Err(de::Error::custom("expected something else"))
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Row {
        a: u32,
        b: Option<f64>,
        kind: Kind,
        #[serde(default, deserialize_with = "never_ok")]
        c: f64,
    }

    fn row(cells: &[&str]) -> Result<Row, DeError> {
        let headers: Vec<String> = ["a", "b", "kind", "c"].iter().take(cells.len()).map(|s| s.to_string()).collect();
        let cells: Vec<String> = cells.iter().map(|s| s.to_string()).collect();
        Row::deserialize(RowDeserializer { headers: &headers, cells: &cells })
    }

    #[test]
    fn reads_a_row() {
        assert_eq!(row(&["7", "", "town"]), Ok(Row { a: 7, b: None, kind: Kind::Town, c: 0.0 }));
    }

    /// Every kind of failure names its column, custom functions included.
    #[test]
    fn every_error_names_its_column() {
        let e = row(&["-1", "", "town"]).unwrap_err();
        assert_eq!(e, DeError { column: Some(0), expected: "a whole number >= 0".into() });
        let e = row(&["1", "x", "town"]).unwrap_err();
        assert_eq!(e.column, Some(1));
        let e = row(&["1", "", "village"]).unwrap_err();
        assert_eq!(e, DeError { column: Some(2), expected: "`town` or `street`".into() });
        let e = row(&["1", "", "town", "5"]).unwrap_err();
        assert_eq!(e, DeError { column: Some(3), expected: "something else".into() });
    }
}
