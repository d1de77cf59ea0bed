package io.hexproperty.app;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Listed for --help; the ./hexproperty launcher runs the suite with the Maven Wrapper before Java starts. */
@Command(name = "test", mixinStandardHelpOptions = true,
        description = "Runs the full test suite (./mvnw verify): unit, contract, integration on embedded "
                + "PostgreSQL, browser tests in headless Chromium. Run it through ./hexproperty test.")
final class TestCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("hexproperty: run the tests with ./hexproperty test (it calls ./mvnw verify)");
        return 2;
    }
}
