using System.Runtime.InteropServices;
using OrleansSweeps.Engine.Storage;

namespace OrleansSweeps.Engine.Training;

/// <summary>
/// Everything needed to continue a run bit for bit: the step, the curve rows recorded so far, and the
/// trainer's state (parameters, optimiser buffers, update count, generator). Minibatch order needs no
/// state: it is a function of the step (<see cref="MinibatchOrder"/>).
/// Stored in a <see cref="BinaryEnvelope"/> of kind "checkpoint": payload = i32 step | i32 row count |
/// rows × 8 float64 | trainer state bytes.
/// </summary>
public sealed record Checkpoint(int Step, IReadOnlyList<CurveRow> Rows, byte[] TrainerState)
{
    public const string Kind = "checkpoint";

    public byte[] Serialize()
    {
        var rowValues = Rows.SelectMany(r => r.ToArray()).ToArray();
        var payload = new byte[8 + rowValues.Length * 8 + TrainerState.Length];
        BitConverter.TryWriteBytes(payload.AsSpan(0), Step);
        BitConverter.TryWriteBytes(payload.AsSpan(4), Rows.Count);
        MemoryMarshal.AsBytes(rowValues.AsSpan()).CopyTo(payload.AsSpan(8));
        TrainerState.CopyTo(payload.AsSpan(8 + rowValues.Length * 8));
        return BinaryEnvelope.Wrap(Kind, "bytes", [payload.Length], payload);
    }

    public static Checkpoint Deserialize(byte[] bytes, string source)
    {
        var (_, payload) = BinaryEnvelope.Unwrap(bytes, Kind, source);
        if (payload.Length < 8) throw new InvalidDataException($"{source}: checkpoint payload too short");
        var step = BitConverter.ToInt32(payload, 0);
        var count = BitConverter.ToInt32(payload, 4);
        var rowBytes = (long)count * CurveRow.FieldCount * 8;
        if (count < 0 || 8 + rowBytes > payload.Length) throw new InvalidDataException($"{source}: checkpoint row count {count} does not fit");
        var values = MemoryMarshal.Cast<byte, double>(payload.AsSpan(8, (int)rowBytes));
        var rows = new CurveRow[count];
        for (var i = 0; i < count; i++) rows[i] = CurveRow.FromArray(values.Slice(i * CurveRow.FieldCount, CurveRow.FieldCount));
        return new Checkpoint(step, rows, payload[(8 + (int)rowBytes)..]);
    }
}
