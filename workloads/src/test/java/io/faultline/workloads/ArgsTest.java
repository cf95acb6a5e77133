package io.faultline.workloads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ArgsTest {

    @Test
    void producerDefaults() throws Exception {
        Args.Producer p = Args.parseProducer(new String[] {"--bootstrap", "127.0.0.1:9092"});
        assertEquals(new Args.Producer("127.0.0.1:9092", "faultline.demo", "producer-1", 10, 512,
                "all", 5, 2_097_152L, 1000, 11001, "127.0.0.1"), p);
    }

    @Test
    void producerAllFlagsInBothForms() throws Exception {
        Args.Producer p = Args.parseProducer(new String[] {
            "--bootstrap=a:1,b:2", "--topic", "t.x", "--client-id", "p-2", "--rate=0",
            "--message-bytes", "100", "--acks", "1", "--linger-ms", "0", "--buffer-memory", "65536",
            "--max-block-ms", "0", "--jmx-port", "12000", "--jmx-host", "0.0.0.0"});
        assertEquals(new Args.Producer("a:1,b:2", "t.x", "p-2", 0, 100, "1", 0, 65536L, 0, 12000, "0.0.0.0"), p);
    }

    @Test
    void consumerDefaultsAndFlags() throws Exception {
        assertEquals(new Args.Consumer("h:9", "faultline.demo", "faultline-demo-consumers", "consumer-1", 0, 11101,
                "127.0.0.1"), Args.parseConsumer(new String[] {"--bootstrap", "h:9"}));
        Args.Consumer c = Args.parseConsumer(new String[] {
            "--bootstrap", "h:9", "--group", "g", "--client-id", "c2", "--processing-delay-ms", "250"});
        assertEquals("g", c.group());
        assertEquals("c2", c.clientId());
        assertEquals(250, c.processingDelayMs());
    }

    @Test
    void rejectsBadCommandLines() {
        String[][] bad = {
            {},                                              // --bootstrap missing
            {"--topic", "t"},                                // --bootstrap missing
            {"--bootstrap", "h:1", "--nope", "1"},           // unknown flag
            {"--bootstrap", "h:1", "--rate", "ten"},         // not a number
            {"--bootstrap", "h:1", "--rate", "-1"},          // out of range
            {"--bootstrap", "h:1", "--rate", "1000001"},     // out of range
            {"--bootstrap", "h:1", "--rate", "99999999999"}, // beyond int
            {"--bootstrap", "h:1", "--rate"},                // value missing
            {"--bootstrap", "h:1", "--rate", "1", "--rate", "2"}, // duplicate
            {"--bootstrap", "h:1", "stray"},                 // positional
            {"--bootstrap", "nohostport"},                   // malformed bootstrap
            {"--bootstrap", "h:1,"},                         // empty entry
            {"--bootstrap", "h:1", "--acks", "2"},
            {"--bootstrap", "h:1", "--client-id", "a,b=c"}, // would break the ObjectName
            {"--bootstrap", "h:1", "--jmx-port", "70000"},
            {"--bootstrap", "h:1", "--group", "g"},          // consumer-only flag
        };
        for (String[] argv : bad) {
            assertThrows(Args.UsageException.class, () -> Args.parseProducer(argv), String.join(" ", argv));
        }
        assertThrows(Args.UsageException.class,
                () -> Args.parseConsumer(new String[] {"--bootstrap", "h:1", "--rate", "5"}));
        assertThrows(Args.UsageException.class,
                () -> Args.parseConsumer(new String[] {"--bootstrap", "h:1", "--processing-delay-ms", "60001"}));
    }

    @Test
    void errorMessagesNameTheProblem() {
        Args.UsageException e = assertThrows(Args.UsageException.class,
                () -> Args.parseProducer(new String[] {"--bootstrap", "h:1", "--rate", "ten"}));
        assertEquals("--rate: not a number: 'ten'", e.getMessage());
    }

    @Test
    void helpIsFoundAnywhere() {
        assertTrue(Args.wantsHelp(new String[] {"producer", "--bootstrap", "h:1", "--help"}));
        assertTrue(Args.wantsHelp(new String[] {"-h"}));
        assertFalse(Args.wantsHelp(new String[] {"producer", "--bootstrap", "h:1"}));
    }
}
