package io.faultline.workloads;

import java.time.Duration;
import java.util.Arrays;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends fixed-size messages at the rate {@link ProducerControl} asks for, counting acknowledged
 * sends and failures. It never gives up on its own: with the broker gone, sends fail after
 * max.block.ms or delivery.timeout.ms, are counted, and the loop goes on, which is exactly what the
 * broker-failure and buffer-overflow scenarios need to see.
 */
final class ProducerWorkload {

    private static final Logger log = LoggerFactory.getLogger(ProducerWorkload.class);
    /** Longest idle wait, so a new Rate or Paused value takes effect within this time. */
    private static final long MAX_IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(3);

    private final Args.Producer args;
    private final ProducerControl control;
    private final KafkaProducer<byte[], byte[]> producer;
    private final byte[] payload;
    private final CountDownLatch stopping = new CountDownLatch(1);
    private volatile Thread loopThread;

    ProducerWorkload(Args.Producer args, ProducerControl control) {
        this.args = args;
        this.control = control;
        this.producer = new KafkaProducer<>(config(args), new ByteArraySerializer(), new ByteArraySerializer());
        this.payload = new byte[args.messageBytes()];
        // Printable filler keeps the messages readable in console consumers.
        Arrays.fill(payload, (byte) 'x');
    }

    /**
     * One metrics sample window; the clients keep two (metrics.num.samples), so an average
     * covers the last 1-2 s. Shared with the consumer.
     */
    static final String METRICS_WINDOW_MS = "1000";

    static Properties config(Args.Producer a) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, a.bootstrap());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, a.clientId());
        p.put(ProducerConfig.ACKS_CONFIG, a.acks());
        p.put(ProducerConfig.LINGER_MS_CONFIG, a.lingerMs());
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, a.bufferMemory());
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, a.maxBlockMs());
        // INFO already records every producer-metrics attribute the sidecars read (buffer-*,
        // bufferpool-wait-time, record-queue-time-avg, request-latency-avg, record-*-rate);
        // DEBUG would only add per-partition sensors at a cost on every send. Set explicitly so a
        // changed default cannot silently remove them.
        p.put(ProducerConfig.METRICS_RECORDING_LEVEL_CONFIG, "INFO");
        // Averages cover the last 1-2 s instead of the default 30-60 s: a broker that turned
        // slow must show in request-latency-avg within a sampling period or two, not be
        // diluted by the fast requests from before the fault (with 5 s windows the latency
        // scenario was detected at 1.9x its floor; see docs/benchmarks.md). The sidecars read
        // every second, so a shorter window would leave averages with no samples in between.
        p.put(ProducerConfig.METRICS_SAMPLE_WINDOW_MS_CONFIG, METRICS_WINDOW_MS);
        return p;
    }

    /** Runs the send loop on the calling thread until {@link #stop()}. */
    void run() {
        loopThread = Thread.currentThread();
        RatePacer pacer = new RatePacer(control.effectiveRate());
        while (stopping.getCount() > 0) {
            pacer.setRate(control.effectiveRate());
            long wait = pacer.nanosUntilNext();
            if (wait > 0) {
                pause(Math.min(wait, MAX_IDLE_NANOS));
                continue;
            }
            send();
            pacer.sent();
        }
    }

    private void send() {
        try {
            // send() itself blocks while the buffer is full, up to max.block.ms; that wait is the
            // back-pressure the buffer-overflow scenario shows (bufferpool-wait-time).
            producer.send(new ProducerRecord<>(args.topic(), payload), (metadata, error) -> {
                if (error == null) {
                    control.countSent();
                } else {
                    control.countError();
                }
            });
        } catch (RuntimeException e) {
            // Thrown, not called back: e.g. the producer was closed under us while stopping.
            if (stopping.getCount() > 0) {
                control.countError();
                log.debug("send failed", e);
            }
        }
    }

    private void pause(long nanos) {
        try {
            stopping.await(nanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopping.countDown();
        }
    }

    /**
     * Called from the shutdown hook. Closing the producer here, rather than waiting for the loop,
     * also wakes a send() blocked on a full buffer or on missing metadata, so shutdown takes at
     * most the close timeout whatever max.block.ms is.
     */
    void stop() {
        stopping.countDown();
        producer.close(CLOSE_TIMEOUT);
        Thread t = loopThread;
        if (t != null) {
            try {
                t.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
