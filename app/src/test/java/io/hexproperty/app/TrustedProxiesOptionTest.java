package io.hexproperty.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.hexproperty.http.TrustedProxies;
import io.hexproperty.testing.lane.Unit;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@code serve --trusted-proxies}: default none, parsed into the input settings, refused at start when malformed. */
@Unit
class TrustedProxiesOptionTest {

    @Test
    void theDefaultTrustsNobodyAndAListIsParsed() {
        var parsed = new picocli.CommandLine(new ServeCommand());
        parsed.parseArgs();
        ServeCommand defaults = parsed.getCommand();
        if (System.getenv("HEXPROPERTY_TRUSTED_PROXIES") == null) {
            assertThat(defaults.inputConfig().trustedProxies().isNone()).isTrue();
        }
        var withList = new picocli.CommandLine(new ServeCommand());
        withList.parseArgs("--trusted-proxies", "10.0.0.0/8, 192.168.1.7,fd00::/8");
        ServeCommand command = withList.getCommand();
        assertThat(command.inputConfig().trustedProxies()).isEqualTo(TrustedProxies.parse("10.0.0.0/8,192.168.1.7/32,fd00::/8"));
    }

    @Test
    void aMalformedRangeStopsServeBeforeAnythingStartsWithOneLineNamingIt() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream saved = System.err;
        int exit;
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            exit = Main.run("serve", "--port", "0", "--management-port", "0", "--trusted-proxies", "10.0.0.0/8,10.1.2.300/24");
        } finally {
            System.setErr(saved);
        }
        String message = err.toString(StandardCharsets.UTF_8).strip();
        assertThat(exit).isEqualTo(2);
        assertThat(message).startsWith("hexproperty: --trusted-proxies:").contains("'10.1.2.300/24'").doesNotContain("\n")
                .doesNotContain("Exception");
    }
}
