namespace MlOps.Learning.Onnx;

/// <summary>
/// The six timestamp parts of <see cref="Transforms.FeatureTransforms.TimestampPart"/> (year, month, day, day of
/// week, day of year, hour, UTC) from Unix seconds, as ONNX arithmetic in double: days from the epoch, then
/// Howard Hinnant's civil-from-days algorithm with floor divisions. Missing (NaN) gives NaN parts.
/// </summary>
internal static class OnnxTimestamp
{
    /// <param name="seconds">A double tensor [N, 1].</param>
    /// <returns>A double tensor [N, 6].</returns>
    public static string Parts(OnnxGraph g, string seconds)
    {
        string C(double v) => g.Doubles("ts", [], [v]);
        string Op(string op, params string[] inputs) => g.Node(op, inputs);
        string Add(string a, string b) => Op("Add", a, b);
        string Sub(string a, string b) => Op("Sub", a, b);
        string Mul(string a, double b) => Op("Mul", a, C(b));
        string FloorDiv(string a, double b) => Op("Floor", Op("Div", a, C(b)));
        string Mod(string a, double b) => Sub(a, Mul(FloorDiv(a, b), b));       // floor modulo, in [0, b)
        string IsZero(string a) => Op("Less", Op("Abs", a), C(0.5));

        var missing = Op("IsNaN", seconds);
        // The platform clamps to DateTime's range the same way (NaN is masked at the end whatever Min/Max make of it).
        var s = Op("Max", Op("Min", seconds, C(2.5e11)), C(-6e10));
        var days = FloorDiv(s, 86400);
        var hour = FloorDiv(Sub(s, Mul(days, 86400)), 3600);
        var dayOfWeek = Mod(Add(days, C(4)), 7);                                // 1970-01-01 was a Thursday (4)
        var z = Add(days, C(719468));                                           // days since 0000-03-01
        var era = FloorDiv(z, 146097);
        var doe = Sub(z, Mul(era, 146097));
        var yoe = FloorDiv(Sub(Add(Sub(doe, FloorDiv(doe, 1460)), FloorDiv(doe, 36524)), FloorDiv(doe, 146096)), 365);
        var marchYear = Add(yoe, Mul(era, 400));
        var dayOfMarchYear = Sub(doe, Add(Mul(yoe, 365), Sub(FloorDiv(yoe, 4), FloorDiv(yoe, 100))));
        var mp = FloorDiv(Add(Mul(dayOfMarchYear, 5), C(2)), 153);
        var day = Add(Sub(dayOfMarchYear, FloorDiv(Add(Mul(mp, 153), C(2)), 5)), C(1));
        var marchToDecember = Op("Less", mp, C(9.5));
        var month = Op("Where", marchToDecember, Add(mp, C(3)), Sub(mp, C(9)));
        var year = Op("Where", marchToDecember, marchYear, Add(marchYear, C(1)));
        var leap = Op("Or", Op("And", IsZero(Mod(year, 4)), Op("Not", IsZero(Mod(year, 100)))), IsZero(Mod(year, 400)));
        var leapDay = g.Node("Cast", [leap], null, "", OnnxGraph.Int("to", OnnxTypes.Double));
        // 1-based day of the January year: March 1 is day 60 (61 in a leap year), January 1 is March-year day 306.
        var dayOfYear = Op("Where", marchToDecember, Add(dayOfMarchYear, Add(C(60), leapDay)), Sub(dayOfMarchYear, C(305)));
        var parts = g.Node("Concat", [year, month, day, dayOfWeek, dayOfYear, hour], null, "", OnnxGraph.Int("axis", 1));
        return Op("Where", missing, C(double.NaN), parts);
    }
}
