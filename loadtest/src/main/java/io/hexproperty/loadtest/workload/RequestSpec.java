package io.hexproperty.loadtest.workload;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;

/** One request to send; body and content type are null for reads. */
public record RequestSpec(RequestKind kind, HttpMethod method, String uri, Buffer body, String contentType) {}
