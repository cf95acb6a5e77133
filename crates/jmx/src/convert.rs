//! Converting between Java objects (j4rs `Instance`s) and [`JmxValue`].
//!
//! j4rs converts by the *declared* type of the method that produced an instance (for
//! `Attribute.getValue()` that is `Object`, which j4rs would push through JSON, where NaN,
//! common in Kafka metrics, is not representable). So the runtime class is looked up first
//! and the value is unboxed through `Number`/`Boolean`/`String` methods, which j4rs then
//! reads directly over JNI.

use j4rs::{Instance, InvocationArg, Jvm, Null};

use crate::classify::{Failure, Kind};
use crate::value::JmxValue;

const NO_ARGS: &[InvocationArg; 0] = &[];

/// True when the Java reference inside `instance` is null.
pub(crate) fn is_null(jvm: &Jvm, instance: &Instance) -> Result<bool, Failure> {
    Ok(jvm.check_equals(
        instance,
        InvocationArg::create_null(Null::Of("java.lang.Object"))?,
    )?)
}

/// Reads a Java `String` (or anything, via `toString()`) into Rust.
pub(crate) fn to_string(jvm: &Jvm, instance: &Instance) -> Result<String, Failure> {
    let s = jvm.invoke(instance, "toString", NO_ARGS)?;
    Ok(jvm.to_rust::<String>(s)?)
}

/// The runtime class name of a non-null instance.
fn class_name(jvm: &Jvm, instance: &Instance) -> Result<String, Failure> {
    let class = jvm.invoke(instance, "getClass", NO_ARGS)?;
    let name = jvm.invoke(&class, "getName", NO_ARGS)?;
    Ok(jvm.to_rust::<String>(name)?)
}

/// Converts any Java value: boxed integers to Int, Double/Float to Double, Boolean to Bool,
/// String to Text, null to Null, and everything else to Text of its `toString()`.
pub(crate) fn from_java(jvm: &Jvm, value: &Instance) -> Result<JmxValue, Failure> {
    if is_null(jvm, value)? {
        return Ok(JmxValue::Null);
    }
    let class = class_name(jvm, value)?;
    Ok(match class.as_str() {
        "java.lang.Integer" | "java.lang.Long" | "java.lang.Short" | "java.lang.Byte" => {
            let number = jvm.cast(value, "java.lang.Number")?;
            JmxValue::Int(jvm.to_rust::<i64>(jvm.invoke(&number, "longValue", NO_ARGS)?)?)
        }
        "java.lang.Double" | "java.lang.Float" => {
            let number = jvm.cast(value, "java.lang.Number")?;
            JmxValue::Double(jvm.to_rust::<f64>(jvm.invoke(&number, "doubleValue", NO_ARGS)?)?)
        }
        "java.lang.Boolean" => {
            let text = to_string(jvm, value)?;
            JmxValue::Bool(text == "true")
        }
        "java.lang.String" => {
            let string = jvm.cast(value, "java.lang.String")?;
            JmxValue::Text(jvm.to_rust::<String>(string)?)
        }
        _ => JmxValue::Text(to_string(jvm, value)?),
    })
}

