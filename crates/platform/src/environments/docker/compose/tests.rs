//! The compose reader on small files, and on the real `compose/docker-compose.yml`.

use super::*;

const SMALL: &str = r#"
name: demo
networks:
  net:
    labels:
      purpose: test
services:
  sidecar:
    image: faultline/sidecar:1
    build:
      context: sidecar
    network_mode: "service:app"
    depends_on:
      app:
        condition: service_healthy
  app:
    image: eclipse-temurin:17-jre
    command: ["java", "-jar", "app.jar"]
    environment:
      MODE: fast
      EMPTY:
    ports:
      - "127.0.0.1:8080:80"
    healthcheck:
      test: "exec 3<>/dev/tcp/127.0.0.1/80 && grep -q 'ok$$' /tmp/x"
      interval: 2s
      timeout: 1s
      retries: 30
      start_period: 1m30s
    depends_on: [db]
  db:
    image: db:1
    tmpfs: [/var/lib/db]
"#;

fn small() -> Project {
    parse(SMALL, Path::new("/opt/compose")).unwrap()
}

#[test]
fn services_come_after_what_they_depend_on_and_otherwise_in_file_order() {
    let names: Vec<String> = small().services.into_iter().map(|s| s.name).collect();
    assert_eq!(names, ["db", "app", "sidecar"]);
}

#[test]
fn every_service_and_network_carries_the_project_label() {
    let project = small();
    assert_eq!(project.networks[0].name, "demo_net");
    assert_eq!(project.networks[0].labels[PROJECT_LABEL], "demo");
    assert_eq!(project.networks[0].labels["purpose"], "test");
    for service in &project.services {
        assert_eq!(service.labels[PROJECT_LABEL], "demo");
        assert_eq!(service.labels[SERVICE_LABEL], service.name);
        assert_eq!(service.container, format!("demo-{}", service.name));
    }
}

#[test]
fn a_service_reads_as_the_engine_wants_it() {
    let project = small();
    let app = project.service("app").unwrap();
    assert_eq!(app.environment, ["MODE=fast"]);
    assert_eq!(
        app.command.as_deref(),
        Some(&["java".to_owned(), "-jar".into(), "app.jar".into()][..])
    );
    assert_eq!(
        app.ports,
        [Published {
            host_ip: std::net::Ipv4Addr::LOCALHOST,
            host_port: 8080,
            container_port: 80
        }]
    );
    let health = app.healthcheck.clone().unwrap();
    assert_eq!(
        health.test.unwrap(),
        [
            "CMD-SHELL",
            "exec 3<>/dev/tcp/127.0.0.1/80 && grep -q 'ok$' /tmp/x"
        ]
    );
    assert_eq!(health.interval, Some(2_000_000_000));
    assert_eq!(health.start_period, Some(90_000_000_000));
    assert_eq!(health.retries, Some(30));
    assert_eq!(app.attachment, Attachment::Networks(vec!["net".into()]));
    assert_eq!(project.service("db").unwrap().tmpfs, ["/var/lib/db"]);

    let sidecar = project.service("sidecar").unwrap();
    assert_eq!(
        sidecar.attachment,
        Attachment::ServiceNamespace("app".into())
    );
    assert_eq!(
        sidecar.build,
        Some(Build {
            context: PathBuf::from("/opt/compose/sidecar"),
            dockerfile: "Dockerfile".into()
        })
    );
    assert_eq!(
        sidecar.depends_on,
        [Dependency {
            service: "app".into(),
            healthy: true
        }]
    );
}

#[test]
fn what_the_driver_cannot_do_safely_is_refused_with_the_service_named() {
    let cases = [
        (
            SMALL.replace("127.0.0.1:8080:80", "8080:80"),
            "service app: port \"8080:80\" must be written 127.0.0.1:HOST:CONTAINER",
        ),
        (
            SMALL.replace("127.0.0.1:8080:80", "0.0.0.0:8080:80"),
            "service app: port \"0.0.0.0:8080:80\" must be published on 127.0.0.1 only",
        ),
        (
            SMALL.replace("    image: db:1", "    image: db:1\n    depends_on: [app]"),
            "depend on each other in a circle",
        ),
        (
            SMALL.replace("depends_on: [db]", "depends_on: [cache]"),
            "service app depends on cache, which is not a service",
        ),
        (
            SMALL.replace(
                "    image: db:1",
                "    image: db:1\n    volumes: [\"/etc:/etc\"]",
            ),
            "service db: volumes are not supported",
        ),
        (SMALL.replace("name: demo", ""), "has no `name:`"),
        (
            SMALL.replace("MODE: fast", "MODE: ${MODE}"),
            "service app: environment uses a variable",
        ),
        ("services: [1, 2]".to_owned(), "not a compose file"),
    ];
    for (yaml, expected) in cases {
        let error = parse(&yaml, Path::new(".")).unwrap_err();
        assert!(
            error.contains(expected),
            "{error:?} should say {expected:?}"
        );
    }
}

/// The file the app carries: three KRaft brokers behind Toxiproxy, the workloads and a
/// sidecar beside each, in an order that starts each after what it needs.
#[test]
fn the_shipped_compose_file_reads_whole() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../compose/docker-compose.yml");
    let project = read(&path).unwrap();
    assert_eq!(project.name, "faultline");
    let names: Vec<&str> = project.services.iter().map(|s| s.name.as_str()).collect();
    for name in [
        "broker-1",
        "broker-2",
        "broker-3",
        "toxiproxy",
        "producer-1",
        "consumer-1",
        "sidecar-producer-1",
        "sidecar-consumer-1",
    ] {
        assert!(names.contains(&name), "{name} missing from {names:?}");
    }
    let at = |name: &str| names.iter().position(|n| *n == name).unwrap();
    assert!(at("toxiproxy") < at("producer-1"));
    assert!(at("producer-1") < at("sidecar-producer-1"));
    for service in &project.services {
        assert!(
            service.healthcheck.is_some(),
            "{} has no healthcheck",
            service.name
        );
    }
}
