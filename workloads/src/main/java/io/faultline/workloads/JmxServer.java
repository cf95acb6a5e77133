package io.faultline.workloads;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.rmi.NoSuchObjectException;
import java.rmi.registry.LocateRegistry;
import java.rmi.registry.Registry;
import java.rmi.server.ExportException;
import java.rmi.server.RMIServerSocketFactory;
import java.rmi.server.UnicastRemoteObject;
import java.util.Map;
import javax.management.remote.JMXConnectorServer;
import javax.management.remote.JMXConnectorServerFactory;
import javax.management.remote.JMXServiceURL;
import javax.management.remote.rmi.RMIConnectorServer;

/**
 * Remote JMX for the platform MBeanServer (where kafka-clients registers its metrics), started in
 * code rather than with -Dcom.sun.management.jmxremote.* so that the port comes from our own flags,
 * the listener is bound to one address (127.0.0.1 by default: no auth, no SSL, so never on the
 * network by accident) and a busy port is reported as such.
 *
 * <p>The RMI registry and the connector share one port, so one forwarded or published port is
 * all a client needs. Clients connect to {@code service:jmx:rmi:///jndi/rmi://HOST:PORT/jmxrmi}.
 */
final class JmxServer implements AutoCloseable {

    /** The port is taken by another process (or another workload). */
    static final class PortInUseException extends IOException {
        PortInUseException(String host, int port, Throwable cause) {
            super("JMX port " + port + " on " + host + " is already in use", cause);
        }
    }

    private final Registry registry;
    private final JMXConnectorServer connector;

    private JmxServer(Registry registry, JMXConnectorServer connector) {
        this.registry = registry;
        this.connector = connector;
    }

    static JmxServer start(String host, int port) throws IOException {
        InetAddress bindAddress = InetAddress.getByName(host);
        // Stubs handed to clients carry this host name; without it RMI may advertise an address
        // the client cannot reach. An explicit -Djava.rmi.server.hostname wins, and a wildcard
        // bind address is no host name at all, so RMI's own choice is kept then.
        if (System.getProperty("java.rmi.server.hostname") == null && !bindAddress.isAnyLocalAddress()) {
            System.setProperty("java.rmi.server.hostname", host);
        }
        // One factory instance for registry and connector: RMI shares a listening port only
        // between exports whose server socket factories are equal.
        RMIServerSocketFactory sockets = new BoundSocketFactory(bindAddress);
        Registry registry;
        try {
            registry = LocateRegistry.createRegistry(port, null, sockets);
        } catch (ExportException e) {
            if (e.getCause() instanceof BindException) {
                throw new PortInUseException(host, port, e);
            }
            throw e;
        }
        String hostPort = (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        JMXServiceURL url = new JMXServiceURL(
                "service:jmx:rmi://" + hostPort + "/jndi/rmi://" + hostPort + "/jmxrmi");
        Map<String, Object> env = Map.of(RMIConnectorServer.RMI_SERVER_SOCKET_FACTORY_ATTRIBUTE, sockets);
        JMXConnectorServer connector = JMXConnectorServerFactory.newJMXConnectorServer(
                url, env, ManagementFactory.getPlatformMBeanServer());
        try {
            connector.start();
        } catch (IOException e) {
            unexport(registry);
            throw e;
        }
        return new JmxServer(registry, connector);
    }

    @Override
    public void close() {
        try {
            connector.stop();
        } catch (IOException e) {
            // Shutting down anyway; a half-stopped connector dies with the JVM.
        }
        unexport(registry);
    }

    private static void unexport(Registry registry) {
        try {
            UnicastRemoteObject.unexportObject(registry, true);
        } catch (NoSuchObjectException e) {
            // Already gone.
        }
    }

    /** Listens on one address only, instead of RMI's default of every interface. */
    private static final class BoundSocketFactory implements RMIServerSocketFactory {
        private final InetAddress address;

        BoundSocketFactory(InetAddress address) {
            this.address = address;
        }

        @Override
        public ServerSocket createServerSocket(int port) throws IOException {
            ServerSocket s = new ServerSocket();
            // Lets a restarted workload rebind at once while old connections sit in TIME_WAIT;
            // on Linux it does not let two live listeners share the port.
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(address, port), 50);
            return s;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof BoundSocketFactory other && other.address.equals(address);
        }

        @Override
        public int hashCode() {
            return address.hashCode();
        }
    }
}
