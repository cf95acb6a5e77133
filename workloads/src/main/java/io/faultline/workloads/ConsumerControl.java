package io.faultline.workloads;

import java.util.concurrent.atomic.AtomicLong;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

/** State shared between JMX (any RMI thread) and the consumer's poll loop. */
public final class ConsumerControl implements ConsumerControlMBean {

    private volatile long processingDelayMs;
    private final AtomicLong consumed = new AtomicLong();

    ConsumerControl(long processingDelayMs) {
        setProcessingDelayMs(processingDelayMs);
    }

    static ObjectName objectName(String clientId) throws MalformedObjectNameException {
        return new ObjectName("io.faultline.workloads:type=ConsumerControl,name=" + clientId);
    }

    @Override
    public long getProcessingDelayMs() {
        return processingDelayMs;
    }

    @Override
    public void setProcessingDelayMs(long delayMs) {
        // The upper bound keeps one record's work well inside max.poll.interval.ms (see ConsumerWorkload).
        if (delayMs < 0 || delayMs > Args.MAX_PROCESSING_DELAY_MS) {
            throw new IllegalArgumentException(
                    "ProcessingDelayMs must be 0.." + Args.MAX_PROCESSING_DELAY_MS + ", got " + delayMs);
        }
        this.processingDelayMs = delayMs;
    }

    @Override
    public long getMessagesConsumed() {
        return consumed.get();
    }

    void countConsumed() {
        consumed.incrementAndGet();
    }
}
