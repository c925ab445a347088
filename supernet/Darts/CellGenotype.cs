using NasPrune.Supernet.Darts.Operations;

namespace NasPrune.Supernet.Darts;

/// <summary>One incoming edge of a derived cell's node: the operation and the state it reads (0, 1: the cell inputs; 2+: earlier nodes).</summary>
public sealed record CellEdge(string Operation, int Input);

/// <summary>
/// A derived cell: two incoming edges per intermediate node, node-major (DARTS' genotype). Text form:
/// <c>sep_conv_3x3:0 sep_conv_3x3:1 | skip_connect:0 sep_conv_3x3:2 | ...</c> (nodes separated by '|').
/// </summary>
public sealed record CellGenotype(IReadOnlyList<CellEdge> Edges)
{
    public const int EdgesPerNode = 2;

    public CellEdge Edge(int node, int k) => Edges[node * EdgesPerNode + k];

    /// <summary>
    /// DARTS' derivation from one cell type's architecture logits [14, operations]: for each node the two
    /// incoming edges whose strongest non-none operation has the largest softmax weight, each with that operation.
    /// </summary>
    public static CellGenotype Derive(float[,] logits)
    {
        int operations = DartsOperations.All.Count;
        if (logits.GetLength(0) != DartsNetworkSpec.Edges || logits.GetLength(1) != operations)
            throw new ArgumentException($"architecture logits must be [{DartsNetworkSpec.Edges}, {operations}], got [{logits.GetLength(0)}, {logits.GetLength(1)}]");
        int none = DartsOperations.IndexOf(DartsOperations.None);
        var edges = new List<CellEdge>();
        int start = 0;
        for (int node = 0; node < DartsNetworkSpec.Nodes; node++)
        {
            var candidates = Enumerable.Range(0, node + 2).Select(input =>
            {
                double[] weights = Softmax(Enumerable.Range(0, operations).Select(o => (double)logits[start + input, o]).ToArray());
                int best = Enumerable.Range(0, operations).Where(o => o != none).MaxBy(o => weights[o]);
                return (input, best, weight: weights[best]);
            });
            // Stable order: strongest first, ties to the lower input; then listed by input as DARTS does.
            foreach (var (input, best, _) in candidates.OrderByDescending(c => c.weight).ThenBy(c => c.input).Take(EdgesPerNode).OrderBy(c => c.input))
                edges.Add(new CellEdge(DartsOperations.All[best], input));
            start += node + 2;
        }
        return new CellGenotype(edges);
    }

    private static double[] Softmax(double[] x)
    {
        double max = x.Max();
        double[] e = x.Select(v => Math.Exp(v - max)).ToArray();
        double sum = e.Sum();
        return e.Select(v => v / sum).ToArray();
    }

    public override string ToString() =>
        string.Join(" | ", Enumerable.Range(0, DartsNetworkSpec.Nodes).Select(n =>
            string.Join(' ', Enumerable.Range(0, EdgesPerNode).Select(k => $"{Edge(n, k).Operation}:{Edge(n, k).Input}"))));

    /// <summary>Parses <see cref="ToString"/>'s form; one error line naming what is wrong.</summary>
    public static CellGenotype Parse(string text, string field)
    {
        string[] nodes = text.Split('|', StringSplitOptions.TrimEntries);
        if (nodes.Length != DartsNetworkSpec.Nodes)
            throw new ArgumentException($"{field}: needs {DartsNetworkSpec.Nodes} nodes separated by '|', got {nodes.Length}");
        var edges = new List<CellEdge>();
        for (int node = 0; node < nodes.Length; node++)
        {
            string[] pairs = nodes[node].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (pairs.Length != EdgesPerNode)
                throw new ArgumentException($"{field}: node {node} needs {EdgesPerNode} 'operation:input' edges, got '{nodes[node]}'");
            foreach (string pair in pairs)
            {
                string[] parts = pair.Split(':');
                if (parts.Length != 2 || !int.TryParse(parts[1], out int input) || input < 0 || input >= node + 2)
                    throw new ArgumentException($"{field}: edge '{pair}' of node {node} must be 'operation:input' with input 0..{node + 1}");
                if (parts[0] == DartsOperations.None || !DartsOperations.All.Contains(parts[0]))
                    throw new ArgumentException($"{field}: operation '{parts[0]}': allowed values are {string.Join(", ", DartsOperations.All.Skip(1))}");
                edges.Add(new CellEdge(parts[0], input));
            }
        }
        return new CellGenotype(edges);
    }
}
