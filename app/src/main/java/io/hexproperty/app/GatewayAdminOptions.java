package io.hexproperty.app;

import picocli.CommandLine.Option;

/** The gateway's bind address and its management side, shared by {@code cluster} and {@code gateway}. */
final class GatewayAdminOptions {
    @Option(names = "--host", defaultValue = "0.0.0.0", description = "Gateway address (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--admin-port", description = "Management port of /admin/cluster (default: --port + 1; 0 when --port is 0).")
    Integer adminPort;

    @Option(names = "--admin-host", defaultValue = "127.0.0.1", description = "Management address (default: ${DEFAULT-VALUE}).")
    String adminHost;

    @Option(names = "--admin-token", defaultValue = "${env:HEXPROPERTY_ADMIN_TOKEN}",
            description = "Token of /admin/cluster (default: var/admin-token, generated once). Env: HEXPROPERTY_ADMIN_TOKEN.")
    String adminToken;

    /** {@code --admin-port}, else the public port + 1 (0, any free port, when the public port is 0). */
    int adminPort(int publicPort) {
        return adminPort != null ? adminPort : (publicPort == 0 ? 0 : publicPort + 1);
    }
}
