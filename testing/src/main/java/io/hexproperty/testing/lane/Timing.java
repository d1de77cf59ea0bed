package io.hexproperty.testing.lane;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/** Test lane {@code timing}: Depends on wall-clock behaviour (timeouts, schedules, latency windows): kept out of the fast lane because a loaded machine can slow it. */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Tag("timing")
public @interface Timing {}
