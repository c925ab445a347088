using System.Security.Cryptography;

namespace NasPrune.Supernet.Serialization;

/// <summary>
/// Writes a file so that readers see either the old file or the complete new one: the bytes go to a
/// temporary file in the same folder, are flushed to disk, and the temporary file is renamed over the
/// target. A SHA-256 sidecar (<c>NAME.sha256</c>, in <c>sha256sum</c> format) is written the same way.
/// </summary>
public static class AtomicFile
{
    public const string ChecksumSuffix = ".sha256";

    /// <summary>Writes the file and its checksum sidecar; returns the SHA-256 in lower-case hex.</summary>
    public static string WriteWithChecksum(string path, Action<Stream> write)
    {
        string hash = Write(path, write);
        string name = Path.GetFileName(path);
        Write(path + ChecksumSuffix, s =>
        {
            using var w = new StreamWriter(s);
            w.Write($"{hash}  {name}\n");
        });
        return hash;
    }

    /// <summary>Writes the file atomically (no sidecar); returns the SHA-256 of what was written.</summary>
    public static string Write(string path, Action<Stream> write)
    {
        string folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(folder);
        string temp = Path.Combine(folder, $".{Path.GetFileName(path)}.{Environment.ProcessId}.tmp");
        try
        {
            string hash;
            using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
            using (var hashing = new HashingStream(file))
            {
                write(hashing);
                hashing.Flush();
                file.Flush(flushToDisk: true);
                hash = Convert.ToHexStringLower(hashing.Hash());
            }
            File.Move(temp, path, overwrite: true);
            return hash;
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    public static void WriteAllText(string path, string text) =>
        Write(path, s => { using var w = new StreamWriter(s); w.Write(text); });

    /// <summary>
    /// Checks <paramref name="path"/> against its sidecar. Returns null when it matches, otherwise the
    /// reason it does not (missing file, missing sidecar, mismatch) for an error message.
    /// </summary>
    public static string? VerifyChecksum(string path)
    {
        if (!File.Exists(path)) return "file is missing";
        string sidecar = path + ChecksumSuffix;
        if (!File.Exists(sidecar)) return $"checksum file {Path.GetFileName(sidecar)} is missing";
        string expected = File.ReadAllText(sidecar).Split(' ', 2)[0].Trim();
        string actual = Sha256Hex(path);
        return string.Equals(expected, actual, StringComparison.OrdinalIgnoreCase)
            ? null
            : $"SHA-256 mismatch (expected {expected[..Math.Min(12, expected.Length)]}..., file has {actual[..12]}...)";
    }

    public static string Sha256Hex(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>
    /// A write-only pass-through that hashes what goes through it. Writers (StreamWriter, CsvWriter) may
    /// dispose it; that leaves the inner stream open and the hash readable.
    /// </summary>
    private sealed class HashingStream(Stream inner) : Stream
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        public byte[] Hash()
        {
            byte[] hash = _hash.GetHashAndReset();
            _hash.Dispose();
            return hash;
        }
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            _hash.AppendData(buffer);
            inner.Write(buffer);
        }

    }
}
