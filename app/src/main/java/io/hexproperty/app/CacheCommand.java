package io.hexproperty.app;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code hexproperty cache purge ...}: manual invalidation on a running node, through its admin endpoint. */
@Command(name = "cache", mixinStandardHelpOptions = true, description = "Operates the caches of a running node.",
        subcommands = CacheCommand.Purge.class)
final class CacheCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "purge", mixinStandardHelpOptions = true,
            description = "Invalidates a listing, a tag (city:houston-tx, state:tx, h3:<cell>, listings:any) or everything "
                    + "in the node's memory caches, via POST /admin/cache/invalidate.")
    static final class Purge implements Callable<Integer> {
        static final class What {
            @Option(names = "--key", description = "A ListingKey.")
            String key;
            @Option(names = "--tag", description = "A cache tag, e.g. city:houston-tx.")
            String tag;
            @Option(names = "--all", description = "Everything.")
            boolean all;
        }

        @ArgGroup(exclusive = true, multiplicity = "1")
        What what;

        @Option(names = "--target", defaultValue = "http://127.0.0.1:8081",
                description = "The node's management port (default: ${DEFAULT-VALUE}).")
        URI target;

        @Option(names = "--admin-token", defaultValue = "${env:HEXPROPERTY_ADMIN_TOKEN}",
                description = "Admin token (default: HEXPROPERTY_ADMIN_TOKEN, else the file --admin-token-file).")
        String adminToken;

        @Option(names = "--admin-token-file", defaultValue = "var/admin-token",
                description = "Where serve keeps its generated admin token (default: ${DEFAULT-VALUE}).")
        Path adminTokenFile;

        @Override
        public Integer call() throws Exception {
            String token = adminToken;
            if (token == null || token.isBlank()) {
                if (!Files.isRegularFile(adminTokenFile)) {
                    System.err.println("hexproperty: no admin token: pass --admin-token or run next to the serve that wrote "
                            + adminTokenFile);
                    return 2;
                }
                token = Files.readString(adminTokenFile).strip();
            }
            String body = what.key != null ? "{\"key\":" + quote(what.key) + "}"
                    : what.tag != null ? "{\"tag\":" + quote(what.tag) + "}" : "{\"all\":true}";
            HttpRequest request = HttpRequest.newBuilder(target.resolve("/admin/cache/invalidate"))
                    .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
            HttpResponse<String> response;
            try (HttpClient http = HttpClient.newHttpClient()) {
                response = http.send(request, HttpResponse.BodyHandlers.ofString());
            }
            if (response.statusCode() != 200) {
                System.err.println("hexproperty: " + target + " answered " + response.statusCode() + ": " + response.body());
                return 1;
            }
            System.out.println(response.body());
            return 0;
        }

        private static String quote(String s) {
            return io.vertx.core.json.Json.encode(s);
        }
    }
}
