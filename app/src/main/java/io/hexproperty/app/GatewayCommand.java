package io.hexproperty.app;

import io.hexproperty.balancer.gateway.WorkerFleet;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code hexproperty gateway --origin URL...}: the balancing gateway alone, in front of any origins. */
@Command(name = "gateway", mixinStandardHelpOptions = true,
        description = "Runs the load-balancing gateway in front of the given origins (health checks, outlier "
                + "ejection, retries, runtime algorithm switch). Ctrl-C drains and stops it.")
final class GatewayCommand implements Callable<Integer> {
    @Mixin
    BalancerOptions balancer = new BalancerOptions();

    @Option(names = "--origin", required = true, paramLabel = "URL",
            description = "An origin (http://host:port); repeat for each. Optional weight: http://host:port#w=3.")
    List<URI> origins = new ArrayList<>();

    @Option(names = "--agent-port", paramLabel = "PORT",
            description = "Agent port of each origin, in --origin order, for the resource balancer (default: none).")
    List<Integer> agentPorts = new ArrayList<>();

    @Option(names = "--port", defaultValue = "8080", description = "Public port (default: ${DEFAULT-VALUE}).")
    int port;

    @Mixin
    GatewayAdminOptions admin = new GatewayAdminOptions();

    @Override
    public Integer call() throws Exception {
        balancer.validate();
        if (!agentPorts.isEmpty() && agentPorts.size() != origins.size()) {
            throw new StartupException("--agent-port: give one per --origin (" + origins.size() + "), got " + agentPorts.size());
        }
        for (URI o : origins) {
            if (!"http".equals(o.getScheme()) || o.getHost() == null || o.getPort() <= 0) {
                throw new StartupException("--origin: must be http://host:port, was " + o);
            }
        }
        String token = AdminToken.resolve(admin.adminToken, Path.of("var", "admin-token"));
        GatewayRuntime runtime = new GatewayRuntime(balancer);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("hexproperty: gateway draining...");
            runtime.stopAccepting();
            runtime.close();
            stopped.countDown();
        }, "hexproperty-gateway-shutdown"));
        for (int i = 0; i < origins.size(); i++) {
            URI o = origins.get(i);
            double weight = 1;
            if (o.getFragment() != null && o.getFragment().startsWith("w=")) {
                try {
                    weight = Double.parseDouble(o.getFragment().substring(2));
                } catch (NumberFormatException e) {
                    throw new StartupException("--origin " + o + ": weight must be a number");
                }
            }
            try {
                runtime.pool.add("origin-" + (i + 1), o, weight, agentPorts.isEmpty() ? 0 : agentPorts.get(i));
            } catch (IllegalArgumentException e) {
                throw new StartupException("--origin: " + e.getMessage());
            }
        }
        runtime.start(balancer, admin.host, port, admin.adminHost, admin.adminPort(port), token,
                WorkerFleet.none());
        System.out.println("hexproperty: gateway on http://" + admin.host + ":" + runtime.gateway().port() + " (" + balancer.balancer
                + ") in front of " + origins.size() + " origin(s); admin on http://" + admin.adminHost + ":" + runtime.adminPort() + "/admin/cluster");
        stopped.await();
        return 0;
    }
}
