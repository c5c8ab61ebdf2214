package dev.tenantry.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A class-data cache for the example's JVMs: an AOT cache on JDK 25 and later (its classes loaded and linked ahead of
 * time), a CDS archive before. A replica of the example starts with about a quarter less CPU with it, and a fleet upgrade
 * of the example waits mostly for its new replicas' starts. The cache is made by a training run of the example
 * ({@code HelloApp --train}) in the background whenever it is missing or was made for another jar or JDK; the blueprint
 * names it from the start, and a replica started before it exists (or while it is stale) starts without it: the JVM
 * checks it, and its logging of that is off.
 */
final class ExampleClassData implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ExampleClassData.class);
    private static final long TRAINING_TIMEOUT_SECONDS = 120;

    private final Path archive;
    private final Path java;
    private final boolean aotCache;
    private volatile Thread training;

    /** The cache {@code name} (without suffix) in {@code dir}, for JVMs run by {@code java} of Java {@code javaMajor}. */
    ExampleClassData(Path dir, String name, Path java, int javaMajor) {
        this.aotCache = javaMajor >= 25;
        this.archive = dir.resolve(name + (aotCache ? ".aot" : ".jsa"));
        this.java = java;
    }

    Path archive() {
        return archive;
    }

    /** The JVM options that use the cache when it is there and valid, and say nothing when it is not. */
    List<String> options() {
        return aotCache ? List.of("-XX:AOTCache=" + archive, "-Xlog:cds=off", "-Xlog:aot=off")
                : List.of("-XX:SharedArchiveFile=" + archive, "-Xlog:cds=off");
    }

    /**
     * Makes the cache on a background thread unless the one there was made for this {@code jar} and JDK. {@code command}:
     * the example's command line as a replica runs it, with {@link #options()}; the training runs it with {@code --train}.
     */
    void ensureInBackground(List<String> command, Path jar) {
        training = Thread.ofPlatform().daemon().name("example-class-data").start(() -> {
            try {
                ensure(command, jar);
            } catch (IOException e) {
                log.warn("The example's class-data cache {} could not be made (its replicas start without it): {}", archive, e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /** Whether a cache was made (false: the one there is current, or there is no jar to make one for). */
    boolean ensure(List<String> command, Path jar) throws IOException, InterruptedException {
        if (!Files.isRegularFile(jar)) return false; // a class directory (a development build): CDS archives jars only
        Path keyFile = archive.resolveSibling(archive.getFileName() + ".key");
        // made for this JDK, this jar and these JVM options (a cache made with another collector, say, would go unused)
        String key = java + " " + Runtime.version() + " " + jar + " " + Files.size(jar) + " " + Files.getLastModifiedTime(jar).toMillis()
                + " " + String.join(" ", command);
        if (Files.isRegularFile(archive) && Files.isRegularFile(keyFile) && Files.readString(keyFile).equals(key)) return false;
        Path tmp = archive.resolveSibling(archive.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        long started = System.nanoTime();
        Process training = new ProcessBuilder(trainingCommand(command, tmp)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            training.onExit().get(TRAINING_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new IOException("the training run took longer than " + TRAINING_TIMEOUT_SECONDS + " s");
        } catch (ExecutionException e) {
            throw new IOException("the training run could not be watched", e);
        } finally {
            // timed out, or dev mode stops meanwhile: no training run outlives it
            if (training.isAlive()) training.destroyForcibly().onExit().join();
        }
        if (training.exitValue() != 0 || !Files.isRegularFile(tmp)) {
            throw new IOException("the training run exited with " + training.exitValue() + (Files.isRegularFile(tmp) ? "" : " and made no cache"));
        }
        // replicas may run as another user: readable by all, as the jar is
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
        Files.move(tmp, archive, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Files.writeString(keyFile, key, StandardCharsets.UTF_8);
        log.info("Made the example's class-data cache {} in {} ms", archive, (System.nanoTime() - started) / 1_000_000);
        return true;
    }

    /** Waits for the training run, if one runs, for at most {@code wait}; true when none runs any more. */
    boolean await(java.time.Duration wait) throws InterruptedException {
        Thread running = training;
        return running == null || running.join(wait);
    }

    /** Stops a training run still going (its cache is made at the next start). */
    @Override
    public void close() throws InterruptedException {
        Thread running = training;
        if (running == null) return;
        running.interrupt();
        running.join();
    }

    /** The replica's command with the cache's options replaced by those that make it into {@code output}, and {@code --train}. */
    List<String> trainingCommand(List<String> command, Path output) {
        List<String> training = new ArrayList<>();
        for (String arg : command) {
            if (options().contains(arg)) continue;
            training.add(arg);
            if (training.size() == 1) {
                training.add(aotCache ? "-XX:AOTCacheOutput=" + output : "-XX:ArchiveClassesAtExit=" + output);
                training.addAll(options().subList(1, options().size()));
            }
        }
        training.add("--train");
        return training;
    }
}
