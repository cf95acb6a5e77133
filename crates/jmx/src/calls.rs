//! The JMX calls themselves, as sequences of j4rs invocations on one thread.
//!
//! Every handle is cast to a public interface (`JMXConnector`, `MBeanServerConnection`,
//! `Attribute`, ...) before methods are invoked on it: the runtime classes are often
//! inaccessible proxies, and j4rs invokes methods of the class it was told about.

use j4rs::{Instance, InvocationArg, Jvm, Null};

use crate::classify::{Failure, Kind};
use crate::convert;
use crate::value::JmxValue;

const NO_ARGS: &[InvocationArg; 0] = &[];
const CONNECTOR: &str = "javax.management.remote.JMXConnector";
const SERVER: &str = "javax.management.MBeanServerConnection";

/// Opens a JMX connector to `url` (e.g. `service:jmx:rmi:///jndi/rmi://host:port/jmxrmi`).
///
/// The connector is created by the static factory but connected with an instance call:
/// j4rs 0.25.3 clears a Java exception thrown by a *static* call while tidying up and then
/// returns Ok(null) (printing only "An Exception was thrown by Java"), so the call that can
/// fail (connect) must be an instance call, whose exception j4rs does report.
pub(crate) fn connect(jvm: &Jvm, url: &str) -> Result<Instance, Failure> {
    let service_url = jvm.create_instance(
        "javax.management.remote.JMXServiceURL",
        &[InvocationArg::try_from(url)?],
    )?;
    let no_env = InvocationArg::create_null(Null::Of("java.util.Map"))?;
    let connector = jvm.invoke_static(
        "javax.management.remote.JMXConnectorFactory",
        "newJMXConnector",
        &[InvocationArg::from(service_url), no_env],
    )?;
    if convert::is_null(jvm, &connector)? {
        return Err(Failure::new(
            Kind::Call,
            format!("no JMX connector exists for {url} (is it a service:jmx:rmi URL?)"),
        ));
    }
    let connector = jvm.cast(&connector, CONNECTOR)?;
    jvm.invoke(&connector, "connect", NO_ARGS)?;
    Ok(connector)
}

/// The MBean server connection of an open connector.
pub(crate) fn server_connection(jvm: &Jvm, connector: &Instance) -> Result<Instance, Failure> {
    let server = jvm.invoke(connector, "getMBeanServerConnection", NO_ARGS)?;
    Ok(jvm.cast(&server, SERVER)?)
}

/// A cheap round trip that proves the connection works (a Java exception has been seen to
/// surface only on the call after the one that caused it).
pub(crate) fn probe(jvm: &Jvm, server: &Instance) -> Result<i64, Failure> {
    let count = jvm.invoke(server, "getMBeanCount", NO_ARGS)?;
    match convert::from_java(jvm, &count)? {
        JmxValue::Int(n) => Ok(n),
        other => Err(Failure::new(
            Kind::Unknown,
            format!("getMBeanCount returned {other}"),
        )),
    }
}

/// Closes a connector, ignoring errors: it is being thrown away anyway.
pub(crate) fn close(jvm: &Jvm, connector: &Instance) {
    if let Err(e) = jvm.invoke(connector, "close", NO_ARGS) {
        tracing::debug!(error = %Failure::from(e).detail, "closing a JMX connector failed");
    }
}

fn object_name(jvm: &Jvm, name: &str) -> Result<Instance, Failure> {
    jvm.create_instance(
        "javax.management.ObjectName",
        &[InvocationArg::try_from(name)?],
    )
    .map_err(|e| {
        let f = Failure::from(e);
        Failure::new(
            Kind::Call,
            format!("it is not a valid ObjectName ({})", f.detail),
        )
    })
}

/// Iterates a `java.util.List`, handing each element to `each`.
fn for_each_in_list(
    jvm: &Jvm,
    list: &Instance,
    mut each: impl FnMut(Instance) -> Result<(), Failure>,
) -> Result<(), Failure> {
    let list = jvm.cast(list, "java.util.List")?;
    let size = jvm.to_rust::<i32>(jvm.invoke(&list, "size", NO_ARGS)?)?;
    for i in 0..size {
        let index = InvocationArg::try_from(i)?.into_primitive()?;
        each(jvm.invoke(&list, "get", &[index])?)?;
    }
    Ok(())
}

