package io.hexproperty.http;

/** Input rejected by the HTTP adapter before it reaches the domain. Carries the problem to send. */
final class BadRequestException extends RuntimeException {
    private final Problem problem;

    BadRequestException(Problem problem) {
        super(problem.detail(), null, false, false);
        this.problem = problem;
    }

    static BadRequestException parameter(String parameter, String reason) {
        return new BadRequestException(Problem.badParameter(parameter, reason));
    }

    Problem problem() {
        return problem;
    }
}
