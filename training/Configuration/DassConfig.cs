using System.ComponentModel.DataAnnotations;

namespace NasPrune.Training.Configuration;

/// <summary>
/// DASS (design note dass.md) on a DARTS cell network (<c>model.arch</c> = <c>darts-cells</c>): the
/// sparsity-aware search (dense pretrain, score-only prune, fine-tune of weights and architecture under
/// the fixed mask) on two class-balanced halves of the train split, derivation of the cells, then the
/// derived network's HYDRA training (dense, prune scores, fine-tune) at the same sparsity. Search and
/// final training use the run's train split (<c>data.trainSubset</c> to shorten both); a search epoch
/// alternates weight steps on one half with architecture steps on the other, one pass over the split.
/// </summary>
public sealed record DassConfig
{
    /// <summary>Share of every sparse layer's weights removed (exactly, per layer).</summary>
    [Range(0.0, 0.999)]
    public double Sparsity { get; init; } = 0.9;

    /// <summary>
    /// Global gradient-norm clip of every step: the search's weight steps, the final network's weight
    /// steps (DARTS clips both at 5) and every score step. Scores need it most: at high sparsity whole channels are masked, their BatchNorms see zero variance and
    /// multiply the gradient by 1/sqrt(eps) each, which without a clip throws the ranking about.
    /// </summary>
    [Range(1e-6, 1e6)]
    public double GradClip { get; init; } = 5;

    public DassSearchConfig Search { get; init; } = new();
    public DassFinalConfig Final { get; init; } = new();

    /// <summary>Rules across fields, one line each.</summary>
    public IEnumerable<string> Problems(string path)
    {
        if (string.IsNullOrEmpty(Final.Genotype) && Search.ArchWarmupEpochs > Search.FirstPhaseEpochs)
            yield return $"config: '{path}.search.archWarmupEpochs' ({Search.ArchWarmupEpochs}) must fit in the first search phase "
                + $"({Search.FirstPhaseEpochs} epochs: {(Search.SparseAware ? "search.pretrainEpochs" : "pretrain + prune + finetune epochs")})";
    }
}

public sealed record DassSearchConfig
{
    /// <summary>
    /// True: DASS (sparse operations and the three phases). False: the dense DARTS baseline, one dense
    /// search phase with the same epoch budget (pretrain + prune + finetune epochs).
    /// </summary>
    public bool SparseAware { get; init; } = true;

    /// <summary>Size of the search network (DARTS: 16 channels, 8 cells).</summary>
    public DartsNetworkConfig Network { get; init; } = new();

    [Range(0, 100_000)]
    public int PretrainEpochs { get; init; } = 10;
    [Range(0, 100_000)]
    public int PruneEpochs { get; init; } = 3;
    [Range(0, 100_000)]
    public int FinetuneEpochs { get; init; } = 5;

    /// <summary>
    /// Epochs at the start of the search in which only the weights train (PC-DARTS warms up 15 of its 50):
    /// the architecture steps' batches from the second half become weight steps too, so the operations are
    /// not ranked while the convolutions are still random. (On Fashion-MNIST our short searches chose pooling
    /// normal cells with and without it: experiments/results/fmnist-dass.md.) Counted inside the first search
    /// phase (search-pretrain, or the dense baseline's search).
    /// </summary>
    [Range(0, 100_000)]
    public int ArchWarmupEpochs { get; init; }

    /// <summary>Epochs of the first search phase (the dense baseline's only one: the three phases' budget), which the architecture warm-up must fit in.</summary>
    public int FirstPhaseEpochs => SparseAware ? PretrainEpochs : PretrainEpochs + PruneEpochs + FinetuneEpochs;

    /// <summary>The weights' SGD (design note dass.md: lr 0.025 cosine, weight decay 1e-3; DARTS used 3e-4; momentum from <c>training</c>).</summary>
    [Range(1e-8, 10.0)]
    public double WeightLr { get; init; } = 0.025;
    [Range(0.0, 1.0)]
    public double WeightDecay { get; init; } = 1e-3;

    /// <summary>The architecture logits' Adam (DARTS: lr 3e-4, betas (0.5, 0.999), weight decay 1e-3).</summary>
    [Range(1e-8, 1.0)]
    public double ArchLr { get; init; } = 3e-4;
    [Range(0.0, 1.0)]
    public double ArchWeightDecay { get; init; } = 1e-3;

    /// <summary>The scores' SGD in the prune phase (HYDRA: lr 0.1 cosine).</summary>
    [Range(1e-8, 10.0)]
    public double ScoreLr { get; init; } = 0.1;
}

public sealed record DassFinalConfig
{
    /// <summary>The cells to train: the text form (<c>normal: ...\nreduce: ...</c>) or @file; empty: what this run's search derives.</summary>
    public string? Genotype { get; init; }

    /// <summary>Size of the derived network.</summary>
    public DartsNetworkConfig Network { get; init; } = new();

    /// <summary>Dense training with the <c>training</c> recipe (lr, momentum, weight decay, label smoothing).</summary>
    [Range(1, 100_000)]
    public int PretrainEpochs { get; init; } = 20;
    [Range(1, 100_000)]
    public int PruneEpochs { get; init; } = 5;
    [Range(1, 100_000)]
    public int FinetuneEpochs { get; init; } = 10;

    [Range(1e-8, 10.0)]
    public double ScoreLr { get; init; } = 0.1;

    /// <summary>Peak lr of the fine-tuning under the fixed mask (HYDRA: 0.01).</summary>
    [Range(1e-8, 10.0)]
    public double FinetuneLr { get; init; } = 0.01;
}