/// Reads several attributes in one round trip (`getAttributes`); JMX leaves out the ones it
/// could not read, and so does the result.
pub(crate) fn read(
    jvm: &Jvm,
    server: &Instance,
    name: &str,
    attributes: &[String],
) -> Result<Vec<(String, JmxValue)>, Failure> {
    let on = object_name(jvm, name)?;
    let names: Vec<InvocationArg> = attributes
        .iter()
        .map(|a| InvocationArg::try_from(a.as_str()))
        .collect::<Result<_, _>>()?;
    let names = jvm.create_java_array("java.lang.String", &names)?;
    let list = jvm.invoke(
        server,
        "getAttributes",
        &[InvocationArg::from(on), InvocationArg::from(names)],
    )?;
    let mut out = Vec::with_capacity(attributes.len());
    for_each_in_list(jvm, &list, |item| {
        let attribute = jvm.cast(&item, "javax.management.Attribute")?;
        let name = jvm.to_rust::<String>(jvm.invoke(&attribute, "getName", NO_ARGS)?)?;
        let value = jvm.invoke(&attribute, "getValue", NO_ARGS)?;
        out.push((name, convert::from_java(jvm, &value)?));
        Ok(())
    })?;
    Ok(out)
}

/// Names of the MBeans matching a pattern, in the form they were registered, sorted.
pub(crate) fn query_names(
    jvm: &Jvm,
    server: &Instance,
    pattern: &str,
) -> Result<Vec<String>, Failure> {
    let on = object_name(jvm, pattern)?;
    let no_query = InvocationArg::create_null(Null::Of("javax.management.QueryExp"))?;
    let set = jvm.invoke(server, "queryNames", &[InvocationArg::from(on), no_query])?;
    let list = jvm.create_instance("java.util.ArrayList", &[InvocationArg::from(set)])?;
    let mut names = Vec::new();
    for_each_in_list(jvm, &list, |item| {
        names.push(convert::to_string(jvm, &item)?);
        Ok(())
    })?;
    names.sort();
    Ok(names)
}

/// `MBeanInfo` features (attributes or operations) as (name, type-or-signature) pairs.
fn mbean_info(jvm: &Jvm, server: &Instance, on: &Instance) -> Result<Instance, Failure> {
    let on = jvm.clone_instance(on)?;
    let info = jvm.invoke(server, "getMBeanInfo", &[InvocationArg::from(on)])?;
    Ok(jvm.cast(&info, "javax.management.MBeanInfo")?)
}

/// Iterates a Java array through `Arrays.asList`.
fn for_each_in_array(
    jvm: &Jvm,
    array: Instance,
    each: impl FnMut(Instance) -> Result<(), Failure>,
) -> Result<(), Failure> {
    let list = jvm.invoke_static("java.util.Arrays", "asList", &[InvocationArg::from(array)])?;
    for_each_in_list(jvm, &list, each)
}

/// The declared type of one attribute, or None when the MBean does not list it.
fn attribute_type(jvm: &Jvm, info: &Instance, attribute: &str) -> Result<Option<String>, Failure> {
    let infos = jvm.invoke(info, "getAttributes", NO_ARGS)?;
    let mut found = None;
    for_each_in_array(jvm, infos, |item| {
        if found.is_some() {
            return Ok(());
        }
        let item = jvm.cast(&item, "javax.management.MBeanAttributeInfo")?;
        let name = jvm.to_rust::<String>(jvm.invoke(&item, "getName", NO_ARGS)?)?;
        if name == attribute {
            found = Some(jvm.to_rust::<String>(jvm.invoke(&item, "getType", NO_ARGS)?)?);
        }
        Ok(())
    })?;
    Ok(found)
}

