package io.faultline.workloads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

class ControlTest {

    @Test
    void producerRateIsValidatedAndPauseKeepsIt() {
        ProducerControl c = new ProducerControl(10);
        c.setRate(1_000_000);
        c.setRate(0);
        assertThrows(IllegalArgumentException.class, () -> c.setRate(-1));
        assertThrows(IllegalArgumentException.class, () -> c.setRate(1_000_001));
        c.setRate(50);
        c.setPaused(true);
        assertTrue(c.isPaused());
        assertEquals(0, c.effectiveRate());
        assertEquals(50, c.getRate());
        c.setPaused(false);
        assertEquals(50, c.effectiveRate());
        assertEquals(10, c.getNominalRate());
    }

    @Test
    void consumerDelayIsValidated() {
        ConsumerControl c = new ConsumerControl(0);
        c.setProcessingDelayMs(60_000);
        assertThrows(IllegalArgumentException.class, () -> c.setProcessingDelayMs(-1));
        assertThrows(IllegalArgumentException.class, () -> c.setProcessingDelayMs(60_001));
        assertEquals(60_000, c.getProcessingDelayMs());
        assertEquals(0, c.getMessagesConsumed());
    }

    @Test
    void objectNamesAreTheContract() throws Exception {
        assertEquals(new ObjectName("io.faultline.workloads:type=ProducerControl,name=producer-1"),
                ProducerControl.objectName("producer-1"));
        assertEquals(new ObjectName("io.faultline.workloads:type=ConsumerControl,name=consumer-1"),
                ConsumerControl.objectName("consumer-1"));
    }
}
