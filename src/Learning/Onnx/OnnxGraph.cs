using Google.Protobuf;
using Onnx;

namespace MlOps.Learning.Onnx;

/// <summary>Element types of ONNX tensors (onnx.proto's TensorProto.DataType).</summary>
public static class OnnxTypes
{
    public const int Float = 1;
    public const int Int64 = 7;
    public const int String = 8;
    public const int Bool = 9;
    public const int Double = 11;
}

/// <summary>A small builder over ONNX's protobuf types: nodes, constants and unique names.</summary>
internal sealed class OnnxGraph
{
    private int _next;

    public GraphProto Graph { get; } = new() { Name = "mlops" };

    public string Name(string hint) => $"{hint}_{_next++}";

    public string Node(string op, string[] inputs, string? output = null, string domain = "", params AttributeProto[] attributes)
    {
        output ??= Name(op.ToLowerInvariant());
        var node = new NodeProto { OpType = op, Name = Name("n_" + op), Domain = domain };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        Graph.Node.Add(node);
        return output;
    }

    public string Doubles(string hint, long[] dims, IEnumerable<double> values)
    {
        var t = new TensorProto { Name = Name(hint), DataType = OnnxTypes.Double };
        t.Dims.AddRange(dims);
        t.DoubleData.AddRange(values);
        Graph.Initializer.Add(t);
        return t.Name;
    }

    public string Floats(string hint, long[] dims, IEnumerable<float> values)
    {
        var t = new TensorProto { Name = Name(hint), DataType = OnnxTypes.Float };
        t.Dims.AddRange(dims);
        t.FloatData.AddRange(values);
        Graph.Initializer.Add(t);
        return t.Name;
    }

    public string Int64s(string hint, long[] dims, IEnumerable<long> values)
    {
        var t = new TensorProto { Name = Name(hint), DataType = OnnxTypes.Int64 };
        t.Dims.AddRange(dims);
        t.Int64Data.AddRange(values);
        Graph.Initializer.Add(t);
        return t.Name;
    }

    public string Strings(string hint, IReadOnlyList<string> values)
    {
        var t = new TensorProto { Name = Name(hint), DataType = OnnxTypes.String };
        t.Dims.Add(values.Count);
        foreach (var v in values) t.StringData.Add(ByteString.CopyFromUtf8(v));
        Graph.Initializer.Add(t);
        return t.Name;
    }

    public static ValueInfoProto Tensor(string name, int elementType, params long[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims)
            shape.Dim.Add(d < 0 ? new TensorShapeProto.Types.Dimension { DimParam = "N" } : new TensorShapeProto.Types.Dimension { DimValue = d });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = elementType, Shape = shape } },
        };
    }

    public static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Str(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    public static AttributeProto Ints(string name, IEnumerable<long> values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    public static AttributeProto Strs(string name, IEnumerable<string> values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Strings };
        foreach (var v in values) a.Strings.Add(ByteString.CopyFromUtf8(v));
        return a;
    }

    public static AttributeProto DoubleTensor(string name, IEnumerable<double> values)
    {
        var t = new TensorProto { DataType = OnnxTypes.Double };
        t.DoubleData.AddRange(values);
        t.Dims.Add(t.DoubleData.Count);
        return new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Tensor, T = t };
    }
}
