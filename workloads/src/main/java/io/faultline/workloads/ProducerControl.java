package io.faultline.workloads;

import java.util.concurrent.atomic.AtomicLong;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

/**
 * State shared between JMX (any RMI thread) and the producer's send loop and callbacks: plain
 * volatiles and atomics, since each value is written by one kind of caller and read by the other.
 */
public final class ProducerControl implements ProducerControlMBean {

    private final int nominalRate;
    private volatile int rate;
    private volatile boolean paused;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();

    ProducerControl(int nominalRate) {
        this.nominalRate = nominalRate;
        setRate(nominalRate);
    }

    static ObjectName objectName(String clientId) throws MalformedObjectNameException {
        return new ObjectName("io.faultline.workloads:type=ProducerControl,name=" + clientId);
    }

    @Override
    public int getRate() {
        return rate;
    }

    @Override
    public void setRate(int rate) {
        if (rate < 0 || rate > Args.MAX_RATE) {
            throw new IllegalArgumentException("Rate must be 0.." + Args.MAX_RATE + ", got " + rate);
        }
        this.rate = rate;
    }

    @Override
    public int getNominalRate() {
        return nominalRate;
    }

    @Override
    public long getMessagesSent() {
        return sent.get();
    }

    @Override
    public long getSendErrors() {
        return errors.get();
    }

    @Override
    public boolean isPaused() {
        return paused;
    }

    @Override
    public void setPaused(boolean paused) {
        this.paused = paused;
    }

    /** The rate the send loop should keep right now. */
    int effectiveRate() {
        return paused ? 0 : rate;
    }

    void countSent() {
        sent.incrementAndGet();
    }

    void countError() {
        errors.incrementAndGet();
    }
}
