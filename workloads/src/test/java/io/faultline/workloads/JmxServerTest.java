package io.faultline.workloads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import javax.management.Attribute;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.RuntimeMBeanException;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import org.junit.jupiter.api.Test;

/** Starts the real connector on a free loopback port and talks to it as a sidecar would. */
class JmxServerTest {

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void servesTheControlMBeanRemotely() throws Exception {
        int port = freePort();
        ObjectName name = ProducerControl.objectName("jmx-test");
        ManagementFactory.getPlatformMBeanServer().registerMBean(new ProducerControl(10), name);
        try (JmxServer server = JmxServer.start("127.0.0.1", port);
             JMXConnector client = JMXConnectorFactory.connect(
                     new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + port + "/jmxrmi"))) {
            MBeanServerConnection conn = client.getMBeanServerConnection();
            assertEquals(10, conn.getAttribute(name, "Rate"));
            conn.setAttribute(name, new Attribute("Rate", 50));
            assertEquals(50, conn.getAttribute(name, "Rate"));
            assertEquals(10, conn.getAttribute(name, "NominalRate"));
            assertEquals(false, conn.getAttribute(name, "Paused"));
            RuntimeMBeanException e = assertThrows(RuntimeMBeanException.class,
                    () -> conn.setAttribute(name, new Attribute("Rate", -5)));
            assertTrue(e.getCause() instanceof IllegalArgumentException);
        } finally {
            ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
        }
    }

    @Test
    void aTakenPortIsReportedAsSuch() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            JmxServer.PortInUseException e = assertThrows(JmxServer.PortInUseException.class,
                    () -> JmxServer.start("127.0.0.1", port));
            assertEquals("JMX port " + port + " on 127.0.0.1 is already in use", e.getMessage());
        }
    }
}
