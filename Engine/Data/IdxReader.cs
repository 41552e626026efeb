using System.Buffers.Binary;

namespace OrleansSweeps.Engine.Data;

/// <summary>
/// Reader of the IDX format of LeCun's MNIST files: big-endian magic 0x0000TTDD (TT = 0x08 unsigned
/// bytes, DD = number of dimensions), DD big-endian int32 sizes, then the values.
/// </summary>
public static class IdxReader
{
    /// <summary>An IDX array of unsigned bytes.</summary>
    public sealed record IdxArray(int[] Shape, byte[] Values);

    public static IdxArray Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: IDX file not found", path);
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 4) throw new InvalidDataException($"{path}: truncated IDX file ({bytes.Length} bytes, no header)");
        if (bytes[0] != 0 || bytes[1] != 0) throw new InvalidDataException($"{path}: not an IDX file (bad magic)");
        if (bytes[2] != 0x08) throw new InvalidDataException($"{path}: IDX element type 0x{bytes[2]:X2} is not unsigned byte (0x08)");
        int dims = bytes[3];
        if (dims is < 1 or > 4) throw new InvalidDataException($"{path}: IDX with {dims} dimensions is not supported");
        var headerBytes = 4 + 4 * dims;
        if (bytes.Length < headerBytes) throw new InvalidDataException($"{path}: truncated IDX header");
        var shape = new int[dims];
        // Four sizes below 2^31 multiply to below 2^124: Int128 cannot wrap (a long can, to 0 for 2^22 cubed).
        Int128 expected = 1;
        for (var d = 0; d < dims; d++)
        {
            shape[d] = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4 + 4 * d));
            if (shape[d] <= 0) throw new InvalidDataException($"{path}: IDX dimension {d} has size {shape[d]}");
            expected *= shape[d];
        }
        var actual = bytes.Length - headerBytes;
        if (actual != expected)
            throw new InvalidDataException($"{path}: IDX holds {actual} values but its header promises {expected} ({(actual < expected ? "truncated" : "trailing bytes")})");
        return new IdxArray(shape, bytes[headerBytes..]);
    }
}
