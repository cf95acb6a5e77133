package io.faultline.workloads;

/**
 * The demo consumer's control surface over JMX, registered as
 * {@code io.faultline.workloads:type=ConsumerControl,name=<client-id>}. The attribute names are a
 * contract: the consumer-lag scenario raises ProcessingDelayMs and a healer lowers it again.
 */
public interface ConsumerControlMBean {

    /** Simulated work per record in milliseconds, 0..60,000. */
    long getProcessingDelayMs();

    /** @throws IllegalArgumentException when outside 0..60,000 */
    void setProcessingDelayMs(long delayMs);

    /** Records fully processed (their delay slept). */
    long getMessagesConsumed();
}
