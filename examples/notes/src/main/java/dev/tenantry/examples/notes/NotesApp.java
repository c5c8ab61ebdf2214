package dev.tenantry.examples.notes;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * Tenantry's example of a service with a database: its tenant's notes, in the PostgreSQL database Tenantry gives the
 * instance (JDBC_DATABASE_URL), whatever the plan's isolation model. {@code GET /} shows them with a form to add one;
 * {@code GET /notes} lists them as JSON (the first {@value #PAGE}); {@code POST /notes} (a form, or the note as plain text) adds one. With
 * NOTES_AUTHORS=true (release 1.1.0, whose migration adds the column) a note also has an author.
 */
public final class NotesApp {
    private final String url = System.getenv("JDBC_DATABASE_URL");
    private final String tenant = env("TENANTRY_TENANT", "unknown-tenant");
    private final String release = env("TENANTRY_RELEASE", "dev");
    private final boolean authors = Boolean.parseBoolean(env("NOTES_AUTHORS", "false"));

    public static void main(String[] args) throws IOException {
        new NotesApp().serve(Integer.parseInt(env("PORT", "8080")));
    }

    /** The most notes a page or a list shows (the oldest first). */
    static final int PAGE = 100;

    record Note(long id, String body, String author, String createdAt) {}

    void serve(int port) throws IOException {
        if (url == null) throw new IllegalStateException("JDBC_DATABASE_URL is not set: the notes service needs a database");
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 128);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/healthz", this::health);
        server.createContext("/notes", this::notes);
        server.createContext("/", this::page);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop(1)));
        server.start();
        System.out.println("notes: serving tenant " + tenant + " release " + release + " on port " + port);
    }

    private void health(HttpExchange ex) throws IOException {
        try (Connection c = connect(); var s = c.createStatement(); var rs = s.executeQuery("select count(*) from notes")) {
            rs.next();
            send(ex, 200, "text/plain", "ok\n");
        } catch (SQLException e) {
            send(ex, 503, "text/plain", "database: " + e.getMessage() + "\n");
        }
    }

    private void notes(HttpExchange ex) throws IOException {
        try {
            switch (ex.getRequestMethod()) {
                case "GET" -> send(ex, 200, "application/json", json(list()));
                case "POST" -> {
                    Note note = add(ex);
                    if (note == null) send(ex, 400, "application/json", "{\"error\":\"a note needs a body\"}\n");
                    else send(ex, 201, "application/json", json(note) + "\n");
                }
                default -> send(ex, 405, "text/plain", "GET or POST\n");
            }
        } catch (SQLException e) {
            send(ex, 500, "text/plain", "database: " + e.getMessage() + "\n");
        }
    }

    private void page(HttpExchange ex) throws IOException {
        if (!ex.getRequestURI().getPath().equals("/")) {
            send(ex, 404, "text/plain", "not found\n");
            return;
        }
        try {
            if (ex.getRequestMethod().equals("POST")) {
                add(ex);
                ex.getResponseHeaders().set("Location", "/");
                send(ex, 303, "text/plain", "added\n");
                return;
            }
            StringBuilder html = new StringBuilder("<!doctype html><meta charset=utf-8><title>Notes of ").append(escape(tenant))
                    .append("</title><h1>Notes of ").append(escape(tenant)).append("</h1><p>release ").append(escape(release)).append("</p><ul>");
            for (Note n : list()) {
                html.append("<li>").append(escape(n.body()));
                if (n.author() != null) html.append(" <em>by ").append(escape(n.author())).append("</em>");
                html.append("</li>");
            }
            html.append("</ul><form method=post><input name=body placeholder='a note' required>");
            if (authors) html.append(" <input name=author placeholder='your name'>");
            html.append(" <button>Add</button></form>\n");
            send(ex, 200, "text/html; charset=utf-8", html.toString());
        } catch (SQLException e) {
            send(ex, 500, "text/plain", "database: " + e.getMessage() + "\n");
        }
    }

    private List<Note> list() throws SQLException {
        String sql = "select id, body, " + (authors ? "author" : "null") + ", created_at::text from notes order by id limit " + PAGE;
        List<Note> notes = new ArrayList<>();
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) notes.add(new Note(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4)));
        }
        return notes;
    }

    /** Adds the note a form ({@code body}, {@code author}) or a plain-text body gives; null when it has none. */
    private Note add(HttpExchange ex) throws IOException, SQLException {
        String text = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String type = ex.getRequestHeaders().getFirst("Content-Type");
        Map<String, String> form = type != null && type.startsWith("application/x-www-form-urlencoded") ? form(text) : Map.of();
        // a form without a body field (curl -d 'buy milk'), or plain text: the whole text is the note
        if (!form.containsKey("body")) form = Map.of("body", text.strip());
        String body = form.get("body");
        if (body == null || body.isBlank()) return null;
        String author = form.getOrDefault("author", "").isBlank() ? "anonymous" : form.get("author");
        String sql = authors ? "insert into notes (body, author) values (?, ?) returning id, body, author, created_at::text"
                : "insert into notes (body) values (?) returning id, body, null, created_at::text";
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, body);
            if (authors) ps.setString(2, author);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new Note(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4));
            }
        }
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(url);
    }

    private static Map<String, String> form(String text) {
        Map<String, String> fields = new HashMap<>();
        for (String pair : text.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) fields.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return fields;
    }

    private static String json(List<Note> notes) {
        StringBuilder out = new StringBuilder("[");
        for (int i = 0; i < notes.size(); i++) out.append(i > 0 ? "," : "").append(json(notes.get(i)));
        return out.append("]\n").toString();
    }

    private static String json(Note n) {
        return "{\"id\":" + n.id() + ",\"body\":" + quote(n.body()) + (n.author() == null ? "" : ",\"author\":" + quote(n.author()))
                + ",\"createdAt\":" + quote(n.createdAt()) + "}";
    }

    private static String quote(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (ch < 0x20) out.append(String.format("\\u%04x", (int) ch));
                    else out.append(ch);
                }
            }
        }
        return out.append('"').toString();
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;").replace("'", "&#39;");
    }

    private static void send(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
