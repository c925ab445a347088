// Marks one symbol-version requirement of an ELF64 shared library as weak (VER_FLG_WEAK).
//
// Why: TorchSharp 0.107's libLibTorchSharp.so lists GLIBCXX_3.4.32 among the versions it needs from
// libstdc++.so.6, only for the no-op marker symbol _ZSt21ios_base_library_initv. Debian 12 and
// Ubuntu 22.04 ship an older libstdc++, so the dynamic loader refuses the library. A weak version
// requirement is one the loader may find missing; nothing else in the file changes.
//
// This file is compiled twice: into the build's inline MSBuild task (build/TorchSharpNative.targets)
// and into the tests (with NASPRUNE_TESTS, without the task), which check the copy in their output.
using System;
using System.IO;
using System.Text;
#if !NASPRUNE_TESTS
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
#endif

namespace NasPrune.Build;

public static class ElfVersionPatcher
{
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const ushort VerFlgWeak = 0x2;

    /// <summary>What <see cref="MarkWeak"/> found or did.</summary>
    public enum Outcome { Patched, AlreadyWeak, NotRequired }

    /// <summary>
    /// Sets VER_FLG_WEAK on the Elf64_Vernaux entry named <paramref name="version"/> in the file at
    /// <paramref name="path"/>. The file is rewritten through a temporary file and a rename, so a
    /// hard link to a shared copy (for example the NuGet cache) is replaced, never written through.
    /// </summary>
    public static Outcome MarkWeak(string path, string version)
    {
        byte[] bytes = File.ReadAllBytes(path);
        int flagsOffset = FindVernauxFlagsOffset(bytes, version, path);
        if (flagsOffset < 0) return Outcome.NotRequired;
        ushort flags = BitConverter.ToUInt16(bytes, flagsOffset);
        if ((flags & VerFlgWeak) != 0) return Outcome.AlreadyWeak;
        BitConverter.GetBytes((ushort)(flags | VerFlgWeak)).CopyTo(bytes, flagsOffset);
        string temp = path + ".patching";
        File.WriteAllBytes(temp, bytes);
        File.Replace(temp, path, null); // a rename: the old inode (and any hard link to it) is left alone
        return Outcome.Patched;
    }

    /// <summary>True when the file requires <paramref name="version"/> and that requirement is weak.</summary>
    public static bool IsWeak(string path, string version)
    {
        byte[] bytes = File.ReadAllBytes(path);
        int flagsOffset = FindVernauxFlagsOffset(bytes, version, path);
        return flagsOffset >= 0 && (BitConverter.ToUInt16(bytes, flagsOffset) & VerFlgWeak) != 0;
    }

    /// <summary>File offset of vna_flags of the named requirement, or -1 when the file does not list it.</summary>
    public static int FindVernauxFlagsOffset(byte[] elf, string version, string nameForErrors)
    {
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
            throw new InvalidDataException($"{nameForErrors}: not an ELF file");
        if (elf[4] != 2 || elf[5] != 1)
            throw new InvalidDataException($"{nameForErrors}: expected a 64-bit little-endian ELF file");

        long sectionTable = (long)BitConverter.ToUInt64(elf, 0x28);
        int entrySize = BitConverter.ToUInt16(elf, 0x3A);
        int sectionCount = BitConverter.ToUInt16(elf, 0x3C);
        for (int i = 0; i < sectionCount; i++)
        {
            long header = sectionTable + (long)i * entrySize;
            Require(elf, header, 64, nameForErrors);
            if (BitConverter.ToUInt32(elf, (int)header + 4) != ShtGnuVerneed) continue;

            long sectionOffset = (long)BitConverter.ToUInt64(elf, (int)header + 0x18);
            int stringSection = (int)BitConverter.ToUInt32(elf, (int)header + 0x28);
            int needCount = (int)BitConverter.ToUInt32(elf, (int)header + 0x2C);
            long stringHeader = sectionTable + (long)stringSection * entrySize;
            Require(elf, stringHeader, 64, nameForErrors);
            long strings = (long)BitConverter.ToUInt64(elf, (int)stringHeader + 0x18);

            long need = sectionOffset;
            for (int n = 0; n < needCount; n++)
            {
                Require(elf, need, 16, nameForErrors);
                int auxCount = BitConverter.ToUInt16(elf, (int)need + 2);
                long aux = need + BitConverter.ToUInt32(elf, (int)need + 8);
                for (int a = 0; a < auxCount; a++)
                {
                    Require(elf, aux, 16, nameForErrors);
                    long name = strings + BitConverter.ToUInt32(elf, (int)aux + 8);
                    if (ReadCString(elf, name, nameForErrors) == version) return (int)aux + 4;
                    aux += BitConverter.ToUInt32(elf, (int)aux + 12);
                }
                need += BitConverter.ToUInt32(elf, (int)need + 12);
            }
        }
        return -1;
    }

    private static string ReadCString(byte[] elf, long offset, string nameForErrors)
    {
        Require(elf, offset, 1, nameForErrors);
        int end = Array.IndexOf(elf, (byte)0, (int)offset);
        if (end < 0) throw new InvalidDataException($"{nameForErrors}: unterminated string in .dynstr");
        return Encoding.ASCII.GetString(elf, (int)offset, end - (int)offset);
    }

    private static void Require(byte[] elf, long offset, int length, string nameForErrors)
    {
        if (offset < 0 || offset + length > elf.Length)
            throw new InvalidDataException($"{nameForErrors}: truncated ELF file (offset {offset} beyond {elf.Length} bytes)");
    }
}

#if !NASPRUNE_TESTS
/// <summary>MSBuild task: marks <see cref="Version"/> weak in every file of <see cref="Files"/>.</summary>
public sealed class MarkElfVersionWeak : Task
{
    [Required] public ITaskItem[] Files { get; set; } = Array.Empty<ITaskItem>();
    [Required] public string Version { get; set; } = "";

    public override bool Execute()
    {
        foreach (ITaskItem file in Files)
        {
            string path = file.ItemSpec;
            ElfVersionPatcher.Outcome outcome = ElfVersionPatcher.MarkWeak(path, Version);
            Log.LogMessage(MessageImportance.Low, "{0}: {1} {2}", path, Version, outcome);
        }
        return !Log.HasLoggedErrors;
    }
}
#endif
