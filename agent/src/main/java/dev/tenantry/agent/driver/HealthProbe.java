package dev.tenantry.agent.driver;

import dev.tenantry.api.blueprint.HealthCheck;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One health check of one replica: a TCP connect, or an HTTP/1.1 GET whose status must be 2xx/3xx.
 *
 * <p>The agent probes every starting replica every few tens of milliseconds, so a cell starting fifty
 * instances makes thousands of probes a second; a plain socket with a one-line request costs a
 * fraction of a general HTTP client's work, which matters because probes run at the agent's priority,
 * above the workloads they wait for.
 */
final class HealthProbe {
    private HealthProbe() {}

    static boolean check(HealthCheck check, int port) {
        int timeout = check.timeoutOrDefault();
        // no proxy: a plain socket would ask the proxy selector about every probe (a URI parsed each time)
        try (Socket socket = new Socket(Proxy.NO_PROXY)) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), timeout);
            if (check.type() == HealthCheck.Type.tcp) return true;
            socket.setSoTimeout(timeout);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + check.pathOrDefault() + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                    + "\r\nUser-Agent: tenantry-agent\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return isSuccess(statusLine(socket.getInputStream()));
        } catch (IOException e) {
            return false;
        }
    }

    /** "HTTP/1.1 200 OK" → true for 2xx and 3xx. */
    static boolean isSuccess(String statusLine) {
        if (statusLine == null || !statusLine.startsWith("HTTP/1.") || statusLine.length() < 12) return false;
        char first = statusLine.charAt(9);
        return first == '2' || first == '3';
    }

    private static String statusLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != -1 && c != '\n' && line.length() < 200) line.append((char) c);
        return line.toString().strip();
    }
}
