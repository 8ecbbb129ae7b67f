//! `confidence`: per-field values in 0..1, serialised in the order the fields appear.

use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Field name → confidence, in insertion order (the order of the result's fields).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Confidence(Vec<(String, f64)>);

impl Confidence {
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `field`, clamped to 0..1 and rounded to four decimals as the cloud service does.
    pub fn set(&mut self, field: &str, value: f64) {
        let v = (value.clamp(0.0, 1.0) * 10_000.0).round() / 10_000.0;
        match self.0.iter_mut().find(|(k, _)| k == field) {
            Some(e) => e.1 = v,
            None => self.0.push((field.to_owned(), v)),
        }
    }

    pub fn get(&self, field: &str) -> Option<f64> {
        self.0.iter().find(|(k, _)| k == field).map(|(_, v)| *v)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, f64)> {
        self.0.iter().map(|(k, v)| (k.as_str(), *v))
    }

    /// The lowest confidence of any field (1.0 when empty).
    pub fn min(&self) -> f64 {
        self.0.iter().map(|(_, v)| *v).fold(1.0, f64::min)
    }
}

impl Serialize for Confidence {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

impl<'de> Deserialize<'de> for Confidence {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Confidence;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object of field confidences")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Confidence, A::Error> {
                let mut c = Confidence::new();
                while let Some((k, v)) = map.next_entry::<String, f64>()? {
                    if !(0.0..=1.0).contains(&v) {
                        return Err(serde::de::Error::custom(format!("confidence of {k} out of 0..1: {v}")));
                    }
                    c.0.push((k, v));
                }
                Ok(c)
            }
        }
        d.deserialize_map(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_rounding_and_bounds() {
        let mut c = Confidence::new();
        c.set("surname", 0.97294);
        c.set("country_code", 1.5);
        c.set("surname", 0.5);
        assert_eq!(serde_json::to_string(&c).unwrap(), r#"{"surname":0.5,"country_code":1.0}"#);
        assert_eq!(c.min(), 0.5);
        assert!(serde_json::from_str::<Confidence>(r#"{"a":1.2}"#).is_err());
        let back: Confidence = serde_json::from_str(r#"{"b":0.1,"a":0.2}"#).unwrap();
        assert_eq!(back.iter().map(|(k, _)| k).collect::<Vec<_>>(), ["b", "a"]);
    }
}
