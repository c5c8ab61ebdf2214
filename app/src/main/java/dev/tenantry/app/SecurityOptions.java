package dev.tenantry.app;

import dev.tenantry.server.SecuritySettings;
import dev.tenantry.server.keys.KeyFile;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** Where the key-encryption key is and how often the audit chain is signed, as options of the commands that run a server. */
final class SecurityOptions {
    static final String DEFAULT_KEY_FILE = "master.key";

    @Option(names = "--key-file", paramLabel = "FILE", description = "The key-encryption key (a Tink AEAD keyset, mode 0600), the same for"
            + " every server replica; made on first use when missing (default: " + DEFAULT_KEY_FILE + " in the home)")
    Path keyFile;

    @Option(names = "--audit-checkpoint-seconds", paramLabel = "SECONDS", description = "How often the audit chain's head is signed"
            + " when it moved (default: 30)")
    Integer auditCheckpointSeconds;

    @Option(names = "--certificate-hours", paramLabel = "HOURS", description = "How long the TLS certificates the internal CA issues"
            + " to cells are valid; renewed at two thirds (default: 24)")
    Integer certificateHours;

    @Option(names = "--api-tls-port", description = "Serve the API over HTTPS on this port too, with a certificate from the internal CA"
            + " (0: any free port; default: no HTTPS)")
    Integer apiTlsPort;

    @Option(names = "--api-tls-name", paramLabel = "NAME", description = "A host name or address the API's certificate names (repeatable;"
            + " default: localhost and 127.0.0.1)")
    java.util.List<String> apiTlsNames;

    @Option(names = "--api-tls-cert", paramLabel = "FILE", description = "Serve the API with this certificate chain (PEM) instead of one"
            + " from the internal CA; with --api-tls-key; it must name the first --api-tls-name")
    Path apiTlsCert;

    @Option(names = "--api-tls-key", paramLabel = "FILE", description = "The private key (PEM) of --api-tls-cert")
    Path apiTlsKey;

    SecuritySettings toSettings(Path home) throws IOException {
        return settings(keyFile != null ? keyFile : home.resolve(DEFAULT_KEY_FILE),
                auditCheckpointSeconds == null ? null : Duration.ofSeconds(auditCheckpointSeconds),
                certificateHours == null ? null : Duration.ofHours(certificateHours))
                .withApiTls(apiTlsPort == null ? null : new SecuritySettings.ApiTls(apiTlsPort, apiTlsNames, provided()));
    }

    private SecuritySettings.ApiTls.Provided provided() throws IOException {
        if (apiTlsCert == null && apiTlsKey == null) return null;
        if (apiTlsCert == null || apiTlsKey == null) throw new IllegalArgumentException("--api-tls-cert and --api-tls-key go together");
        return new SecuritySettings.ApiTls.Provided(java.nio.file.Files.readString(apiTlsCert), java.nio.file.Files.readString(apiTlsKey));
    }

    static SecuritySettings settings(Path keyFile, Duration auditCheckpointInterval) throws IOException {
        return settings(keyFile, auditCheckpointInterval, null);
    }

    static SecuritySettings settings(Path keyFile, Duration auditCheckpointInterval, Duration certificateLifetime) throws IOException {
        return new SecuritySettings(KeyFile.openOrCreate(keyFile), auditCheckpointInterval, certificateLifetime);
    }
}
