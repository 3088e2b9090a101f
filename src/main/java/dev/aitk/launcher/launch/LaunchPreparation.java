package dev.aitk.launcher.launch;

import dev.aitk.launcher.hardware.GpuInventory;
import java.util.List;

/**
 * Everything a launch decided before starting anything: the GPUs found, the plan's notes, the jobs with
 * their configs, commands and environments, and notes for the user. {@code launch --dry-run} prints this.
 */
public record LaunchPreparation(
        GpuInventory inventory,
        List<String> planNotes,
        String outputFolder,
        String toolkitDirectory,
        List<PreparedJob> jobs,
        List<String> notes) {

    public LaunchPreparation {
        planNotes = List.copyOf(planNotes);
        jobs = List.copyOf(jobs);
        notes = List.copyOf(notes);
    }
}
