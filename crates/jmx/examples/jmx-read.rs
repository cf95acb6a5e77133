//! Reads attributes from a JMX endpoint, for trying the client by hand:
//!
//! `cargo run -p faultline-jmx --example jmx-read -- 127.0.0.1:11001 java.lang:type=Runtime Uptime VmName`
//!
//! With a pattern and no attributes it lists matching MBean names. `--repeat N` (first)
//! repeats the call and prints each call's latency, to see first-call and steady costs.

use std::time::Instant;

use faultline_jmx::JmxClient;

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::process::ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut repeat = 1_u32;
    if args.first().map(String::as_str) == Some("--repeat") {
        repeat = args.get(1).and_then(|n| n.parse().ok()).unwrap_or(1);
        args.drain(..2.min(args.len()));
    }
    let [endpoint, object_name, attributes @ ..] = args.as_slice() else {
        eprintln!("usage: jmx-read [--repeat N] HOST:PORT OBJECT_NAME [ATTRIBUTE...]");
        return std::process::ExitCode::from(2);
    };
    let client = JmxClient::for_endpoint(endpoint);
    let names: Vec<&str> = attributes.iter().map(String::as_str).collect();
    for round in 1..=repeat {
        let started = Instant::now();
        let result = if names.is_empty() {
            client
                .query_names(object_name)
                .await
                .map(|found| found.join("\n"))
        } else {
            client.read(object_name, &names).await.map(|values| {
                let lines: Vec<String> =
                    values.iter().map(|(n, v)| format!("{n} = {v:?}")).collect();
                lines.join("\n")
            })
        };
        let took = started.elapsed();
        match result {
            Ok(text) if round == repeat => println!("{text}"),
            Ok(_) => {}
            Err(e) => {
                eprintln!("{e}");
                return std::process::ExitCode::FAILURE;
            }
        }
        eprintln!("call {round}: {:.1} ms", took.as_secs_f64() * 1000.0);
    }
    std::process::ExitCode::SUCCESS
}
