package io.faultline.workloads;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the demo topic in a consumer group, spending {@link ConsumerControl#getProcessingDelayMs()}
 * on each record, and commits what it has processed about once a second. Lag is computed from
 * committed offsets, so committing processed records (not whole fetched batches) keeps the lag
 * curve smooth and true while the consumer is slow.
 *
 * <p>A slow consumer must stay in its group. Kafka evicts a member that does not poll within
 * max.poll.interval.ms, and one that then re-reads the same uncommitted batch would be evicted
 * again forever. So the loop goes back to poll() at least every {@link #POLL_BUDGET}: it seeks each
 * partition back to its first unprocessed record (the rest of the batch is simply fetched again)
 * and polls. With one record's delay capped at 60 s, the time between polls stays far below
 * max.poll.interval.ms whatever ProcessingDelayMs is set to.
 */
final class ConsumerWorkload {

    private static final Logger log = LoggerFactory.getLogger(ConsumerWorkload.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(200);
    private static final Duration POLL_BUDGET = Duration.ofSeconds(5);
    private static final long COMMIT_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(3);

    private final Args.Consumer args;
    private final ConsumerControl control;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final CountDownLatch stopping = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    /** Next offset to commit per partition: one past the last record processed. */
    private final Map<TopicPartition, OffsetAndMetadata> processed = new HashMap<>();
    private long lastCommitNanos = System.nanoTime();

    ConsumerWorkload(Args.Consumer args, ConsumerControl control) {
        this.args = args;
        this.control = control;
        this.consumer = new KafkaConsumer<>(config(args), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    static Properties config(Args.Consumer a) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, a.bootstrap());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, a.group());
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, a.clientId());
        // Commits follow processing (see class comment), not the fetch position.
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // A new group reads what the producer already sent, so no demo message goes unseen.
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // Small batches: little is fetched only to be dropped again when the poll budget runs out.
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 50);
        // Far above POLL_BUDGET + the longest single-record delay (60 s): eviction needs a hang.
        p.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, 300_000);
        // records-lag-max, fetch-rate, records-consumed-rate and fetch-latency-avg are INFO metrics.
        p.put(ConsumerConfig.METRICS_RECORDING_LEVEL_CONFIG, "INFO");
        p.put(ConsumerConfig.METRICS_SAMPLE_WINDOW_MS_CONFIG, ProducerWorkload.METRICS_WINDOW_MS);
        return p;
    }

    /** Runs the poll loop on the calling thread until {@link #stop()}. */
    void run() {
        try {
            consumer.subscribe(List.of(args.topic()), new CommitOnRevoke());
            while (stopping.getCount() > 0) {
                try {
                    process(consumer.poll(POLL_TIMEOUT));
                    commitIfDue();
                } catch (KafkaException e) {
                    // Keep consuming through whatever the scenarios throw at the cluster;
                    // the client reconnects and rejoins by itself on the next poll.
                    log.warn("poll failed, retrying in 1 s: {}", e.toString());
                    sleep(1000);
                }
            }
        } finally {
            try {
                commitProcessedSync();
            } catch (KafkaException e) {
                log.warn("final commit failed: {}", e.toString());
            }
            consumer.close(CLOSE_TIMEOUT);
            stopped.countDown();
        }
    }

    private void process(ConsumerRecords<byte[], byte[]> records) {
        if (records.isEmpty()) {
            return;
        }
        long pollNanos = System.nanoTime();
        for (TopicPartition tp : records.partitions()) {
            List<ConsumerRecord<byte[], byte[]>> batch = records.records(tp);
            for (int i = 0; i < batch.size(); i++) {
                if (stopping.getCount() == 0) {
                    return;
                }
                if (System.nanoTime() - pollNanos > POLL_BUDGET.toNanos()) {
                    rewindUnprocessed(records, tp, batch.get(i).offset());
                    return;
                }
                ConsumerRecord<byte[], byte[]> r = batch.get(i);
                sleep(control.getProcessingDelayMs()); // the simulated work
                control.countConsumed();
                processed.put(tp, new OffsetAndMetadata(r.offset() + 1));
                commitIfDue();
            }
        }
    }

    /**
     * Seeks partition {@code current} back to {@code nextOffset}, and every partition of the batch
     * not yet started back to its first record, so the next poll() re-fetches exactly what is left.
     */
    private void rewindUnprocessed(ConsumerRecords<byte[], byte[]> records, TopicPartition current, long nextOffset) {
        boolean after = false;
        for (TopicPartition tp : records.partitions()) {
            if (tp.equals(current)) {
                consumer.seek(tp, nextOffset);
                after = true;
            } else if (after) {
                consumer.seek(tp, records.records(tp).get(0).offset());
            }
        }
    }

    /** A sleep that shutdown cuts short. */
    private void sleep(long delayMs) {
        if (delayMs <= 0) {
            return;
        }
        try {
            stopping.await(delayMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopping.countDown();
        }
    }

    private void commitIfDue() {
        if (processed.isEmpty() || System.nanoTime() - lastCommitNanos < COMMIT_INTERVAL_NANOS) {
            return;
        }
        // Async keeps a slow or absent broker from stalling processing; commits are sent in order,
        // and a failed one is superseded by the next, so failures are only logged.
        consumer.commitAsync(Map.copyOf(processed), (offsets, error) -> {
            if (error != null) {
                log.debug("commit failed: {}", error.toString());
            }
        });
        processed.clear();
        lastCommitNanos = System.nanoTime();
    }

    /** Bounded by a timeout so neither a rebalance nor shutdown waits on an absent coordinator for long. */
    private void commitProcessedSync() {
        if (processed.isEmpty()) {
            return;
        }
        try {
            consumer.commitSync(Map.copyOf(processed), CLOSE_TIMEOUT);
        } finally {
            // Tried once: a failed commit must not be retried later for partitions that may have
            // moved to another member meanwhile (it would overwrite that member's progress).
            processed.clear();
        }
    }

    /** Commits what was processed of partitions about to move to another member. */
    private final class CommitOnRevoke implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            try {
                commitProcessedSync();
            } catch (KafkaException e) {
                log.warn("commit on rebalance failed: {}", e.toString());
            }
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {}
    }

    /**
     * Called from the shutdown hook. KafkaConsumer is single-threaded, so the loop closes it: every
     * wait in the loop is short or cut short by {@code stopping}, so it notices within ~200 ms and
     * then commits and closes within the close timeouts. No wakeup(): it would make the final
     * commit throw instead of run.
     */
    void stop() {
        stopping.countDown();
        try {
            stopped.await(CLOSE_TIMEOUT.toSeconds() * 2 + 1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
