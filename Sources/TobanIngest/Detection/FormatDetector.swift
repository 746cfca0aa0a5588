import TobanCore

/// Guesses a log's format from its first non-empty lines. The caller may override the result.
///
/// * Zeek TSV: a `#separator` line.
/// * JSON objects: Suricata EVE when the object has `event_type`; Zeek JSON when it has `ts`
///   with `uid`, `id.orig_h` or `_path`, or is the Splunk export wrapper (`result._raw`).
/// * CEF: `CEF:<digit>` at the start or after a syslog header.
/// * Syslog otherwise.
public enum FormatDetector {
    /// Detects from a sample of the file's beginning (at most `maxLines` non-empty lines are examined).
    public static func detect(sample: UnsafeBufferPointer<UInt8>, maxLines: Int = 10) -> SourceFormat? {
        guard let p = sample.baseAddress else { return nil }
        var votes: [SourceFormat: Int] = [:]
        var seen = 0
        var start = 0
        let n = sample.count
        while start < n && seen < maxLines {
            var end = indexOf(ASCII.lf, p, from: start, end: n) ?? n
            let next = end + 1
            if end > start && p[end - 1] == ASCII.cr { end -= 1 }
            let line = Bytes(start: p + start, count: end - start)
            start = next
            if isBlank(line) { continue }
            seen += 1
            if let f = detect(line: line) {
                if f == .zeekTSV { return .zeekTSV }
                votes[f, default: 0] += 1
            }
        }
        // Prefer the specific formats over the syslog fallback.
        for f in [SourceFormat.suricataEVE, .zeekJSON, .cef] where votes[f, default: 0] > 0 {
            if votes[f, default: 0] * 2 >= votes.values.reduce(0, +) { return f }
        }
        return votes.max { $0.value < $1.value }?.key
    }

    /// Detects from one line; nil for blank lines or lines that fit nothing.
    public static func detect(line: UnsafeBufferPointer<UInt8>) -> SourceFormat? {
        guard let p = line.baseAddress, !isBlank(line) else { return nil }
        let n = line.count
        var i = 0
        // A byte order mark and NUL padding are not the record's first bytes.
        if n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF { i = 3 }
        while i < n && (p[i] == ASCII.space || p[i] == ASCII.tab || p[i] == 0) { i += 1 }
        if i == n { return nil }
        if n - i >= 10 && bytesEqual(p + i, 10, "#separator") { return .zeekTSV }
        if p[i] == ASCII.hash { return nil }
        if p[i] == 0x7B {
            let keys = topLevelKeys(p + i, n - i)
            if keys.contains("event_type") { return .suricataEVE }
            if keys.contains("result") && keys.contains("preview") { return .zeekJSON }
            if keys.contains("ts") && (keys.contains("uid") || keys.contains("id.orig_h") || keys.contains("_path")) {
                return .zeekJSON
            }
            if keys.contains("ts") { return .zeekJSON }
            return nil
        }
        if CEFParser.findMarker(p + i, n - i) != nil { return .cef }
        return .syslog
    }

    /// Top-level keys of a JSON object line (empty if the line is not valid JSON).
    static func topLevelKeys(_ p: UnsafePointer<UInt8>, _ n: Int) -> Set<String> {
        var s = JSONScanner(p, count: n)
        var keys = Set<String>()
        do {
            try s.beginObject()
            var first = true
            while let k = try s.nextKey(&first) {
                if keys.count < 256 { keys.insert(s.decode(k)) }
                try s.skipValue()
            }
        } catch {
            return keys
        }
        return keys
    }
}
