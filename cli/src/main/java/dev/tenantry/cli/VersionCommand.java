package dev.tenantry.cli;

import picocli.CommandLine.Command;

/** Prints the version of this build and the Java that runs it. */
@Command(name = "version", mixinStandardHelpOptions = true, description = "Print the version of Tenantry and of the Java that runs it.")
public final class VersionCommand implements java.util.concurrent.Callable<Integer> {
    @Override
    public Integer call() {
        System.out.println("tenantry " + Version.current());
        System.out.println("java " + Runtime.version() + " (" + System.getProperty("java.home") + ")");
        return 0;
    }
}
