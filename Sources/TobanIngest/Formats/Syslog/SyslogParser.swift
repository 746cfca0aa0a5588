import TobanCore

/// Syslog lines: RFC 5424, RFC 3164 (with or without PRI; year and zone from `ParserOptions`),
/// rsyslog's ISO-timestamp 3164 variant, RFC 6587 octet-counted frames (`LEN SP MSG`) and
/// NUL-terminated frames. Lines carrying CEF are parsed as CEF detections; all others become
/// `.context(.other)` with host, program and message.
///
/// Continuation lines of multi-line messages (starting with a space or tab) return `.skip`;
/// joining them is the follower's job. Invalid UTF-8 and embedded NUL bytes are `.invalid`.
public struct SyslogParser: LineParser {
    public var options: ParserOptions

    public init(options: ParserOptions) {
        self.options = options
    }

    public mutating func parse(_ line: UnsafeBufferPointer<UInt8>) -> LineResult {
        guard let p = line.baseAddress else { return .skip }
        var n: Int
        switch LinePrecheck.check(p, line.count, options: options, what: "syslog message", skipIndented: true) {
        case .done(let result): return result
        case .proceed(let length): n = length
        }
        var start = 0
        // RFC 6587 octet counting: "LEN SP <PRI>..."; LEN must equal the frame length.
        if ASCII.isDigit(p[0]) {
            var k = 0
            var len = 0
            while k < n && k < 9 && ASCII.isDigit(p[k]) { len = len * 10 + Int(p[k] &- 0x30); k += 1 }
            if k < n - 1 && p[k] == ASCII.space && p[k + 1] == ASCII.lt {
                let frame = line.count - (k + 1)
                guard len == frame || len == n - (k + 1) else {
                    return .invalid(reason: "octet count \(len) does not match frame length \(frame)")
                }
                start = k + 1
            }
        }
        let body = p + start
        let count = n - start
        if let cef = CEFParser.findMarker(body, count) {
            return CEFParser.parseWithHeader(body, count, marker: cef, options: &options)
        }
        do {
            let h = try SyslogHeader.parse(body, count, options: &options)
            var e = ParsedEvent(kind: .context(.other), severity: h.severity)
            e.timestamp = h.timestamp
            e.sensor = h.hostname
            e.program = h.appName
            e.processID = h.procID
            e.customFields = h.structuredData
            if h.messageStart < count { e.message = makeString(body, h.messageStart, count) }
            return .event(e)
        } catch {
            return .invalid(reason: error.reason)
        }
    }
}
