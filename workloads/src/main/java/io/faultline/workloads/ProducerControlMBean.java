package io.faultline.workloads;

/**
 * The demo producer's control surface over JMX, registered as
 * {@code io.faultline.workloads:type=ProducerControl,name=<client-id>}. The attribute names are a
 * contract: the sidecars read and write them to observe and heal the producer.
 */
public interface ProducerControlMBean {

    /** Target send rate in messages per second, 0..1,000,000; 0 sends nothing. */
    int getRate();

    /** @throws IllegalArgumentException when outside 0..1,000,000 */
    void setRate(int rate);

    /** Rate given on the command line, so a healer knows what "back to normal" means. */
    int getNominalRate();

    /** Sends acknowledged by Kafka (as far as the configured acks ask). */
    long getMessagesSent();

    /** Sends that failed: in the callback, or thrown by send() itself (e.g. a full buffer past max.block.ms). */
    long getSendErrors();

    /** True while sending is suspended; Rate keeps its value so resuming needs no memory. */
    boolean isPaused();

    void setPaused(boolean paused);
}
