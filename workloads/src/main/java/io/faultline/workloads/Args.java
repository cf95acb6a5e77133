package io.faultline.workloads;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Command-line parsing for both workloads. Parsing is strict (unknown flags, duplicates and
 * out-of-range numbers are errors) because the workloads are started by scripts and by the
 * Faultline app: a typo should fail loudly at start, not run a different demo than intended.
 */
final class Args {

    static final String DEFAULT_TOPIC = "faultline.demo";
    static final String DEFAULT_JMX_HOST = "127.0.0.1";
    static final int MAX_RATE = 1_000_000;
    /** Upper bound for one record's simulated work; see {@link ConsumerWorkload} for why. */
    static final long MAX_PROCESSING_DELAY_MS = 60_000;

    /** Same alphabet as sidecar ids: safe inside a JMX ObjectName without quoting. */
    private static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    /** Kafka's legal topic names. */
    private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9._-]{1,249}");
    private static final Pattern HOST_PORT = Pattern.compile("[^\\s,]+:\\d{1,5}");

    private static final Set<String> PRODUCER_FLAGS = Set.of(
            "bootstrap", "topic", "client-id", "rate", "message-bytes", "acks", "linger-ms",
            "buffer-memory", "max-block-ms", "jmx-port", "jmx-host");
    private static final Set<String> CONSUMER_FLAGS = Set.of(
            "bootstrap", "topic", "group", "client-id", "processing-delay-ms", "jmx-port", "jmx-host");

    record Producer(String bootstrap, String topic, String clientId, int rate, int messageBytes,
                    String acks, int lingerMs, long bufferMemory, long maxBlockMs,
                    int jmxPort, String jmxHost) {}

    record Consumer(String bootstrap, String topic, String group, String clientId,
                    long processingDelayMs, int jmxPort, String jmxHost) {}

    /** Bad command line: the caller prints the message and the usage text, and exits 2. */
    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    private Args() {}

    static final String USAGE = String.join("\n",
            "usage: java -jar faultline-workloads.jar producer --bootstrap HOST:PORT[,HOST:PORT...] [options]",
            "       java -jar faultline-workloads.jar consumer --bootstrap HOST:PORT[,HOST:PORT...] [options]",
            "",
            "producer options:",
            "  --topic NAME            topic to send to (default faultline.demo)",
            "  --client-id ID          Kafka client.id and JMX name (default producer-1)",
            "  --rate N                messages per second, 0 = paused (default 10, max 1000000)",
            "  --message-bytes N       payload size in bytes (default 512)",
            "  --acks all|1|0|-1       producer acks (default all)",
            "  --linger-ms N           linger.ms (default 5)",
            "  --buffer-memory N       buffer.memory in bytes (default 2097152)",
            "  --max-block-ms N        max.block.ms: how long send() may block on a full buffer (default 1000)",
            "  --jmx-port N            JMX port (default 11001)",
            "  --jmx-host ADDR         JMX bind address (default 127.0.0.1)",
            "",
            "consumer options:",
            "  --topic NAME            topic to read (default faultline.demo)",
            "  --group ID              consumer group (default faultline-demo-consumers)",
            "  --client-id ID          Kafka client.id and JMX name (default consumer-1)",
            "  --processing-delay-ms N simulated work per record, 0..60000 (default 0)",
            "  --jmx-port N            JMX port (default 11101)",
            "  --jmx-host ADDR         JMX bind address (default 127.0.0.1)",
            "",
            "Flags take their value as the next argument or after '=' (--rate=50). --help prints this text.",
            "Exit status: 2 bad arguments, 3 JMX port in use.");

    /** True when the user asked for help anywhere on the line; help wins over any other error. */
    static boolean wantsHelp(String[] argv) {
        for (String a : argv) {
            if (a.equals("--help") || a.equals("-h")) {
                return true;
            }
        }
        return false;
    }

    static Producer parseProducer(String[] argv) throws UsageException {
        Map<String, String> f = flags(argv, PRODUCER_FLAGS);
        return new Producer(
                bootstrap(f),
                topic(f),
                clientId(f, "producer-1"),
                intIn(f, "rate", 10, 0, MAX_RATE),
                intIn(f, "message-bytes", 512, 1, 1_000_000),
                acks(f),
                intIn(f, "linger-ms", 5, 0, 60_000),
                longIn(f, "buffer-memory", 2_097_152L, 1024, Long.MAX_VALUE),
                longIn(f, "max-block-ms", 1000, 0, Long.MAX_VALUE),
                intIn(f, "jmx-port", 11001, 1, 65535),
                jmxHost(f));
    }

    static Consumer parseConsumer(String[] argv) throws UsageException {
        Map<String, String> f = flags(argv, CONSUMER_FLAGS);
        String group = f.getOrDefault("group", "faultline-demo-consumers");
        if (group.isBlank()) {
            throw new UsageException("--group must not be empty");
        }
        return new Consumer(
                bootstrap(f),
                topic(f),
                group,
                clientId(f, "consumer-1"),
                longIn(f, "processing-delay-ms", 0, 0, MAX_PROCESSING_DELAY_MS),
                intIn(f, "jmx-port", 11101, 1, 65535),
                jmxHost(f));
    }

    /** Splits "--name value" and "--name=value" pairs into a map, rejecting anything unexpected. */
    private static Map<String, String> flags(String[] argv, Set<String> allowed) throws UsageException {
        Map<String, String> out = new HashMap<>();
        for (int i = 0; i < argv.length; i++) {
            String a = argv[i];
            if (!a.startsWith("--") || a.length() == 2) {
                throw new UsageException("unexpected argument: " + a);
            }
            String name = a.substring(2);
            String value;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else if (i + 1 < argv.length) {
                value = argv[++i];
            } else {
                throw new UsageException("--" + name + " needs a value");
            }
            if (!allowed.contains(name)) {
                throw new UsageException("unknown flag: --" + name);
            }
            if (out.put(name, value) != null) {
                throw new UsageException("--" + name + " given twice");
            }
        }
        return out;
    }

    private static String bootstrap(Map<String, String> f) throws UsageException {
        String b = f.get("bootstrap");
        if (b == null) {
            throw new UsageException("--bootstrap is required");
        }
        for (String hp : b.split(",", -1)) {
            if (!HOST_PORT.matcher(hp).matches()) {
                throw new UsageException("--bootstrap: expected HOST:PORT[,HOST:PORT...], got '" + b + "'");
            }
        }
        return b;
    }

    private static String topic(Map<String, String> f) throws UsageException {
        String t = f.getOrDefault("topic", DEFAULT_TOPIC);
        if (!TOPIC.matcher(t).matches()) {
            throw new UsageException("--topic: not a legal Kafka topic name: '" + t + "'");
        }
        return t;
    }

    private static String clientId(Map<String, String> f, String dflt) throws UsageException {
        String id = f.getOrDefault("client-id", dflt);
        if (!CLIENT_ID.matcher(id).matches()) {
            throw new UsageException("--client-id: use 1-64 of A-Z a-z 0-9 . _ -, got '" + id + "'");
        }
        return id;
    }

    private static String acks(Map<String, String> f) throws UsageException {
        String acks = f.getOrDefault("acks", "all");
        if (!Set.of("all", "-1", "0", "1").contains(acks)) {
            throw new UsageException("--acks: expected all, -1, 0 or 1, got '" + acks + "'");
        }
        return acks;
    }

    private static String jmxHost(Map<String, String> f) throws UsageException {
        String h = f.getOrDefault("jmx-host", DEFAULT_JMX_HOST);
        if (h.isBlank()) {
            throw new UsageException("--jmx-host must not be empty");
        }
        return h;
    }

    private static int intIn(Map<String, String> f, String name, int dflt, int min, int max)
            throws UsageException {
        return (int) longIn(f, name, dflt, min, max);
    }

    private static long longIn(Map<String, String> f, String name, long dflt, long min, long max)
            throws UsageException {
        String v = f.get(name);
        if (v == null) {
            return dflt;
        }
        long n;
        try {
            n = Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + ": not a number: '" + v + "'");
        }
        if (n < min || n > max) {
            String range = max == Long.MAX_VALUE ? ">= " + min : min + ".." + max;
            throw new UsageException("--" + name + ": " + n + " is out of range (" + range + ")");
        }
        return n;
    }
}
