package dev.tenantry.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonWriteAtomicallyTest {
    @TempDir
    Path dir;

    @Test
    void writesIntoNewDirectoriesReplacesTheFileAndALeftTemporaryOneOwnerOnly() throws Exception {
        Path file = dir.resolve("a/b/state.json");
        Json.writeAtomically(file, Map.of("n", 1));
        assertThat(Json.readFile(file, Map.class)).contains(Map.of("n", 1));

        // a crash between writing the temporary file and renaming it leaves it behind, with any content
        Files.writeString(file.resolveSibling("state.json.tmp"), "{half");
        Json.writeAtomically(file, Map.of("n", 2));
        assertThat(Json.readFile(file, Map.class)).contains(Map.of("n", 2));
        assertThat(file.resolveSibling("state.json.tmp")).doesNotExist();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }
}
