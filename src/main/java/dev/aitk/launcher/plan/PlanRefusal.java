package dev.aitk.launcher.plan;

import java.util.List;

/**
 * Why nothing fits, as data for --json: the card, its usable memory, the smallest predicted peak of any plan
 * tried (or of the pinned plan), the smallest common card size that would work (null if none would), and what
 * the user can change.
 */
public record PlanRefusal(
        String message,
        double cardTotalGib,
        double usableGib,
        double predictedPeakGib,
        String peakPhase,
        Double smallestCardGib,
        List<String> changes) {

    public PlanRefusal {
        changes = List.copyOf(changes);
    }
}
