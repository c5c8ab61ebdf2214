package dev.tenantry.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The production deployment files, checked where they cannot run here (no container engine, no cluster, no systemd
 * as init): every Kubernetes manifest deserialises into its kind with fabric8's model and says what production needs;
 * every systemd unit has the keys systemd needs; the Containerfile builds in two stages and runs unprivileged; and every
 * tenantry command line in them parses against the launcher's real commands (a renamed option would fail here).
 */
class DeploymentFilesTest {
    private static final Path DEPLOY = Path.of("..", "deploy");

    private static List<HasMetadata> manifests(String file) throws IOException {
        List<HasMetadata> objects = new ArrayList<>();
        for (String document : Files.readString(DEPLOY.resolve("kubernetes").resolve(file)).split("(?m)^---\\s*$")) {
            if (document.lines().allMatch(l -> l.isBlank() || l.strip().startsWith("#"))) continue;
            objects.add(Serialization.unmarshal(document, HasMetadata.class));
        }
        return objects;
    }

    /** A tenantry command line parses: the command exists, and so does every option, with a value where it needs one. */
    private static void parses(List<String> args) {
        CommandLine.ParseResult result = Main.commandLine().parseArgs(args.toArray(String[]::new));
        assertThat(result.hasSubcommand()).as(args.toString()).isTrue();
        assertThat(result.subcommand().unmatched()).as(args.toString()).isEmpty();
    }

    private static <T> T only(List<HasMetadata> objects, Class<T> kind) {
        List<T> of = objects.stream().filter(kind::isInstance).map(kind::cast).toList();
        assertThat(of).as(kind.getSimpleName()).hasSize(1);
        return of.getFirst();
    }

