package io.sluice.support;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Prints the root cause of every failed test once more, compactly, when all tests have run. Maven's
 * summary names only the outermost exception ("Failed to start quarkus"), and a CI log is often read
 * from its tail only: this puts the reason next to the summary.
 */
public class FailureCauses implements TestExecutionListener {
    private static final int MAX_MESSAGE = 200;
    private final Map<String, String> causes = new LinkedHashMap<>();

    @Override
    public void executionFinished(TestIdentifier test, TestExecutionResult result) {
        if (result.getStatus() == TestExecutionResult.Status.SUCCESSFUL) {
            return;
        }
        result.getThrowable().ifPresent(t -> causes.merge(chain(t), test.getDisplayName(), (a, b) -> a));
    }

    @Override
    public void testPlanExecutionFinished(TestPlan plan) {
        if (causes.isEmpty()) {
            return;
        }
        StringBuilder out = new StringBuilder("Root causes of the failed tests (first test of each):\n");
        causes.forEach((chain, test) -> out.append("  ").append(test).append(": ").append(chain).append('\n'));
        System.out.print(out);
        System.out.flush();
    }

    /** Every exception of the chain, outermost first, each message cut short; where the innermost was thrown. */
    private static String chain(Throwable failure) {
        StringBuilder chain = new StringBuilder();
        Throwable t = failure;
        for (int depth = 0; t != null && depth < 12; depth++, t = t.getCause()) {
            String message = String.valueOf(t.getMessage()).replaceAll("\\s+", " ");
            chain.append(depth == 0 ? "" : " | caused by ").append(t.getClass().getSimpleName()).append(": ")
                    .append(message, 0, Math.min(message.length(), MAX_MESSAGE));
            StackTraceElement[] at = t.getStackTrace();
            if (t.getCause() == null && at.length > 0) {
                chain.append(" at ").append(at[0]);
            }
        }
        return chain.toString();
    }
}
