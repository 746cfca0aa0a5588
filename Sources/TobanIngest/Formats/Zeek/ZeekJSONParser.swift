import TobanCore

/// Zeek JSON logs (`LogAscii::use_json=T`), one object per line, with flattened dotted keys.
/// Also accepts the Splunk search-export wrapper `{"preview":..,"result":{"_raw":"<zeek json>",..}}`,
/// whose `result.host` becomes the sensor when the record names none.
public struct ZeekJSONParser: LineParser {
    public var options: ParserOptions
    let filePath: ZeekPath?

    public init(fileName: String, options: ParserOptions) {
        self.options = options
        self.filePath = ZeekPath.fromFileName(fileName)
    }

    public mutating func parse(_ line: UnsafeBufferPointer<UInt8>) -> LineResult {
        guard let base = line.baseAddress, !isBlank(line) else { return .skip }
        if line.count > options.maxLineLength {
            return .invalid(reason: "line too long (\(line.count) bytes, limit \(options.maxLineLength))")
        }
        do {
            return .event(try parseRecord(base, line.count, unwrap: true))
        } catch {
            return .invalid(reason: error.reason)
        }
    }

    func parseRecord(_ base: UnsafePointer<UInt8>, _ count: Int, unwrap: Bool) throws(ParseError) -> ParsedEvent {
        var s = JSONScanner(base, count: count)
        var b = ZeekRecordBuilder()
        var raw: String?
        var wrapperHost: String?
        try s.beginObject()
        var first = true
        while let key = try s.nextKey(&first) {
            if unwrap && s.keyIs(key, "result") && s.peek() == 0x7B {
                try s.beginObject()
                var f = true
                while let rk = try s.nextKey(&f) {
                    if s.keyIs(rk, "_raw"), let v = try s.readString() {
                        raw = s.decode(v)
                    } else if s.keyIs(rk, "host"), let v = try s.readString() {
                        wrapperHost = s.text(v)
                    } else {
                        try s.skipValue()
                    }
                }
                continue
            }
            guard let field = s.withBytes(key, { ZeekField.from($0, $1) }) else {
                try s.skipValue()
                continue
            }
            guard let c = s.peek() else { throw s.error("expected a value") }
            switch c {
            case ASCII.quote:
                let v = try s.scanString()
                if v.count > 0 { s.withBytes(v) { b.set(field, $0, $1, options: options) } }
            case 0x5B:
                // Sets/vectors: keep the strings joined by ",", like the TSV form.
                var joined = ""
                try s.beginArray()
                var f = true
                while try s.nextElement(&f) {
                    if let v = try s.readString() {
                        if !joined.isEmpty { joined += "," }
                        joined += s.decode(v)
                    } else if let n = try numberText(&s) {
                        if !joined.isEmpty { joined += "," }
                        joined += n
                    }
                }
                if !joined.isEmpty {
                    var j = joined
                    j.withUTF8 { u in if let p = u.baseAddress { b.set(field, p, u.count, options: options) } }
                }
            case 0x74, 0x66:
                if field == .notice { b.weirdNotice = try s.readBool() ?? false } else { try s.skipValue() }
            case 0x6E:
                try s.literal("null")
            case 0x7B:
                try s.skipValue()
            default:
                guard let n = try s.readNumber() else { break }
                b.set(field, s.base + n.start, n.count, options: options)
            }
        }
        try s.finish()
        if let raw {
            let bytes = Array(raw.utf8)
            var e = try bytes.withUnsafeBufferPointer { u throws(ParseError) -> ParsedEvent in
                guard let p = u.baseAddress else { throw ParseError("Splunk wrapper with empty _raw") }
                return try parseRecord(p, u.count, unwrap: false)
            }
            if e.sensor == nil { e.sensor = wrapperHost }
            return e
        }
        return b.finish(defaultPath: filePath)
    }

    private func numberText(_ s: inout JSONScanner) throws(ParseError) -> String? {
        guard let n = try s.readNumber() else { return nil }
        return makeString(s.base, n.start, n.start + n.count)
    }
}
