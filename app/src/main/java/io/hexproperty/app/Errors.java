package io.hexproperty.app;

/** Turns a startup failure into the one line a person needs: what is wrong and what to do. */
final class Errors {
    private Errors() {}

    static String oneLine(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root
                && (root.getMessage() == null || root instanceof java.util.concurrent.CompletionException
                || root instanceof java.util.concurrent.ExecutionException)) {
            root = root.getCause();
        }
        String message = root.getMessage();
        if (message == null || message.isBlank()) {
            message = root.getClass().getSimpleName();
        }
        return message.lines().findFirst().orElse(message);
    }
}
