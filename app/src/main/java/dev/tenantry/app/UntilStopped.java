package dev.tenantry.app;

import java.util.concurrent.CountDownLatch;

/** How the long-running commands end: they block until the JVM is asked to stop (SIGTERM, Ctrl-C), then shut down in order. */
final class UntilStopped {
    private UntilStopped() {}

    /** Blocks until the JVM stops; its shutdown runs each step in order, reporting (and passing over) a step that fails. */
    static void await(AutoCloseable... shutdownSteps) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (AutoCloseable step : shutdownSteps) {
                try {
                    step.close();
                } catch (Exception e) {
                    System.err.println("shutting down: " + e);
                }
            }
            stopped.countDown();
        }, "shutdown"));
        stopped.await();
    }
}
