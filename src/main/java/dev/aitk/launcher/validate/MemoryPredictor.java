package dev.aitk.launcher.validate;

import dev.aitk.launcher.plan.MemoryBudget;
import dev.aitk.launcher.plan.Prediction;
import dev.aitk.launcher.plan.TrainingSettings;

/**
 * The planner's memory model as the fit check uses it: the peak of one training process with the budget's
 * CUDA context and margin, the transformer spread over {@code splitGpus} cards (1 unless the config sets
 * model.split_model_over_gpus). The standard one is {@code MemoryModel.standard()::predict}.
 */
@FunctionalInterface
public interface MemoryPredictor {
    Prediction predict(TrainingSettings settings, MemoryBudget budget, int splitGpus);
}
