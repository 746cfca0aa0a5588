import TobanCore

/// A parsed syslog header (RFC 5424, RFC 3164, or the rsyslog ISO-timestamp variant of 3164).
struct SyslogHeader {
    var priority: Int?
    var version: Int?
    var timestamp: Double?
    var hostname: String?
    var appName: String?
    var procID: String?
    var msgID: String?
    var structuredData: [CustomField] = []
    /// Where MSG starts (index into the line).
    var messageStart: Int

    /// Syslog severity (PRI & 7) on the Core scale.
    var severity: Severity {
        guard let pri = priority else { return .informational }
        switch pri & 7 {
        case 0, 1, 2: return .critical
        case 3: return .high
        case 4: return .medium
        case 5: return .low
        default: return .informational
        }
    }

    /// Parses the header of [0, end). Never reads past `end`.
    static func parse(_ p: UnsafePointer<UInt8>, _ end: Int, options: inout ParserOptions) throws(ParseError) -> SyslogHeader {
        var h = SyslogHeader(messageStart: 0)
        var i = 0
        if end > 0 && p[0] == ASCII.lt {
            var v = 0
            var k = 1
            while k < end && k <= 4 && ASCII.isDigit(p[k]) { v = v * 10 + Int(p[k] &- 0x30); k += 1 }
            guard k > 1, k <= 4, k < end, p[k] == ASCII.gt, v <= 191 else { throw ParseError("invalid syslog PRI") }
            h.priority = v
            i = k + 1
        }
        // RFC 5424: VERSION SP right after PRI.
        if h.priority != nil, i < end, ASCII.isDigit(p[i]), p[i] != ASCII.zero {
            var k = i
            var v = 0
            while k < end && k - i < 3 && ASCII.isDigit(p[k]) { v = v * 10 + Int(p[k] &- 0x30); k += 1 }
            if k < end && p[k] == ASCII.space {
                h.version = v
                try parse5424(p, k + 1, end, &h, options: options)
                return h
            }
        }
        parse3164(p, i, end, &h, options: &options)
        return h
    }

    /// Next space-delimited token from i: (start, end) and the index after the single space.
    @inline(__always)
    static func token(_ p: UnsafePointer<UInt8>, _ i: Int, _ end: Int) -> (Int, Int, Int) {
        var k = i
        while k < end && p[k] != ASCII.space { k += 1 }
        return (i, k, k < end ? k + 1 : k)
    }

    static func nilOrText(_ p: UnsafePointer<UInt8>, _ s: Int, _ e: Int) -> String? {
        if e == s || (e - s == 1 && p[s] == ASCII.minus) { return nil }
        return makeString(p, s, e)
    }

    static func parse5424(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int, _ h: inout SyslogHeader,
                          options: ParserOptions) throws(ParseError) {
        var (s, e, i) = token(p, start, end)
        if !(e - s == 1 && p[s] == ASCII.minus) {
            // An unparseable TIMESTAMP leaves it nil; the message is still worth showing.
            h.timestamp = options.iso8601(p + s, e - s)
        }
        (s, e, i) = token(p, i, end); h.hostname = nilOrText(p, s, e)
        (s, e, i) = token(p, i, end); h.appName = nilOrText(p, s, e)
        (s, e, i) = token(p, i, end); h.procID = nilOrText(p, s, e)
        (s, e, i) = token(p, i, end); h.msgID = nilOrText(p, s, e)
        if i < end && p[i] == 0x5B {
            i = try parseStructuredData(p, i, end, &h.structuredData)
            if i < end && p[i] == ASCII.space { i += 1 }
        } else if i < end && p[i] == ASCII.minus {
            i += 1
            if i < end && p[i] == ASCII.space { i += 1 }
        }
        // A UTF-8 BOM (EF BB BF) marks a UTF-8 MSG; it is not part of the text.
        if i + 3 <= end && p[i] == 0xEF && p[i + 1] == 0xBB && p[i + 2] == 0xBF { i += 3 }
        h.messageStart = i
    }

