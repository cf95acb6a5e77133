package io.faultline.workloads;

import java.util.function.LongSupplier;

/**
 * Says when the next message is due so that sends average the target rate.
 *
 * <p>Due times come from elapsed time since a start point, not from sleeping 1000/rate ms after
 * each send: a send that takes time (a blocked {@code send()}, a slow sleep) is made up for by
 * sending the next ones sooner, so the achieved rate matches the asked one. The make-up is
 * limited to one second of backlog; beyond that the pacer starts afresh, because a producer
 * that was blocked for ten seconds should not then fire ten seconds' worth of messages at once.
 *
 * <p>Not thread-safe: it belongs to the send loop, which reads the wanted rate each turn.
 */
final class RatePacer {

    static final long NANOS_PER_SECOND = 1_000_000_000L;
    /** Returned by {@link #nanosUntilNext()} while the rate is 0. */
    static final long PAUSED = Long.MAX_VALUE;

    private final LongSupplier clock;
    private int rate;
    /** Start of the current one-second window. */
    private long windowStart;
    /** Messages sent in the current window; always below {@code rate}, so arithmetic cannot overflow. */
    private int sentInWindow;

    RatePacer(int rate, LongSupplier nanoClock) {
        this.clock = nanoClock;
        this.rate = checked(rate);
        restart();
    }

    RatePacer(int rate) {
        this(rate, System::nanoTime);
    }

    int rate() {
        return rate;
    }

    /** Changes the rate; a change starts afresh so the new rate is not judged by the old one's history. */
    void setRate(int newRate) {
        if (checked(newRate) != rate) {
            rate = newRate;
            restart();
        }
    }

    /** Nanoseconds until the next message is due: 0 means send now, {@link #PAUSED} means rate 0. */
    long nanosUntilNext() {
        if (rate == 0) {
            return PAUSED;
        }
        long now = clock.getAsLong();
        long due = windowStart + sentInWindow * NANOS_PER_SECOND / rate;
        if (now - due > NANOS_PER_SECOND) {
            restart();
            return 0;
        }
        return Math.max(0, due - now);
    }

    /** Records that the due message was sent. */
    void sent() {
        if (rate == 0) {
            return;
        }
        if (++sentInWindow >= rate) {
            windowStart += NANOS_PER_SECOND;
            sentInWindow = 0;
        }
    }

    private void restart() {
        windowStart = clock.getAsLong();
        sentInWindow = 0;
    }

    private static int checked(int rate) {
        if (rate < 0) {
            throw new IllegalArgumentException("rate must be >= 0, got " + rate);
        }
        return rate;
    }
}
