package dev.tenantry.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.tenantry.api.Json;
import dev.tenantry.api.validation.FieldError;
import io.javalin.http.Context;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/** Request bodies: JSON, or YAML when the client says so; parse errors name the offending field. */
final class Bodies {
    /** The largest body of a request, but for an agent's report. */
    static final long MAX_BYTES = 1024 * 1024;
    /**
     * The largest report an agent may send, uncompressed (sent with {@code Content-Encoding: gzip} it is read as it
     * inflates): a full report lists every instance of the cell, some 300-500 bytes each, so about 130,000 instances.
     */
    static final long MAX_REPORT_BYTES = 64L * 1024 * 1024;

    private Bodies() {}

    static <T> T read(Context ctx, Class<T> type) {
        return read(ctx, type, true);
    }

    /** Like {@link #read(Context, Class)}, for a body holding a secret: an error never quotes the parser's view of the text. */
    static <T> T readSecret(Context ctx, Class<T> type) {
        return read(ctx, type, false);
    }

    /**
     * An agent's report: up to {@link #MAX_REPORT_BYTES}, inflated first when sent with {@code Content-Encoding: gzip}.
     * It is mapped straight to {@code type}, without the tree of the whole body that other requests are checked on
     * (only a body that may hold a NUL character takes that way, to name the field).
     */
    static <T> T readReport(Context ctx, Class<T> type) {
        String encoding = ctx.header("Content-Encoding") == null ? "identity" : ctx.header("Content-Encoding").strip().toLowerCase();
        if (!encoding.equals("identity") && !encoding.equals("gzip")) {
            throw new ProblemException(415, "unsupported-media-type", "send the report uncompressed or with Content-Encoding: gzip, not " + encoding, null);
        }
        byte[] body;
        try (InputStream in = encoding.equals("gzip") ? new GZIPInputStream(ctx.req().getInputStream()) : ctx.req().getInputStream()) {
            body = in.readNBytes(Math.toIntExact(MAX_REPORT_BYTES + 1));
        } catch (ZipException | EOFException e) {
            throw ProblemException.badRequest(null, "the request body is not valid gzip: " + e.getMessage());
        } catch (IOException e) {
            throw ProblemException.badRequest(null, "the request body could not be read");
        }
        if (body.length > MAX_REPORT_BYTES) {
            throw new ProblemException(413, "content-too-large", "the report is larger than " + MAX_REPORT_BYTES + " bytes uncompressed", null);
        }
        return read(body, ctx.contentType(), type, true, !mayHoldNul(body));
    }

    /** Whether the JSON text may hold a NUL character: its escape (a raw NUL is no valid JSON). */
    private static boolean mayHoldNul(byte[] body) {
        for (int i = 0; i + 5 < body.length; i++) {
            if (body[i] == '\\' && (body[i + 1] == 'u' || body[i + 1] == 'U') && body[i + 2] == '0' && body[i + 3] == '0' && body[i + 4] == '0'
                    && body[i + 5] == '0') return true;
        }
        return false;
    }

    private static <T> T read(Context ctx, Class<T> type, boolean quoteParser) {
        return read(ctx.bodyAsBytes(), ctx.contentType(), type, quoteParser, false);
    }

