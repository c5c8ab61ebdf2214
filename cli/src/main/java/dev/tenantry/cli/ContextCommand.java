package dev.tenantry.cli;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Named control planes: add one, choose the one commands talk to, list them. */
@Command(name = "context", mixinStandardHelpOptions = true,
        description = {"Named control planes (URL, token file, CA) and the one commands talk to.",
                "A command uses, in order: --api-url/--token, TENANTRY_API_URL/TENANTRY_TOKEN, --context or TENANTRY_CONTEXT,",
                "the current context, then the dev-mode files in TENANTRY_HOME."})
public final class ContextCommand {

    @Command(mixinStandardHelpOptions = true, name = "add", description = "Add (or replace) a context; the first one added becomes the current one.")
    int add(@Parameters(paramLabel = "NAME") String name,
            @Option(names = "--url", required = true, description = "The API's base URL, e.g. https://tenantry.example.com:7443") String url,
            @Option(names = "--token-file", required = true, description = "A file holding the API token (it stays there, never copied)") Path tokenFile,
            @Option(names = "--ca-file", description = "The CA that signed the API's certificate (PEM, from GET /v1/ca)") Path caFile) {
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,62}")) return fail("a context name is letters, digits, '.', '_' or '-' (at most 63)");
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            return fail("--url is not a URL: " + url);
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
            return fail("--url must be http:// or https:// with a host, e.g. https://tenantry.example.com:7443");
        }
        if (!Files.isReadable(tokenFile)) return fail("--token-file " + tokenFile + " cannot be read");
        if (caFile != null && !Files.isReadable(caFile)) return fail("--ca-file " + caFile + " cannot be read");
        Contexts contexts = Contexts.load().with(name, new Contexts.Context(url.replaceAll("/+$", ""),
                tokenFile.toAbsolutePath().normalize().toString(), caFile == null ? null : caFile.toAbsolutePath().normalize().toString()));
        contexts.save();
        System.out.println("context " + name + " saved" + (name.equals(contexts.current()) ? " (current)" : "; 'tenantry context use " + name + "' to use it"));
        return 0;
    }

    @Command(mixinStandardHelpOptions = true, name = "use", description = "Make commands talk to this context.")
    int use(@Parameters(paramLabel = "NAME") String name) {
        Contexts contexts = Contexts.load();
        if (!contexts.contexts().containsKey(name)) {
            return fail("no context '" + name + "'" + (contexts.contexts().isEmpty() ? "; add one with 'tenantry context add'"
                    : "; there are: " + String.join(", ", contexts.contexts().keySet())));
        }
        contexts.using(name).save();
        System.out.println("using context " + name + " (" + contexts.contexts().get(name).url() + ")");
        return 0;
    }

    @Command(mixinStandardHelpOptions = true, name = "list", description = "The contexts; * marks the current one.")
    int list() {
        Contexts contexts = Contexts.load();
        Table t = new Table("", "NAME", "URL", "TOKEN FILE", "CA FILE");
        contexts.contexts().forEach((name, c) -> t.row(name.equals(contexts.current()) ? "*" : "", name, c.url(), c.tokenFile(),
                c.caFile() == null ? "-" : c.caFile()));
        t.print(System.out);
        return 0;
    }

    @Command(mixinStandardHelpOptions = true, name = "current", description = "The current context's name.")
    int current() {
        String current = Contexts.load().current();
        if (current == null) return fail("no current context: commands use TENANTRY_HOME's dev-mode files");
        System.out.println(current);
        return 0;
    }

    @Command(mixinStandardHelpOptions = true, name = "remove", description = "Forget a context (its token file stays).")
    int remove(@Parameters(paramLabel = "NAME") String name) {
        Contexts contexts = Contexts.load();
        if (!contexts.contexts().containsKey(name)) return fail("no context '" + name + "'");
        contexts.without(name).save();
        System.out.println("context " + name + " removed");
        return 0;
    }

    private static int fail(String message) {
        System.err.println("error: " + message);
        return 1;
    }
}
