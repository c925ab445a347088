namespace NasPrune.Supernet.Pruning;

/// <summary>
/// The gradual magnitude pruning schedule of Zhu &amp; Gupta ("To prune, or not to prune"): from step t0,
/// every <c>every</c> steps for n updates, sparsity s_t = s_f + (s_i - s_f) (1 - (t - t0) / (n * every))^3;
/// s_i before t0 and s_f after the last update.
/// </summary>
public sealed record GradualPruningSchedule(double InitialSparsity, double FinalSparsity, long StartStep, long Every, int Updates)
{
    public double At(long step)
    {
        if (step < StartStep) return InitialSparsity;
        long last = StartStep + Every * Updates;
        if (step >= last) return FinalSparsity;
        long updateStep = StartStep + (step - StartStep) / Every * Every; // sparsity changes only on update steps
        double progress = (double)(updateStep - StartStep) / (Every * Updates);
        return FinalSparsity + (InitialSparsity - FinalSparsity) * Math.Pow(1 - progress, 3);
    }

    /// <summary>Whether the sparsity is (re)set at <paramref name="step"/>: t0, t0 + every, ..., t0 + n * every.</summary>
    public bool IsUpdate(long step) => step >= StartStep && step <= StartStep + Every * Updates && (step - StartStep) % Every == 0;
}
