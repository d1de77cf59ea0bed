package io.hexproperty.loadtest.analysis;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Judges SLOs over a sliding window while the run goes on, and once more over the whole run at
 * the end. The window is rebuilt each second by adding the last W one-second histograms, so a
 * window percentile is the true percentile of those requests, never an average of per-second
 * percentiles, and memory is W intervals however long the run.
 */
public final class ThresholdMonitor {

    /** Running record of one objective. */
    public static final class Track {
        public final Threshold threshold;
        public long windowsJudged;
        public long windowsBreached;
        public double firstBreachSeconds = -1;
        public double worstObserved = Double.NaN;
        public double finalObserved = Double.NaN;
        boolean finalHolds = true;

        Track(Threshold threshold) {
            this.threshold = threshold;
        }

        public boolean breached() {
            return windowsBreached > 0 || !finalHolds;
        }

        private void observeWorst(double v) {
            boolean upper = threshold.op() == Threshold.Op.LT || threshold.op() == Threshold.Op.LE;
            if (Double.isNaN(worstObserved) || (upper ? v > worstObserved : v < worstObserved)) {
                worstObserved = v;
            }
        }
    }

    private final List<Track> tracks = new ArrayList<>();
    private final int windowSeconds;
    private final Deque<Tally> ring = new ArrayDeque<>();
    private final Tally window = new Tally();

    public ThresholdMonitor(List<Threshold> thresholds, int windowSeconds) {
        if (windowSeconds < 1) {
            throw new IllegalArgumentException("threshold window must be >= 1 s, was " + windowSeconds);
        }
        this.windowSeconds = windowSeconds;
        for (Threshold t : thresholds) {
            tracks.add(new Track(t));
        }
    }

    /**
     * Adds one interval (the monitor keeps its own copy) and judges the full window ending at
     * {@code endSeconds}. Returns the objectives breached by this window; empty until the window is
     * full, so the first seconds of a run are not judged on a handful of requests.
     */
    public List<Threshold> onInterval(Tally interval, double endSeconds) {
        Tally copy;
        if (ring.size() == windowSeconds) {
            copy = ring.removeFirst();
            copy.reset();
        } else {
            copy = new Tally();
        }
        copy.add(interval);
        ring.addLast(copy);
        if (tracks.isEmpty() || ring.size() < windowSeconds) {
            return List.of();
        }
        window.reset();
        for (Tally t : ring) {
            window.add(t);
        }
        List<Threshold> breached = new ArrayList<>();
        for (Track track : tracks) {
            Threshold th = track.threshold;
            if (!th.judgeable(window)) {
                continue;
            }
            track.windowsJudged++;
            double v = th.observe(window);
            track.observeWorst(v);
            if (!th.op().holds(v, th.limit())) {
                track.windowsBreached++;
                if (track.firstBreachSeconds < 0) {
                    track.firstBreachSeconds = endSeconds;
                }
                breached.add(th);
            }
        }
        return breached;
    }

    /** Judges every objective over the whole run. */
    public void finish(Tally total) {
        for (Track track : tracks) {
            Threshold th = track.threshold;
            if (th.judgeable(total)) {
                track.finalObserved = th.observe(total);
                track.finalHolds = th.op().holds(track.finalObserved, th.limit());
            }
        }
    }

    /** The current window (valid after a call to onInterval returned with a full window). */
    public Tally window() {
        return window;
    }

    public int windowSeconds() {
        return windowSeconds;
    }

    public List<Track> tracks() {
        return tracks;
    }

    boolean anyBreached() {
        return tracks.stream().anyMatch(Track::breached);
    }
}
