package io.faultline.workloads;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import javax.management.JMException;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar faultline-workloads.jar producer|consumer [flags]}: parses the flags, starts
 * JMX, registers the control MBean, wires the shutdown hook and runs the workload on this thread.
 *
 * <p>Exit status: 0 for --help, 2 for bad arguments, 3 when the JMX port is taken, 1 when the
 * workload cannot start otherwise. Scripts tell these apart, so each has one meaning.
 */
public final class Main {

    static final int EXIT_USAGE = 2;
    static final int EXIT_JMX_PORT_IN_USE = 3;
    static final int EXIT_FAILED = 1;

    private static final Logger log = LoggerFactory.getLogger(Main.class);

    private Main() {}

    public static void main(String[] argv) {
        if (argv.length == 0) {
            usageError("missing subcommand: producer or consumer");
        }
        String[] rest = Arrays.copyOfRange(argv, 1, argv.length);
        if (Args.wantsHelp(argv)) {
            System.out.println(Args.USAGE);
            System.exit(0);
        }
        try {
            switch (argv[0]) {
                case "producer" -> runProducer(Args.parseProducer(rest));
                case "consumer" -> runConsumer(Args.parseConsumer(rest));
                default -> usageError("unknown subcommand: " + argv[0] + " (expected producer or consumer)");
            }
        } catch (Args.UsageException e) {
            usageError(e.getMessage());
        } catch (JmxServer.PortInUseException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(EXIT_JMX_PORT_IN_USE);
        } catch (Exception e) {
            System.err.println("error: " + argv[0] + " could not start: " + e);
            System.exit(EXIT_FAILED);
        }
    }

    private static void runProducer(Args.Producer a) throws Exception {
        // JMX first: a busy port should fail before any Kafka client exists.
        JmxServer jmx = JmxServer.start(a.jmxHost(), a.jmxPort());
        ProducerControl control = new ProducerControl(a.rate());
        register(control, ProducerControl.objectName(a.clientId()));
        log.info("producer {} -> {} at {} msg/s, {} B/msg, acks={}, JMX on {}:{}",
                a.clientId(), a.topic(), a.rate(), a.messageBytes(), a.acks(), a.jmxHost(), a.jmxPort());
        awaitResolvable(a.bootstrap());
        ProducerWorkload workload = new ProducerWorkload(a, control);
        onShutdown(() -> {
            workload.stop();
            jmx.close();
        });
        workload.run();
    }

    private static void runConsumer(Args.Consumer a) throws Exception {
        JmxServer jmx = JmxServer.start(a.jmxHost(), a.jmxPort());
        ConsumerControl control = new ConsumerControl(a.processingDelayMs());
        register(control, ConsumerControl.objectName(a.clientId()));
        log.info("consumer {} <- {} in group {}, {} ms/record, JMX on {}:{}",
                a.clientId(), a.topic(), a.group(), a.processingDelayMs(), a.jmxHost(), a.jmxPort());
        awaitResolvable(a.bootstrap());
        ConsumerWorkload workload = new ConsumerWorkload(a, control);
        onShutdown(() -> {
            workload.stop();
            jmx.close();
        });
        workload.run();
    }

    /**
     * Waits until at least one bootstrap host name resolves. Kafka clients refuse to be built
     * when none does, which happens when a workload starts before its broker's container (and
     * DNS name) exists; an unreachable broker must not stop the workload, so it waits here with
     * JMX already up. SIGTERM meanwhile just ends the JVM: nothing is open yet that needs closing.
     */
    private static void awaitResolvable(String bootstrap) throws InterruptedException {
        if (anyResolves(bootstrap)) {
            return;
        }
        log.warn("no bootstrap server in {} resolves yet; retrying every 2 s", bootstrap);
        do {
            Thread.sleep(2000);
        } while (!anyResolves(bootstrap));
        log.info("bootstrap server name resolves now: {}", bootstrap);
    }

    private static boolean anyResolves(String bootstrap) {
        for (String hostPort : bootstrap.split(",")) {
            // Strip the port, and the brackets of an IPv6 literal.
            String host = hostPort.substring(0, hostPort.lastIndexOf(':')).replaceAll("^\\[|\\]$", "");
            try {
                InetAddress.getByName(host);
                return true;
            } catch (UnknownHostException e) {
                // try the next one
            }
        }
        return false;
    }

    private static void register(Object mbean, ObjectName name) throws JMException {
        ManagementFactory.getPlatformMBeanServer().registerMBean(mbean, name);
    }

    private static void onShutdown(Runnable r) {
        Runtime.getRuntime().addShutdownHook(new Thread(r, "faultline-shutdown"));
    }

    private static void usageError(String message) {
        System.err.println("error: " + message);
        System.err.println(Args.USAGE);
        System.exit(EXIT_USAGE);
    }
}
