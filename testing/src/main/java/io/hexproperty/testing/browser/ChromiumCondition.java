package io.hexproperty.testing.browser;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/** The condition behind {@link RequiresChromium}. */
final class ChromiumCondition implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (HeadlessChromium.isAvailable()) {
            return ConditionEvaluationResult.enabled("Chromium at " + HeadlessChromium.defaultExecutable());
        }
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            return ConditionEvaluationResult.enabled("CI=true: running so that the missing Chromium fails the build");
        }
        return ConditionEvaluationResult.disabled(HeadlessChromium.unavailableReason());
    }
}
