using System.Text;

namespace MlOps.Learning.Data;

/// <summary>RFC 4180 record reader: quoted fields, doubled quotes, embedded delimiters and newlines.</summary>
internal static class CsvText
{
    public static IEnumerable<List<string>> ReadRecords(TextReader reader, char delimiter)
    {
        var field = new StringBuilder();
        var record = new List<string>();
        var inQuotes = false;
        var any = false;
        int c;
        while ((c = reader.Read()) >= 0)
        {
            var ch = (char)c;
            if (inQuotes)
            {
                if (ch == '"')
                {
                    if (reader.Peek() == '"') { reader.Read(); field.Append('"'); }
                    else inQuotes = false;
                }
                else field.Append(ch);
                continue;
            }
            if (ch == '"' && field.Length == 0) { inQuotes = true; any = true; }
            else if (ch == delimiter) { record.Add(field.ToString()); field.Clear(); any = true; }
            else if (ch == '\r') { }
            else if (ch == '\n')
            {
                if (any || field.Length > 0)
                {
                    record.Add(field.ToString());
                    yield return record;
                    record = [];
                }
                field.Clear();
                any = false;
            }
            else { field.Append(ch); any = true; }
        }
        if (inQuotes) throw new InvalidDataException("The CSV ends inside a quoted field.");
        if (any || field.Length > 0)
        {
            record.Add(field.ToString());
            yield return record;
        }
    }
}
