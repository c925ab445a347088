using System.ComponentModel.DataAnnotations;
using System.Globalization;
using NasPrune.Supernet.Ofa;

namespace NasPrune.Training.Configuration;

/// <summary>
/// Progressive shrinking of an OFA supernet (design note ofa.md): the phases to run in order, KD
/// settings, where to start when the phase list skips the teacher, and the per-phase evaluation.
/// The optimiser settings (batch, momentum, weight decay, label smoothing) come from
/// <see cref="RunConfig.Training"/>; epochs and learning rates from each phase.
/// </summary>
public sealed record ProgressiveShrinkingConfig
{
    [MinLength(1)]
    public IReadOnlyList<ShrinkingPhaseConfig> Phases { get; init; } = [];

    /// <summary>Weight of the soft cross-entropy to the teacher's softmax (0: no KD).</summary>
    [Range(0.0, 100.0)]
    public double KdRatio { get; init; } = 1.0;

    /// <summary>batch: the teacher runs in train mode (batch BN statistics, head dropout on), as the reference does; running: eval mode.</summary>
    [AllowedValues("batch", "running")]
    public string TeacherBn { get; init; } = "batch";

    /// <summary>
    /// The resolution the teacher sees each batch at. step: the step's sampled resolution, as the reference;
    /// max: the space's largest, whatever the students see. Soft labels describe the image, so a teacher trained
    /// at the largest resolution alone (which is poor at small ones: 51 % at 20 against 94 % at 32, measured) still
    /// gives its best labels to the small sub-networks.
    /// </summary>
    [AllowedValues(TeacherAtStepResolution, TeacherAtMaxResolution)]
    public string TeacherResolution { get; init; } = TeacherAtStepResolution;

    public const string TeacherAtStepResolution = "step";
    public const string TeacherAtMaxResolution = "max";

    /// <summary>
    /// The phase to begin with; the listed phases before it are not run (default: the first). Lets one config
    /// describe the whole schedule and a run start part-way, e.g. at "kernel" from a largest network trained alone.
    /// </summary>
    public string? StartPhase { get; init; }

    /// <summary>
    /// What to start from when the run does not begin with the teacher phase: a supernet file
    /// (nasprune-ofa-supernet), or the largest network alone (an exported sub-network directory or the
    /// model.npta of a run that trained it), loaded into the supernet's full-size weights.
    /// </summary>
    public string? StartSupernet { get; init; }

    /// <summary>
    /// The frozen teacher: a supernet file (its largest network), an exported largest network or the model.npta
    /// of a run that trained it; default: this run's teacher phase, else <see cref="StartSupernet"/>.
    /// </summary>
    public string? Teacher { get; init; }

    public SubnetEvaluationConfig Evaluation { get; init; } = new();

    /// <summary>The phases this run trains: <see cref="Phases"/> from <see cref="StartPhase"/> on.</summary>
    public IReadOnlyList<ShrinkingPhaseConfig> PhasesToRun() =>
        string.IsNullOrEmpty(StartPhase) ? Phases : Phases.SkipWhile(p => p.Name != StartPhase).ToList();

    /// <summary>Rules across fields and against the search space; one line per problem.</summary>
    public IEnumerable<string> Problems(OfaSearchSpace space, string path)
    {
        int previous = -1;
        for (int i = 0; i < Phases.Count; i++)
        {
            ShrinkingPhaseConfig phase = Phases[i];
            string at = $"{path}.phases[{i}]";
            int order = Array.IndexOf(ShrinkingPhaseConfig.Names, phase.Name);
            if (order <= previous)
                yield return $"config: '{at}.name' must come after '{ShrinkingPhaseConfig.Names[previous]}' in the order {string.Join(", ", ShrinkingPhaseConfig.Names)} (each at most once); got '{phase.Name}'";
            previous = Math.Max(previous, order);
            foreach (string problem in ChoiceProblems(phase.Kernels, space.Kernels, $"{at}.kernels")) yield return problem;
            foreach (string problem in ChoiceProblems(phase.Depths, space.Depths, $"{at}.depths")) yield return problem;
            foreach (string problem in ChoiceProblems(phase.Expands, space.ExpandRatios, $"{at}.expands")) yield return problem;
            foreach (string problem in ChoiceProblems(phase.Resolutions, space.Resolutions, $"{at}.resolutions")) yield return problem;
            if (phase.IsTeacher && (Elastic(phase.Kernels) || Elastic(phase.Depths) || Elastic(phase.Expands) || phase.SubnetsPerStep != 1))
                yield return $"config: '{at}': the teacher phase trains the largest network alone: no kernels/depths/expands lists with more than one value, subnetsPerStep 1";
            if (phase.Sandwich && phase.SubnetsPerStep < 2)
                yield return $"config: '{at}.sandwich' needs 'subnetsPerStep' of at least 2 (the largest and the smallest sub-network each step); got {phase.SubnetsPerStep}";
        }
        if (!string.IsNullOrEmpty(StartPhase) && !Phases.Any(p => p.Name == StartPhase))
        {
            yield return $"config: '{path}.startPhase' must name one of the listed phases; allowed: {string.Join(", ", Phases.Select(p => p.Name))}; got '{StartPhase}'";
            yield break;
        }
        IReadOnlyList<ShrinkingPhaseConfig> run = PhasesToRun();
        bool hasTeacherPhase = run.Any(p => p.IsTeacher);
        if (run.Count > 0 && !run[0].IsTeacher && string.IsNullOrEmpty(StartSupernet))
            yield return $"config: '{path}.startSupernet' is required when the run does not begin with the 'teacher' phase (a supernet file, or the largest network trained alone)";
        if (hasTeacherPhase && !string.IsNullOrEmpty(StartSupernet))
            yield return $"config: '{path}.startSupernet' cannot be combined with a 'teacher' phase (the teacher phase starts from a fresh supernet)";
        if (!hasTeacherPhase && KdRatio > 0 && string.IsNullOrEmpty(Teacher) && string.IsNullOrEmpty(StartSupernet))
            yield return $"config: '{path}.teacher' is required for KD when there is no teacher phase";
        foreach (var (field, file) in new[] { ("startSupernet", StartSupernet), ("teacher", Teacher) })
            if (!string.IsNullOrEmpty(file) && !File.Exists(file) && !Directory.Exists(file))
                yield return $"config: '{path}.{field}': '{file}' does not exist";
    }

    private static bool Elastic<T>(IReadOnlyList<T>? values) => values is { Count: > 1 };

    private static IEnumerable<string> ChoiceProblems<T>(IReadOnlyList<T>? values, IReadOnlyList<T> allowed, string path)
    {
        if (values is null) yield break;
        if (values.Count == 0) yield return $"config: '{path}' must list at least one value (or be omitted: largest only); allowed: {Format(allowed)}";
        foreach (T value in values)
            if (!allowed.Contains(value))
            {
                yield return $"config: '{path}' value {Convert.ToString(value, CultureInfo.InvariantCulture)} is not in the search space; allowed: {Format(allowed)}";
                yield break;
            }
        if (values.Distinct().Count() != values.Count) yield return $"config: '{path}' lists a value twice";
    }

    private static string Format<T>(IEnumerable<T> values) => string.Join(", ", values.Select(v => Convert.ToString(v, CultureInfo.InvariantCulture)));
}