    @Test
    void theServerRunsAsSeveralReplicasOnTheDatabaseInASecretWithProbes() throws IOException {
        List<HasMetadata> objects = manifests("server.yaml");
        Deployment deployment = only(objects, Deployment.class);
        assertThat(deployment.getSpec().getReplicas()).isGreaterThanOrEqualTo(2);
        assertThat(deployment.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal()).isEqualTo(1);
        Container server = deployment.getSpec().getTemplate().getSpec().getContainers().getFirst();
        parses(server.getArgs());
        assertThat(server.getArgs()).startsWith("server").contains("--key-file", "--admin-token-file", "--backup-dir");
        assertThat(only(objects, io.fabric8.kubernetes.api.model.PersistentVolumeClaim.class).getSpec().getAccessModes())
                .as("every replica reads and writes the backups").containsExactly("ReadWriteMany");
        Map<String, String> secretOf = new LinkedHashMap<>();
        for (EnvVar env : server.getEnv()) {
            if (env.getValueFrom() != null && env.getValueFrom().getSecretKeyRef() != null) {
                secretOf.put(env.getName(), env.getValueFrom().getSecretKeyRef().getName());
            }
        }
        assertThat(secretOf).containsEntry("TENANTRY_DB_URL", "tenantry-database").containsEntry("TENANTRY_DB_USER", "tenantry-database")
                .containsEntry("TENANTRY_DB_PASSWORD", "tenantry-database");
        assertThat(server.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
        assertThat(server.getLivenessProbe()).as("liveness must not follow the database").isNotNull();
        assertThat(server.getLivenessProbe().getHttpGet()).isNull();
        assertThat(deployment.getSpec().getTemplate().getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
        Service service = only(objects, Service.class);
        assertThat(service.getSpec().getPorts()).extracting(p -> p.getPort()).contains(7070, 7443);
        assertThat(only(objects, PodDisruptionBudget.class).getSpec().getMinAvailable().getIntVal()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void anAgentKeepsItsWorkDirectoryOnAVolumeAndJoinsWithATokenFromASecret() throws IOException {
        List<HasMetadata> objects = manifests("agent.yaml");
        StatefulSet agent = only(objects, StatefulSet.class);
        Container container = agent.getSpec().getTemplate().getSpec().getContainers().getFirst();
        parses(container.getArgs());
        assertThat(container.getArgs()).startsWith("agent").contains("--work-dir", "--server-ca");
        assertThat(container.getEnv()).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("TENANTRY_JOIN_TOKEN");
            assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("tenantry-join-edge");
        });
        assertThat(agent.getSpec().getVolumeClaimTemplates()).extracting(v -> v.getMetadata().getName()).containsExactly("work");
        assertThat(container.getReadinessProbe()).isNotNull();
        assertThat(container.getLivenessProbe()).isNotNull();
        assertThat(only(objects, Service.class).getSpec().getType()).isEqualTo("LoadBalancer");
    }

    @Test
    void theExampleSecretsHoldEveryKeyTheManifestsRead() throws IOException {
        List<HasMetadata> objects = manifests("secrets.example.yaml");
        Map<String, Secret> secrets = new LinkedHashMap<>();
        objects.stream().filter(Secret.class::isInstance).map(Secret.class::cast).forEach(s -> secrets.put(s.getMetadata().getName(), s));
        assertThat(secrets.get("tenantry-database").getStringData()).containsKeys("url", "user", "password");
        assertThat(secrets.get("tenantry-kek").getStringData()).containsKey("master.key");
        assertThat(secrets.get("tenantry-admin").getStringData()).containsKey("token");
        assertThat(secrets.get("tenantry-join-edge").getStringData()).containsKey("token");
        assertThat(Files.readString(DEPLOY.resolve("kubernetes").resolve("kustomization.yaml"))).contains("server.yaml", "agent.yaml");
    }

    @Test
    void everySystemdUnitHasTheKeysSystemdNeedsAndAValidCommand() throws IOException {
        List<Path> units;
        try (Stream<Path> files = Files.list(DEPLOY.resolve("systemd"))) {
            units = files.filter(f -> f.toString().endsWith(".service")).sorted().toList();
        }
        assertThat(units).extracting(u -> u.getFileName().toString())
                .containsExactly("tenantry-agent@.service", "tenantry-gateway.service", "tenantry-server.service");
        for (Path unit : units) {
            Map<String, Map<String, String>> sections = iniSections(Files.readString(unit));
            assertThat(sections).as(unit.toString()).containsKeys("Unit", "Service", "Install");
            assertThat(sections.get("Unit")).as(unit.toString()).containsKey("Description");
            Map<String, String> service = sections.get("Service");
            assertThat(service).as(unit.toString()).containsKeys("ExecStart", "User", "Restart");
            assertThat(service.get("Type")).isIn(null, "simple", "exec");
            assertThat(sections.get("Install")).as(unit.toString()).containsEntry("WantedBy", "multi-user.target");
            List<String> exec = Arrays.asList(service.get("ExecStart").replace("%i", "edge").replace("%H", "host").split("\\s+"));
            assertThat(exec.getFirst()).as("ExecStart needs an absolute path").startsWith("/").endsWith("/bin/tenantry");
            parses(exec.subList(1, exec.size()));
        }
    }

    /** The sections of a unit file, each key once (systemd allows repeats; these files do not use them). */
    private static Map<String, Map<String, String>> iniSections(String text) {
        Map<String, Map<String, String>> sections = new LinkedHashMap<>();
        Map<String, String> current = null;
        for (String line : text.lines().toList()) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#") || l.startsWith(";")) continue;
            if (l.startsWith("[") && l.endsWith("]")) {
                current = new LinkedHashMap<>();
                sections.put(l.substring(1, l.length() - 1), current);
                continue;
            }
            assertThat(current).as("a key outside a section: " + l).isNotNull();
            int eq = l.indexOf('=');
            assertThat(eq).as("not key=value: " + l).isPositive();
            assertThat(current.put(l.substring(0, eq).strip(), l.substring(eq + 1).strip())).as("a repeated key: " + l).isNull();
        }
        return sections;
    }

    @Test
    void theContainerfileBuildsInTwoStagesAndRunsUnprivileged() throws IOException {
        String file = Files.readString(DEPLOY.resolve("Containerfile"));
        List<String> stages = file.lines().filter(l -> l.startsWith("FROM ")).toList();
        assertThat(stages).hasSize(2);
        assertThat(stages.getFirst()).contains(" AS build");
        assertThat(file).contains("./mvnw -B -ntp -DskipTests package").contains("COPY --from=build");
        String afterLastFrom = file.substring(file.lastIndexOf("\nFROM "));
        Matcher user = Pattern.compile("(?m)^USER (\\S+)").matcher(afterLastFrom);
        assertThat(user.find()).isTrue();
        assertThat(user.group(1)).doesNotStartWith("0").isNotEqualTo("root");
        assertThat(afterLastFrom).contains("ENTRYPOINT [\"/opt/tenantry/bin/tenantry\"]");
        Matcher cmd = Pattern.compile("(?m)^CMD \\[(.*)]").matcher(afterLastFrom);
        assertThat(cmd.find()).isTrue();
        parses(Arrays.stream(cmd.group(1).split(",")).map(s -> s.strip().replaceAll("^\"|\"$", "")).toList());
    }
}