    private static <T> T read(byte[] body, String contentTypeHeader, Class<T> type, boolean quoteParser, boolean direct) {
        if (body.length == 0) throw ProblemException.badRequest(null, "a request body is required");
        String contentType = contentTypeHeader == null ? "" : contentTypeHeader.toLowerCase();
        boolean yaml = contentType.contains("yaml");
        if (!yaml && !contentType.isEmpty() && !contentType.contains("json")) {
            throw new ProblemException(415, "unsupported-media-type", "send application/json or application/yaml, not " + contentType, null);
        }
        ObjectMapper mapper = yaml ? Json.YAML : Json.MAPPER;
        try {
            if (direct && !yaml) return mapper.readValue(body, type);
            JsonNode tree = mapper.readTree(body);
            if (tree == null || !tree.isObject()) throw ProblemException.badRequest(null, "the request body must be an object");
            String withNul = fieldWithNul(tree, "");
            if (withNul != null) {
                throw new ProblemException(400, "invalid-request", (withNul.isEmpty() ? "a field name" : withNul) + ": must not contain NUL characters",
                        List.of(new FieldError(withNul.isEmpty() ? "body" : withNul, "must not contain NUL characters")));
            }
            return mapper.treeToValue(tree, type);

        } catch (UnrecognizedPropertyException e) {
            String field = path(e);
            throw new ProblemException(400, "invalid-request", "unknown field '" + field + "'", List.of(new FieldError(field, "is not a known field")));
        } catch (JsonMappingException e) {
            String field = path(e);
            String message = field.isEmpty() ? "the request body has the wrong shape" : "has the wrong type or format";
            throw new ProblemException(400, "invalid-request", field.isEmpty() ? message : field + ": " + message,
                    field.isEmpty() ? List.of() : List.of(new FieldError(field, message)));
        } catch (JsonProcessingException e) {
            String duplicate = duplicateField(e);
            if (duplicate != null) {
                throw new ProblemException(400, "invalid-request", "field '" + duplicate + "' appears more than once",
                        List.of(new FieldError(duplicate, "appears more than once")));
            }
            throw new ProblemException(400, "malformed-body", "the body is not valid " + (yaml ? "YAML" : "JSON")
                    + (quoteParser ? ": " + e.getOriginalMessage() : ""), List.of(new FieldError(whereUnparseable(e), "is not valid " + (yaml ? "YAML" : "JSON"))));
        } catch (IOException e) {
            throw ProblemException.badRequest(null, "the request body could not be read");
        }
    }

    private static final Pattern DUPLICATE = Pattern.compile("Duplicate field '(.*)'");

    /** The name a body gives twice in one object (the parser's strict duplicate detection), or null. */
    private static String duplicateField(JsonProcessingException e) {
        Matcher m = DUPLICATE.matcher(e.getOriginalMessage() == null ? "" : e.getOriginalMessage());
        return m.find() ? m.group(1) : null;
    }

    /** The field whose value could not be parsed (e.g. {@code blueprint}), from the parser's position; "body" at the top. */
    private static String whereUnparseable(JsonProcessingException e) {
        if (!(e.getProcessor() instanceof com.fasterxml.jackson.core.JsonParser parser) || parser.getParsingContext() == null
                || parser.getParsingContext().getParent() == null) return "body";
        StringBuilder path = new StringBuilder();
        // the value the parser was inside of: a broken list under "blueprint" is "blueprint"; a body cut short is "body"
        for (String part : parser.getParsingContext().getParent().pathAsPointer().toString().split("/")) {
            if (part.isEmpty()) continue;
            if (part.matches("[0-9]+")) path.append('[').append(part).append(']');
            else path.append(path.isEmpty() ? "" : ".").append(part.replace("~1", "/").replace("~0", "~"));
        }
        return path.isEmpty() ? "body" : path.toString();
    }

    /** The path of the first string or field name holding a NUL character (PostgreSQL cannot store one), or null. */
    private static String fieldWithNul(JsonNode node, String path) {
        if (node.isTextual()) return node.textValue().indexOf('\0') >= 0 ? path : null;
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                String found = fieldWithNul(node.get(i), path + "[" + i + "]");
                if (found != null) return found;
            }
        }
        for (var field : node.properties()) {
            if (field.getKey().indexOf('\0') >= 0) return path;
            String found = fieldWithNul(field.getValue(), path.isEmpty() ? field.getKey() : path + "." + field.getKey());
            if (found != null) return found;
        }
        return null;
    }

    /** The JSON path of a mapping error, e.g. {@code blueprint.components[0].replicas}. */
    private static String path(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (!sb.isEmpty()) sb.append('.');
                sb.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                sb.append('[').append(ref.getIndex()).append(']');
            }
        }
        return sb.toString();
    }
}