/// Parameter type lists of every operation called `operation` taking `arity` parameters.
fn operation_signatures(
    jvm: &Jvm,
    info: &Instance,
    operation: &str,
    arity: usize,
) -> Result<Vec<Vec<String>>, Failure> {
    let ops = jvm.invoke(info, "getOperations", NO_ARGS)?;
    let mut signatures = Vec::new();
    for_each_in_array(jvm, ops, |op| {
        let op = jvm.cast(&op, "javax.management.MBeanOperationInfo")?;
        let name = jvm.to_rust::<String>(jvm.invoke(&op, "getName", NO_ARGS)?)?;
        if name != operation {
            return Ok(());
        }
        let mut types = Vec::new();
        for_each_in_array(jvm, jvm.invoke(&op, "getSignature", NO_ARGS)?, |param| {
            let param = jvm.cast(&param, "javax.management.MBeanParameterInfo")?;
            types.push(jvm.to_rust::<String>(jvm.invoke(&param, "getType", NO_ARGS)?)?);
            Ok(())
        })?;
        if types.len() == arity {
            signatures.push(types);
        }
        Ok(())
    })?;
    Ok(signatures)
}

/// An `Object[]` of mixed element classes (j4rs's array factory wants one class for all).
fn object_array(jvm: &Jvm, items: Vec<InvocationArg>) -> Result<Instance, Failure> {
    let list = jvm.create_instance("java.util.ArrayList", NO_ARGS)?;
    for item in items {
        jvm.invoke(&list, "add", &[item])?;
    }
    Ok(jvm.invoke(&list, "toArray", NO_ARGS)?)
}

/// Sets one attribute, converting the value to the type the MBean declares for it.
pub(crate) fn set(
    jvm: &Jvm,
    server: &Instance,
    name: &str,
    attribute: &str,
    value: &JmxValue,
) -> Result<(), Failure> {
    let on = object_name(jvm, name)?;
    let info = mbean_info(jvm, server, &on)?;
    let Some(java_type) = attribute_type(jvm, &info, attribute)? else {
        return Err(Failure::new(
            Kind::NotFound,
            format!("it has no attribute named {attribute}"),
        ));
    };
    let java_value = convert::to_java(value, Some(&java_type))?;
    let attr = jvm.create_instance(
        "javax.management.Attribute",
        &[InvocationArg::try_from(attribute)?, java_value],
    )?;
    jvm.invoke(
        server,
        "setAttribute",
        &[InvocationArg::from(on), InvocationArg::from(attr)],
    )?;
    Ok(())
}

/// Invokes an operation. The signature comes from `MBeanInfo` (the first overload whose
/// parameter types accept the values), or from the values themselves when the MBean does
/// not describe the operation.
pub(crate) fn invoke(
    jvm: &Jvm,
    server: &Instance,
    name: &str,
    operation: &str,
    params: &[JmxValue],
) -> Result<JmxValue, Failure> {
    let on = object_name(jvm, name)?;
    let info = mbean_info(jvm, server, &on)?;
    let declared = operation_signatures(jvm, &info, operation, params.len())?;
    let mut chosen = None;
    let mut last_mismatch = None;
    for signature in declared {
        let converted: Result<Vec<InvocationArg>, Failure> = params
            .iter()
            .zip(&signature)
            .map(|(v, t)| convert::to_java(v, Some(t)))
            .collect();
        match converted {
            Ok(args) => {
                chosen = Some((args, signature));
                break;
            }
            Err(f) => last_mismatch = Some(f),
        }
    }
    let (args, signature) = match (chosen, last_mismatch) {
        (Some(found), _) => found,
        (None, Some(mismatch)) => return Err(mismatch),
        (None, None) => {
            let args = params
                .iter()
                .map(|v| convert::to_java(v, None))
                .collect::<Result<Vec<_>, _>>()?;
            let signature = params
                .iter()
                .map(|v| convert::natural_type(v).to_owned())
                .collect();
            (args, signature)
        }
    };
    let args = object_array(jvm, args)?;
    let signature: Vec<InvocationArg> = signature
        .iter()
        .map(|t| InvocationArg::try_from(t.as_str()))
        .collect::<Result<_, _>>()?;
    let signature = jvm.create_java_array("java.lang.String", &signature)?;
    let result = jvm.invoke(
        server,
        "invoke",
        &[
            InvocationArg::from(on),
            InvocationArg::try_from(operation)?,
            InvocationArg::from(args),
            InvocationArg::from(signature),
        ],
    )?;
    convert::from_java(jvm, &result)
}
