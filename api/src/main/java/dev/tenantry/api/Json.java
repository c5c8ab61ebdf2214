package dev.tenantry.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/** The one JSON and YAML configuration shared by server, agent, gateway and CLI. */
public final class Json {
    /**
     * Parsers and generators take their buffers from one pool shared by all threads: Jackson's default keeps them per
     * thread, and most of ours are virtual threads that live for one request, so every parse would allocate its own.
     */
    private static final JsonFactory FACTORY = JsonFactory.builder().recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool()).build();

    public static final ObjectMapper MAPPER = JsonMapper.builder(FACTORY)
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();

    public static final ObjectMapper YAML = YAMLMapper.builder()
            .addModule(new JavaTimeModule())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private static final ObjectMapper CANONICAL = JsonMapper.builder(FACTORY.copy())
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    private Json() {}

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }

    /**
     * The value as JSON with every object's keys in order, after one round trip through its own type, so two values
     * that the store would keep alike compare and hash alike (a null that reads back as false, a map's order).
     */
    public static String canonical(Object value) {
        try {
            Object roundTripped = MAPPER.readValue(write(value), value.getClass());
            return CANONICAL.writeValueAsString(MAPPER.readValue(write(roundTripped), Object.class));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }

    /**
     * Writes the value as JSON through a temporary file and an atomic rename: a reader or a crash never sees half a file.
     * The file is readable and writable by its owner only (0600): these files hold tenants' parameters and routes.
     */
    public static void writeAtomically(Path file, Object value) throws IOException {
        writeAtomically(file, write(value).getBytes(StandardCharsets.UTF_8));
    }

    /** Writes the bytes through a temporary file and an atomic rename, readable and writable by the owner only (0600). */
    public static void writeAtomically(Path file, byte[] content) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        // looked at first: creating a directory that exists costs a system call and an exception
        if (!Files.isDirectory(parent)) Files.createDirectories(parent);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        try (var channel = Files.newByteChannel(tmp, java.util.EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), OWNER_ONLY)) {
            ByteBuffer rest = ByteBuffer.wrap(content);
            while (rest.hasRemaining()) channel.write(rest);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static final java.nio.file.attribute.FileAttribute<?> OWNER_ONLY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    /** The JSON file as {@code type}; empty when it is missing or cannot be read or parsed. */
    public static <T> Optional<T> readFile(Path file, Class<T> type) {
        try {
            return Optional.of(read(Files.readString(file, StandardCharsets.UTF_8), type));
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * The JSON as {@code type}, fields it does not know ignored: for what another version of Tenantry wrote (the desired
     * state an upgraded server sends to an agent not upgraded yet, a cache an older agent left).
     */
    public static <T> T readTolerant(String json, Class<T> type) {
        try {
            return MAPPER.readerFor(type).without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).readValue(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("cannot parse " + type.getSimpleName() + ": " + e.getOriginalMessage(), e);
        }
    }

    public static <T> T read(String json, Class<T> type) {
        try {
            return MAPPER.readValue(json, type);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("cannot parse " + type.getSimpleName() + ": " + e.getOriginalMessage(), e);
        }
    }
}
