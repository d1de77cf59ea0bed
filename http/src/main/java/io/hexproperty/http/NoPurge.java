package io.hexproperty.http;

import java.util.Set;

/** {@link PurgeHook#none()}. */
enum NoPurge implements PurgeHook {
    INSTANCE;

    @Override
    public void purge(Set<String> surrogateKeys) {
    }

    @Override
    public void purgeAll() {
    }
}
