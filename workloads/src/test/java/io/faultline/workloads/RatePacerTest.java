package io.faultline.workloads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class RatePacerTest {

    private static final long MS = 1_000_000L;

    /** A hand-driven clock in nanoseconds. */
    private static final class FakeClock {
        long now = 5_000 * MS; // not zero, to catch code that assumes the clock starts at 0
    }

    /** Sends whenever due over {@code durationNanos}, each send taking {@code sendCostNanos}. */
    private static int run(RatePacer pacer, FakeClock clock, long durationNanos, long sendCostNanos) {
        long end = clock.now + durationNanos;
        int sent = 0;
        while (true) {
            long wait = pacer.nanosUntilNext();
            if (wait == RatePacer.PAUSED || clock.now + wait >= end) {
                clock.now = end;
                return sent;
            }
            clock.now += wait;
            pacer.sent();
            sent++;
            clock.now += sendCostNanos;
        }
    }

    @Test
    void spacesMessagesEvenly() {
        FakeClock clock = new FakeClock();
        RatePacer pacer = new RatePacer(10, () -> clock.now);
        assertEquals(0, pacer.nanosUntilNext());
        pacer.sent();
        assertEquals(100 * MS, pacer.nanosUntilNext());
        clock.now += 40 * MS;
        assertEquals(60 * MS, pacer.nanosUntilNext());
    }

    @Test
    void keepsTheRateOverTime() {
        FakeClock clock = new FakeClock();
        RatePacer pacer = new RatePacer(250, () -> clock.now);
        assertEquals(2500, run(pacer, clock, 10_000 * MS, 0));
    }

    @Test
    void makesUpForSlowSendsByElapsedTime() {
        // Sleeping 1000/rate after each send would give 10 s / (10 ms + 3 ms) = 769 messages.
        FakeClock clock = new FakeClock();
        RatePacer pacer = new RatePacer(100, () -> clock.now);
        assertEquals(1000, run(pacer, clock, 10_000 * MS, 3 * MS));
    }

    @Test
    void doesNotBurstAfterALongStall() {
        FakeClock clock = new FakeClock();
        RatePacer pacer = new RatePacer(100, () -> clock.now);
        pacer.sent();
        clock.now += 10_000 * MS; // e.g. send() blocked on a full buffer
        assertEquals(0, pacer.nanosUntilNext());
        pacer.sent();
        // Afresh from the stall: the next one is one interval later, not another 999 at once.
        assertEquals(10 * MS, pacer.nanosUntilNext());
    }

    @Test
    void zeroRatePausesAndARateChangeStartsAfresh() {
        FakeClock clock = new FakeClock();
        RatePacer pacer = new RatePacer(0, () -> clock.now);
        assertEquals(RatePacer.PAUSED, pacer.nanosUntilNext());
        assertEquals(0, run(pacer, clock, 1_000 * MS, 0));
        pacer.setRate(50);
        assertEquals(0, pacer.nanosUntilNext());
        assertEquals(50, run(pacer, clock, 1_000 * MS, 0));
        pacer.setRate(1_000_000);
        assertEquals(1_000_000, run(pacer, clock, 1_000 * MS, 0));
        assertThrows(IllegalArgumentException.class, () -> pacer.setRate(-1));
    }
}
