package dev.tenantry.app;

import dev.tenantry.api.model.Token;
import dev.tenantry.api.model.TokenCreate;
import dev.tenantry.server.domain.TokenService;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/** Small files in TENANTRY_HOME (api.url, admin.token, agent.token), written atomically and readable by the owner only. */
final class HomeFiles {
    private HomeFiles() {}

    /** A token secret read from, or just written to, its file; {@code created} tells which. */
    record StoredToken(String secret, boolean created) {}

    /** The token in {@code file} while it is still valid; otherwise a new one issued as {@code ifMissing} and written there. */
    static StoredToken token(Path file, TokenService tokens, TokenCreate ifMissing) throws IOException {
        if (Files.exists(file)) {
            String existing = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (tokens.authenticate(existing).isPresent()) return new StoredToken(existing, false);
        }
        Token token = tokens.issue(ifMissing);
        write(file, token.secret());
        return new StoredToken(token.secret(), true);
    }

    /** The token in {@code file}, registered if the database does not know it; else a new one, written there. */
    static StoredToken adoptedToken(Path file, TokenService tokens, TokenCreate request) throws IOException {
        if (Files.exists(file)) {
            String existing = Files.readString(file, StandardCharsets.UTF_8).strip();
            tokens.adopt(request, existing);
            return new StoredToken(existing, false);
        }
        Token token = tokens.issue(request);
        write(file, token.secret());
        return new StoredToken(token.secret(), true);
    }

    static void write(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp");
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        Files.writeString(tmp, content + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
