//! Reads, queries, sets and invokes against a real JVM.

mod common;

use common::JavaTarget;
use faultline_jmx::{JmxClient, JmxError, JmxValue};

#[tokio::test]
async fn reads_several_attributes_in_one_call_and_leaves_out_missing_ones() {
    let target = JavaTarget::start();
    let client = JmxClient::for_endpoint(&target.endpoint());
    let values = client
        .read(
            "java.lang:type=Runtime",
            &["Uptime", "VmName", "NoSuchAttribute", "StartTime"],
        )
        .await
        .expect("read Runtime");
    let names: Vec<&str> = values.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["Uptime", "VmName", "StartTime"]);
    assert!(values[0].1.as_i64().is_some_and(|ms| ms > 0), "{values:?}");
    assert!(
        matches!(&values[1].1, JmxValue::Text(vm) if vm.contains("VM")),
        "{values:?}"
    );

    let memory = client
        .read(
            "java.lang:type=Memory",
            &[
                "Verbose",
                "ObjectPendingFinalizationCount",
                "HeapMemoryUsage",
            ],
        )
        .await
        .expect("read Memory");
    assert_eq!(memory[0], ("Verbose".to_owned(), JmxValue::Bool(false)));
    assert!(matches!(memory[1].1, JmxValue::Int(_)), "{memory:?}");
    // CompositeData has no JmxValue of its own: it arrives as its toString().
    assert!(
        matches!(&memory[2].1, JmxValue::Text(t) if t.contains("used")),
        "{memory:?}"
    );

    let os = client
        .read(
            "java.lang:type=OperatingSystem",
            &["SystemLoadAverage", "AvailableProcessors"],
        )
        .await
        .expect("read OperatingSystem");
    assert!(matches!(os[0].1, JmxValue::Double(_)), "{os:?}");
    assert!(matches!(os[1].1, JmxValue::Int(n) if n >= 1), "{os:?}");
    target.kill();
}

#[tokio::test]
async fn queries_names_sets_attributes_and_invokes_operations() {
    let target = JavaTarget::start();
    let client = JmxClient::for_endpoint(&target.endpoint());

    let gcs = client
        .query_names("java.lang:type=GarbageCollector,*")
        .await
        .expect("query");
    assert!(!gcs.is_empty());
    assert!(
        gcs.iter()
            .all(|n| n.starts_with("java.lang:") && n.contains("GarbageCollector")),
        "{gcs:?}"
    );
    let none = client
        .query_names("nothing.here:*")
        .await
        .expect("empty query");
    assert!(none.is_empty());

    client
        .set("java.lang:type=Memory", "Verbose", JmxValue::Bool(true))
        .await
        .expect("set Verbose");
    let verbose = client
        .read("java.lang:type=Memory", &["Verbose"])
        .await
        .expect("read back");
    assert_eq!(verbose, [("Verbose".to_owned(), JmxValue::Bool(true))]);
    client
        .set("java.lang:type=Memory", "Verbose", false.into())
        .await
        .expect("set Verbose back");

    let gc = client
        .invoke("java.lang:type=Memory", "gc", vec![])
        .await
        .expect("invoke gc");
    assert_eq!(gc, JmxValue::Null);

    // An operation with a parameter and a result: the int parameter arrives as an Int.
    let info = client
        .invoke(
            "java.lang:type=Threading",
            "getThreadCpuTime",
            vec![JmxValue::Int(1)],
        )
        .await
        .expect("invoke getThreadCpuTime");
    assert!(matches!(info, JmxValue::Int(_)), "{info:?}");
    target.kill();
}

#[tokio::test]
async fn missing_mbeans_are_not_found_and_bad_requests_are_call_errors() {
    let target = JavaTarget::start();
    let client = JmxClient::for_endpoint(&target.endpoint());

    let err = client
        .read(
            "kafka.producer:type=producer-metrics,client-id=nobody",
            &["record-send-rate"],
        )
        .await
        .expect_err("no such MBean");
    assert!(
        matches!(&err, JmxError::NotFound { object_name, .. } if object_name.contains("client-id=nobody")),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .contains("kafka.producer:type=producer-metrics"),
        "{err}"
    );

    let err = client
        .set("java.lang:type=Memory", "NoSuchAttribute", JmxValue::Int(1))
        .await
        .expect_err("no such attribute");
    assert!(matches!(err, JmxError::NotFound { .. }), "{err:?}");

    let err = client
        .set(
            "java.lang:type=Memory",
            "Verbose",
            JmxValue::from("perhaps"),
        )
        .await
        .expect_err("a value that is no boolean");
    assert!(matches!(err, JmxError::Call { .. }), "{err:?}");

    let err = client
        .read("not an object name", &["X"])
        .await
        .expect_err("malformed name");
    assert!(matches!(err, JmxError::Call { .. }), "{err:?}");

    let err = client
        .invoke("java.lang:type=Memory", "noSuchOperation", vec![])
        .await
        .expect_err("no such operation");
    assert!(
        matches!(err, JmxError::Call { .. } | JmxError::NotFound { .. }),
        "{err:?}"
    );

    // None of that cost the connection.
    let ok = client
        .read("java.lang:type=Runtime", &["Uptime"])
        .await
        .expect("still connected");
    assert_eq!(ok.len(), 1);
    target.kill();
}
