package dev.isoenv.testing.index;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/** The requests a server received, in the order it decided how to answer them. Thread-safe. */
final class RequestLog {
    private final List<RecordedRequest> requests = new ArrayList<>();

    /**
     * Appends a request and wakes those waiting for one.
     *
     * @param request the request
     */
    synchronized void add(RecordedRequest request) {
        requests.add(request);
        notifyAll();
    }

    /**
     * Returns a snapshot of the log.
     *
     * @return the requests so far
     */
    synchronized List<RecordedRequest> snapshot() {
        return List.copyOf(requests);
    }

    /** Empties the log. */
    synchronized void clear() {
        requests.clear();
    }

    /**
     * Waits until a request that matches has been logged, looking at those logged already first.
     *
     * @param matcher what to wait for
     * @param timeout how long to wait at most
     * @return the first matching request, or empty if none came in time
     * @throws InterruptedException if interrupted while waiting
     */
    synchronized Optional<RecordedRequest> await(Predicate<RecordedRequest> matcher, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int seen = 0;
        while (true) {
            for (; seen < requests.size(); seen++) {
                if (matcher.test(requests.get(seen))) {
                    return Optional.of(requests.get(seen));
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return Optional.empty();
            }
            Duration wait = Duration.ofNanos(left);
            wait(Math.max(1, wait.toMillis()));
        }
    }
}