    /// One or more `[SD-ID param="value" ...]` elements; values unescape `\"`, `\\`, `\]`.
    /// Also accepts vendor pseudo-SD (`[key:"value"; key2:"value"]`, Check Point).
    static func parseStructuredData(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int,
                                    _ out: inout [CustomField]) throws(ParseError) -> Int {
        var i = start
        while i < end && p[i] == 0x5B {
            i += 1
            // SD-ID: up to space or ']', unless it already looks like a param.
            var idStart = i
            while i < end && p[i] != ASCII.space && p[i] != 0x5D && p[i] != ASCII.equals && p[i] != ASCII.quote { i += 1 }
            var sdID = ""
            if i < end && (p[i] == ASCII.equals || p[i] == ASCII.quote) {
                i = idStart // no SD-ID; params start immediately
            } else {
                sdID = makeString(p, idStart, i)
            }
            while true {
                while i < end && (p[i] == ASCII.space || p[i] == 0x3B) { i += 1 }
                guard i < end else { throw ParseError("unterminated structured data") }
                if p[i] == 0x5D { i += 1; break }
                idStart = i
                while i < end && p[i] != ASCII.equals && p[i] != ASCII.colon && p[i] != 0x5D && p[i] != ASCII.space { i += 1 }
                let nameEnd = i
                guard i + 1 < end, p[i] == ASCII.equals || p[i] == ASCII.colon, p[i + 1] == ASCII.quote else {
                    throw ParseError("invalid structured-data parameter")
                }
                i += 2
                var value = [UInt8]()
                var closed = false
                while i < end {
                    let b = p[i]
                    if b == ASCII.backslash && i + 1 < end && (p[i + 1] == ASCII.quote || p[i + 1] == ASCII.backslash || p[i + 1] == 0x5D) {
                        value.append(p[i + 1]); i += 2; continue
                    }
                    if b == ASCII.quote { closed = true; i += 1; break }
                    value.append(b); i += 1
                }
                guard closed else { throw ParseError("unterminated structured-data value") }
                let name = makeString(p, idStart, nameEnd)
                out.append(CustomField(label: sdID.isEmpty ? name : sdID + "." + name,
                                       value: String(decoding: value, as: UTF8.self)))
                if out.count > 1024 { throw ParseError("too many structured-data parameters") }
            }
        }
        return i
    }

    static func parse3164(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int, _ h: inout SyslogHeader,
                          options: inout ParserOptions) {
        var i = start
        let rest = end - i
        if let (t, used) = Timestamps.bsd(p + start, rest, year: options.syslogYear, offset: 0) {
            h.timestamp = options.utc(fromWallClock: options.yearless(t) { Timestamps.bsd(p + start, rest, year: $0, offset: 0)?.0 })
            i += used
        } else if rest >= 19, ASCII.isDigit(p[i]) {
            let (s, e, _) = token(p, i, end)
            if let t = options.iso8601(p + s, e - s) {
                h.timestamp = t
                i = e
            }
        }
        if h.timestamp == nil {
            // No recognisable header: all of it is the message.
            h.messageStart = start
            return
        }
        while i < end && p[i] == ASCII.space { i += 1 }
        // HOSTNAME, unless the next token is already the tag or a "--- last message repeated" marker.
        var (s, e, next) = token(p, i, end)
        let tokenIsTag = e > s && p[e - 1] == ASCII.colon
        let marker = e - s == 3 && p[s] == ASCII.minus && p[s + 1] == ASCII.minus && p[s + 2] == ASCII.minus
        if !tokenIsTag && !marker && e > s {
            h.hostname = makeString(p, s, e)
            i = next
            (s, e, next) = token(p, i, end)
        }
        // TAG: prog[pid]: or prog:
        if e > s && p[e - 1] == ASCII.colon && e - s > 1 {
            var nameEnd = e - 1
            var pid: String?
            if p[nameEnd - 1] == 0x5D, let open = lastIndex(of: 0x5B, p, s, nameEnd) {
                pid = makeString(p, open + 1, nameEnd - 1)
                nameEnd = open
            }
            if nameEnd > s && isTagName(p, s, nameEnd) {
                h.appName = makeString(p, s, nameEnd)
                h.procID = pid
                i = next
            }
        }
        h.messageStart = i
    }

    static func lastIndex(of byte: UInt8, _ p: UnsafePointer<UInt8>, _ s: Int, _ e: Int) -> Int? {
        var k = e - 1
        while k >= s {
            if p[k] == byte { return k }
            k -= 1
        }
        return nil
    }

    static func isTagName(_ p: UnsafePointer<UInt8>, _ s: Int, _ e: Int) -> Bool {
        for k in s..<e {
            let b = p[k]
            let ok = (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
                || b == 0x5F || b == ASCII.minus || b == ASCII.dot || b == ASCII.slash
                || b == 0x28 || b == 0x29 || b == ASCII.equals || b == 0x40
            if !ok { return false }
        }
        return true
    }
}
