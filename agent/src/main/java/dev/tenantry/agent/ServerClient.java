package dev.tenantry.agent;

import dev.tenantry.api.Json;
import dev.tenantry.api.cell.CellDesiredState;
import dev.tenantry.api.cell.CellRegistration;
import dev.tenantry.api.cell.CellReport;
import dev.tenantry.api.cell.CertificateRequest;
import dev.tenantry.api.cell.Deployment;
import dev.tenantry.api.cell.IssuedCertificate;
import dev.tenantry.api.cell.ServedCertificate;
import java.util.List;
import java.util.Map;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The agent's calls to the server, all outbound: register, long-poll the desired state, fetch an instance's secrets, report. */
final class ServerClient {
    private final HttpClient http;
    private final String baseUrl;
    private final String token;
    private final String cell;

    /** {@code token}: a bearer agent token (null: none, the client certificate of {@code tls} says who calls). */
    ServerClient(String baseUrl, String token, String cell, javax.net.ssl.SSLContext tls) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.token = token;
        this.cell = cell;
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).version(HttpClient.Version.HTTP_1_1);
        if (tls != null) builder.sslContext(tls);
        this.http = builder.build();
    }

    /** A request to {@code path} of the server, with the agent's bearer token when it has one. */
    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path));
        return token == null ? request : request.header("Authorization", "Bearer " + token);
    }

    CellDesiredState awaitDesired(long afterRevision, Duration wait) throws IOException, InterruptedException {
        HttpRequest request = request("/v1/cells/" + cell + "/desired?after=" + afterRevision + "&wait=" + wait.toSeconds())
                .timeout(wait.plusSeconds(15)).GET().build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) throw new IOException("desired state: HTTP " + response.statusCode() + " " + response.body());
        return Json.readTolerant(response.body(), CellDesiredState.class);
    }

    void register(CellRegistration registration) throws IOException, InterruptedException {
        HttpRequest request = request("/v1/cells/" + cell)
                .timeout(Duration.ofSeconds(15))
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(Json.write(registration))).build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) throw new IOException("registering cell " + cell + ": HTTP " + response.statusCode() + " " + response.body());
    }

    /** The values of the secrets of an instance placed on this cell (never written anywhere by the agent but its replicas' files). */
    Map<String, String> secrets(Deployment d) throws IOException, InterruptedException {
        HttpRequest request = request("/v1/cells/" + cell + "/instances/" + d.instanceUid() + "/secrets")
                .timeout(Duration.ofSeconds(15)).GET().build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            // the body of an error names no value
            throw new IOException("the secrets of " + d.key() + ": HTTP " + response.statusCode() + " " + response.body());
        }
        Map<String, String> values = new java.util.TreeMap<>();
        Json.MAPPER.readTree(response.body()).path("values").properties().forEach(e -> values.put(e.getKey(), e.getValue().asText()));
        return values;
    }

    /** A certificate from the server's CA for host names of this cell's instances. */
    IssuedCertificate issueCertificate(CertificateRequest certificateRequest) throws IOException, InterruptedException {
        HttpRequest request = request("/v1/cells/" + cell + "/certificates")
                .timeout(Duration.ofSeconds(15))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(Json.write(certificateRequest))).build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 201) throw new IOException("certificate: HTTP " + response.statusCode() + " " + response.body());
        return Json.read(response.body(), IssuedCertificate.class);
    }

    /** The certificates and keys of an instance's custom domains, for this cell's gateway. */
    List<ServedCertificate> domains(String instanceUid) throws IOException, InterruptedException, java.security.GeneralSecurityException {
        HttpRequest request = request("/v1/cells/" + cell + "/instances/" + instanceUid + "/domains").timeout(Duration.ofSeconds(15)).GET().build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) throw new IOException("the domains of " + instanceUid + ": HTTP " + response.statusCode());
        List<ServedCertificate> served = new java.util.ArrayList<>();
        for (var d : Json.MAPPER.readTree(response.body()).path("items")) {
            served.add(new ServedCertificate(d.path("domain").asText(), CertificationRequests.privateKey(d.path("key").asText()),
                    CertificationRequests.chain(d.path("certificate").asText())));
        }
        return served;
    }

    /** Clients' requests for replicas' logs on this cell, waiting up to {@code wait} for one. */
    List<dev.tenantry.api.cell.LogRequest> logRequests(Duration wait) throws IOException, InterruptedException {
        HttpRequest request = request("/v1/cells/" + cell + "/log-requests?wait=" + wait.toSeconds()).timeout(wait.plusSeconds(15)).GET().build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) throw new IOException("log requests: HTTP " + response.statusCode() + " " + response.body());
        return Json.MAPPER.readerForListOf(dev.tenantry.api.cell.LogRequest.class).readValue(Json.MAPPER.readTree(response.body()).path("items"));
    }

    /** How often a chunk of log is sent again after a 503 (the server busy or stopping: nothing done), after its Retry-After. */
    static final int LOG_POST_RETRIES = 3;
    private static final Duration RETRY_AFTER_CAP = Duration.ofSeconds(5);

    /**
     * Posts a chunk of a requested log; false when its reader is gone (stop sending). A 503 is tried again, after the
     * answer's {@code Retry-After} (1 s without one, at most 5 s), up to {@value #LOG_POST_RETRIES} times:
     * the chunks now go through the server's database, which may be busy for a moment, and a follow should not end then.
     */
    boolean postLog(String requestId, byte[] chunk, boolean end) throws IOException, InterruptedException {
        HttpRequest request = request("/v1/cells/" + cell + "/log-requests/" + requestId + "?end=" + end).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/octet-stream").POST(HttpRequest.BodyPublishers.ofByteArray(chunk)).build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        for (int retry = 0; response.statusCode() == 503 && retry < LOG_POST_RETRIES; retry++) {
            Duration asked = dev.tenantry.api.RetryAfter.of(response.headers().firstValue("Retry-After")).orElse(Duration.ofSeconds(1));
            Thread.sleep(asked.compareTo(RETRY_AFTER_CAP) > 0 ? RETRY_AFTER_CAP : asked);
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        }
        if (response.statusCode() == 410) return false;
        if (response.statusCode() != 204) throw new IOException("log " + requestId + ": HTTP " + response.statusCode() + " " + response.body());
        return true;
    }

    /** Sends a usage report; true once the server has it (recorded now, or before: it counts each once). */
    boolean postUsage(dev.tenantry.api.cell.UsageReport report) throws IOException, InterruptedException {
        HttpRequest request = request("/v1/cells/" + cell + "/usage").timeout(Duration.ofSeconds(15))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(Json.write(report))).build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 204) throw new IOException("usage report " + report.seq() + ": HTTP " + response.statusCode() + " " + response.body());
        return true;
    }

    /**
     * Sends a report, gzipped when it is larger than {@value #COMPRESS_FROM} bytes (a full report of a cell of thousands
     * of instances is megabytes of repetitive JSON); the server's work on a full report grows with the cell, hence the
     * long timeout.
     */
    void report(CellReport report) throws IOException, InterruptedException {
        byte[] body = Json.MAPPER.writeValueAsBytes(report);
        HttpRequest.Builder builder = request("/v1/cells/" + cell + "/status").timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json");
        if (body.length > COMPRESS_FROM) {
            body = gzip(body);
            builder.header("Content-Encoding", "gzip");
        }
        HttpRequest request = builder.PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 204) throw new IOException("report: HTTP " + response.statusCode() + " " + response.body());
    }

    static final int COMPRESS_FROM = 16 * 1024;

    private static byte[] gzip(byte[] body) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(body.length / 8);
        try (java.util.zip.GZIPOutputStream zip = new java.util.zip.GZIPOutputStream(out)) {
            zip.write(body);
        }
        return out.toByteArray();
    }
}