/// Builds the Java argument for `value` where the MBean declares `java_type` (as
/// `MBeanAttributeInfo.getType()` / `MBeanParameterInfo.getType()` spell it), or picks a
/// natural boxed type when nothing is declared. Java reflection does not widen or narrow
/// boxed numbers, so an `int` attribute must receive an `Integer`, not a `Long`.
pub(crate) fn to_java(value: &JmxValue, java_type: Option<&str>) -> Result<InvocationArg, Failure> {
    let ty = java_type.unwrap_or(match value {
        JmxValue::Null | JmxValue::Text(_) => "java.lang.String",
        JmxValue::Bool(_) => "java.lang.Boolean",
        JmxValue::Int(_) => "java.lang.Long",
        JmxValue::Double(_) => "java.lang.Double",
    });
    let mismatch = || {
        Failure::new(
            Kind::Call,
            format!("the value {value} does not fit the declared type {ty}"),
        )
    };
    let arg = match (normalize(ty), value) {
        (_, JmxValue::Null) => {
            if is_primitive(ty) {
                return Err(mismatch());
            }
            InvocationArg::create_null(Null::Of(ty))?
        }
        ("java.lang.String", v) => InvocationArg::try_from(v.to_string())?,
        ("java.lang.Boolean", v) => InvocationArg::try_from(v.as_bool().ok_or_else(mismatch)?)?,
        ("java.lang.Integer", v) => {
            let i = whole(v)
                .and_then(|i| i32::try_from(i).ok())
                .ok_or_else(mismatch)?;
            InvocationArg::try_from(i)?
        }
        ("java.lang.Long", v) => InvocationArg::try_from(whole(v).ok_or_else(mismatch)?)?,
        ("java.lang.Short", v) => {
            let i = whole(v)
                .and_then(|i| i16::try_from(i).ok())
                .ok_or_else(mismatch)?;
            InvocationArg::try_from(i)?
        }
        ("java.lang.Byte", v) => {
            let i = whole(v)
                .and_then(|i| i8::try_from(i).ok())
                .ok_or_else(mismatch)?;
            InvocationArg::try_from(i)?
        }
        ("java.lang.Double", v) => InvocationArg::try_from(number(v).ok_or_else(mismatch)?)?,
        ("java.lang.Float", v) => InvocationArg::try_from(number(v).ok_or_else(mismatch)? as f32)?,
        // Object, Number, Serializable and friends: send the natural boxed type.
        ("java.lang.Object" | "java.lang.Number" | "java.io.Serializable", v) => to_java(v, None)?,
        (_, JmxValue::Text(s)) => InvocationArg::try_from(s.clone())?,
        _ => return Err(mismatch()),
    };
    Ok(arg)
}

/// Maps primitive type names to their boxes, which is what reflective calls receive.
fn normalize(ty: &str) -> &str {
    match ty {
        "boolean" => "java.lang.Boolean",
        "int" => "java.lang.Integer",
        "long" => "java.lang.Long",
        "short" => "java.lang.Short",
        "byte" => "java.lang.Byte",
        "double" => "java.lang.Double",
        "float" => "java.lang.Float",
        other => other,
    }
}

fn is_primitive(ty: &str) -> bool {
    matches!(
        ty,
        "boolean" | "int" | "long" | "short" | "byte" | "double" | "float" | "char"
    )
}

/// A whole number from Int, an integral Double, or numeric Text.
fn whole(v: &JmxValue) -> Option<i64> {
    match v {
        JmxValue::Bool(_) | JmxValue::Null => None,
        other => other.as_i64(),
    }
}

fn number(v: &JmxValue) -> Option<f64> {
    match v {
        JmxValue::Bool(_) | JmxValue::Null => None,
        other => other.as_f64(),
    }
}

/// The signature type to declare for a value when the MBean publishes none.
pub(crate) fn natural_type(value: &JmxValue) -> &'static str {
    match value {
        JmxValue::Null => "java.lang.Object",
        JmxValue::Bool(_) => "boolean",
        JmxValue::Int(_) => "long",
        JmxValue::Double(_) => "double",
        JmxValue::Text(_) => "java.lang.String",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_that_do_not_fit_the_declared_type_are_call_errors() {
        let e = to_java(&JmxValue::Int(1 << 40), Some("int"))
            .err()
            .map(|f| f.kind);
        assert_eq!(e, Some(Kind::Call));
        let e = to_java(&JmxValue::Null, Some("long")).err().map(|f| f.kind);
        assert_eq!(e, Some(Kind::Call));
        let e = to_java(&JmxValue::Double(1.5), Some("long"))
            .err()
            .map(|f| f.kind);
        assert_eq!(e, Some(Kind::Call));
        let e = to_java(&JmxValue::from("maybe"), Some("boolean"))
            .err()
            .map(|f| f.kind);
        assert_eq!(e, Some(Kind::Call));
    }

    #[test]
    fn natural_types_cover_every_variant() {
        assert_eq!(natural_type(&JmxValue::Int(1)), "long");
        assert_eq!(natural_type(&JmxValue::from("x")), "java.lang.String");
        assert_eq!(normalize("int"), "java.lang.Integer");
        assert_eq!(
            normalize("javax.management.ObjectName"),
            "javax.management.ObjectName"
        );
    }
}
