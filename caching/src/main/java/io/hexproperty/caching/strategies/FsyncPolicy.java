package io.hexproperty.caching.strategies;

/**
 * When the write-behind journal is forced to the device. A {@code write(2)} that returned already
 * survives a kill -9 of the process (the data is in the page cache); fsync adds power-loss safety.
 */
public enum FsyncPolicy {
    /** fsync before every acknowledgement (group commit: one fsync per drained batch of increments). */
    ALWAYS,
    /** acknowledge after write(2); fsync every {@code fsyncInterval}. Power loss can lose that interval. */
    PERIODIC
}
