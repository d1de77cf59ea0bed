package io.hexproperty.http;

import com.uber.h3core.H3Core;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The process's one H3 instance (it loads a native library; instances are thread-safe). */
final class H3 {
    private static final H3Core CORE = load();

    private H3() {}

    static H3Core core() {
        return CORE;
    }

    private static H3Core load() {
        try {
            return H3Core.newInstance();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load the H3 native library", e);
        }
    }
}
