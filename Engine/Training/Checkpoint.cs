using System.Runtime.InteropServices;
using OrleansSweeps.Engine.Storage;

namespace OrleansSweeps.Engine.Training;

/// <summary>
/// Everything needed to continue a run bit for bit: the step, the curve and gradient-statistics rows
/// recorded so far, and the trainer's state (parameters, optimiser buffers, update count, generator).
/// Minibatch order needs no state: it is a function of the step (<see cref="MinibatchOrder"/>).
/// Stored in a <see cref="BinaryEnvelope"/> of kind "checkpoint": payload = i32 step | curve table |
/// stats table | first-learned table | trainer state bytes, where a table is i32 row count | rows × fields × float64
/// (curve rows carry their diagnostics; the first-learned table has one field per training example, empty
/// when the run does not track it).
/// </summary>
public sealed record Checkpoint(int Step, IReadOnlyList<CurveRow> Rows, byte[] TrainerState)
{
    public const string Kind = "checkpoint";

    /// <summary>Gradient-statistics rows recorded so far.</summary>
    public IReadOnlyList<StatsRow> Stats { get; init; } = [];

    /// <summary>First recorded step each training example was learned (−1: not yet); empty when not tracked.</summary>
    public IReadOnlyList<int> FirstLearned { get; init; } = [];

    public byte[] Serialize()
    {
        using var stream = new MemoryStream();
        var writer = new BinaryWriter(stream);
        writer.Write(Step);
        WriteTable(writer, Rows.Select(r => r.ToArray()).ToArray());
        WriteTable(writer, Stats.Select(r => r.ToArray()).ToArray());
        WriteTable(writer, FirstLearned.Select(v => new double[] { v }).ToArray());
        writer.Write(TrainerState);
        writer.Flush();
        return BinaryEnvelope.Wrap(Kind, "bytes", [stream.Length], stream.ToArray());
    }

    public static Checkpoint Deserialize(byte[] bytes, string source)
    {
        var (_, payload) = BinaryEnvelope.Unwrap(bytes, Kind, source);
        if (payload.Length < 4) throw new InvalidDataException($"{source}: checkpoint payload too short");
        var step = BitConverter.ToInt32(payload, 0);
        var offset = 4;
        var rows = ReadTable(payload, ref offset, CurveRow.StoredFieldCount, source, "row").Select(v => CurveRow.FromArray(v)).ToArray();
        var stats = ReadTable(payload, ref offset, StatsRow.FieldCount, source, "stats row").Select(v => StatsRow.FromArray(v)).ToArray();
        var learned = ReadTable(payload, ref offset, 1, source, "first-learned entry").Select(v => (int)v[0]).ToArray();
        return new Checkpoint(step, rows, payload[offset..]) { Stats = stats, FirstLearned = learned };
    }

    private static void WriteTable(BinaryWriter writer, double[][] rows)
    {
        writer.Write(rows.Length);
        foreach (var row in rows) writer.Write(MemoryMarshal.AsBytes(row.AsSpan()));
    }

    private static double[][] ReadTable(byte[] payload, ref int offset, int fields, string source, string what)
    {
        if (offset + 4 > payload.Length) throw new InvalidDataException($"{source}: checkpoint is cut short before its {what} count");
        var count = BitConverter.ToInt32(payload, offset);
        var bytes = (long)count * fields * 8;
        if (count < 0 || offset + 4 + bytes > payload.Length)
            throw new InvalidDataException($"{source}: checkpoint {what} count {count} does not fit");
        var values = MemoryMarshal.Cast<byte, double>(payload.AsSpan(offset + 4, (int)bytes));
        var rows = new double[count][];
        for (var i = 0; i < count; i++) rows[i] = values.Slice(i * fields, fields).ToArray();
        offset += 4 + (int)bytes;
        return rows;
    }
}
