//! The values that cross the JMX boundary, reduced to what Faultline's detectors need.

use std::fmt;

/// A JMX attribute value, operation parameter or operation result.
///
/// Java's boxed numbers collapse into [`JmxValue::Int`] and [`JmxValue::Double`] so that
/// callers need not care whether an MBean declared `int` or `long`; anything richer
/// (CompositeData, arrays, custom types) arrives as its Java `toString()` in
/// [`JmxValue::Text`].
#[derive(Debug, Clone, PartialEq)]
pub enum JmxValue {
    Null,
    Bool(bool),
    Int(i64),
    Double(f64),
    Text(String),
}

impl JmxValue {
    /// The value as a floating-point number: Kafka metrics are Doubles, but counters and
    /// gauges from other MBeans are often Integers or Longs, and detectors want one type.
    /// Text is parsed, since some MBeans expose numbers as Strings.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            JmxValue::Int(i) => Some(*i as f64),
            JmxValue::Double(d) => Some(*d),
            JmxValue::Text(s) => s.trim().parse().ok(),
            JmxValue::Null | JmxValue::Bool(_) => None,
        }
    }

    /// The value as an integer. Doubles count only when they hold a whole number in range
    /// (Kafka reports byte counts such as `buffer-total-bytes` as Doubles).
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            JmxValue::Int(i) => Some(*i),
            JmxValue::Double(d) => {
                // The upper bound is exclusive: i64::MAX as f64 rounds up to 2^63.
                let whole = d.is_finite() && d.fract() == 0.0;
                if whole && *d >= i64::MIN as f64 && *d < i64::MAX as f64 {
                    Some(*d as i64)
                } else {
                    None
                }
            }
            JmxValue::Text(s) => s.trim().parse().ok(),
            JmxValue::Null | JmxValue::Bool(_) => None,
        }
    }

    /// The value as a boolean; Text counts when it is exactly "true" or "false"
    /// (case-insensitive), as Java's `Boolean.toString` writes them.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            JmxValue::Bool(b) => Some(*b),
            JmxValue::Text(s) if s.trim().eq_ignore_ascii_case("true") => Some(true),
            JmxValue::Text(s) if s.trim().eq_ignore_ascii_case("false") => Some(false),
            _ => None,
        }
    }

    /// True for [`JmxValue::Null`].
    pub fn is_null(&self) -> bool {
        matches!(self, JmxValue::Null)
    }
}

impl fmt::Display for JmxValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JmxValue::Null => f.write_str("null"),
            JmxValue::Bool(b) => write!(f, "{b}"),
            JmxValue::Int(i) => write!(f, "{i}"),
            JmxValue::Double(d) => write!(f, "{d}"),
            JmxValue::Text(s) => f.write_str(s),
        }
    }
}

impl From<bool> for JmxValue {
    fn from(v: bool) -> Self {
        JmxValue::Bool(v)
    }
}

impl From<i32> for JmxValue {
    fn from(v: i32) -> Self {
        JmxValue::Int(i64::from(v))
    }
}

impl From<i64> for JmxValue {
    fn from(v: i64) -> Self {
        JmxValue::Int(v)
    }
}

impl From<f64> for JmxValue {
    fn from(v: f64) -> Self {
        JmxValue::Double(v)
    }
}

impl From<&str> for JmxValue {
    fn from(v: &str) -> Self {
        JmxValue::Text(v.to_owned())
    }
}

impl From<String> for JmxValue {
    fn from(v: String) -> Self {
        JmxValue::Text(v)
    }
}

#[cfg(test)]
mod tests {
    use super::JmxValue;

    #[test]
    fn numbers_convert_between_int_and_double() {
        assert_eq!(JmxValue::Int(7).as_f64(), Some(7.0));
        assert_eq!(JmxValue::Double(3.3554432e7).as_i64(), Some(33_554_432));
        assert_eq!(JmxValue::Double(1.5).as_i64(), None);
        assert_eq!(JmxValue::Double(f64::NAN).as_i64(), None);
        assert_eq!(JmxValue::Double(1e300).as_i64(), None);
        assert!(JmxValue::Double(f64::NAN).as_f64().is_some_and(f64::is_nan));
    }

    #[test]
    fn text_is_parsed_leniently_and_other_kinds_are_not_numbers() {
        assert_eq!(JmxValue::from(" 42 ").as_i64(), Some(42));
        assert_eq!(JmxValue::from("2.5").as_f64(), Some(2.5));
        assert_eq!(JmxValue::from("TRUE").as_bool(), Some(true));
        assert_eq!(JmxValue::from("yes").as_bool(), None);
        assert_eq!(JmxValue::Bool(true).as_f64(), None);
        assert_eq!(JmxValue::Null.as_i64(), None);
        assert_eq!(JmxValue::Int(1).as_bool(), None);
    }

    #[test]
    fn display_writes_plain_values() {
        assert_eq!(JmxValue::Null.to_string(), "null");
        assert_eq!(JmxValue::Double(0.25).to_string(), "0.25");
        assert_eq!(JmxValue::from("G1 Young").to_string(), "G1 Young");
    }
}
