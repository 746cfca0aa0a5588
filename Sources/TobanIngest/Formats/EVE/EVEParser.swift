import TobanCore

/// Suricata EVE JSON (one object per line).
///
/// `alert` and `anomaly` are detections; flow/dns/http/tls/fileinfo/smtp/ssh are context;
/// `stats` is health; any other `event_type` is `.context(.other)`. Only the keys the
/// console needs are materialised; everything else is validated and skipped.
public struct EVEParser: LineParser {
    public var options: ParserOptions
    var timeCache = Timestamps.Cache()
    /// Signature names and categories, which repeat alert after alert.
    var names = StringInterner()

    public init(options: ParserOptions) {
        self.options = options
    }

    public mutating func parse(_ line: UnsafeBufferPointer<UInt8>) -> LineResult {
        guard let base = line.baseAddress, !isBlank(line) else { return .skip }
        if line.count > options.maxLineLength {
            return .invalid(reason: "line too long (\(line.count) bytes, limit \(options.maxLineLength))")
        }
        var s = JSONScanner(base, count: line.count)
        var e = ParsedEvent(kind: .context(.other))
        do {
            try EVEParser.parseObject(&s, into: &e, options: options, cache: &timeCache, names: &names)
            return .event(e)
        } catch {
            return .invalid(reason: error.reason)
        }
    }

    enum EventType {
        case alert, anomaly, stats, flow, dns, http, tls, fileinfo, smtp, ssh, other, missing
    }

    static func eventType(_ p: UnsafePointer<UInt8>, _ n: Int) -> EventType {
        switch n {
        case 3: if bytesEqual(p, n, "dns") { return .dns }; if bytesEqual(p, n, "tls") { return .tls }; if bytesEqual(p, n, "ssh") { return .ssh }
        case 4: if bytesEqual(p, n, "flow") { return .flow }; if bytesEqual(p, n, "http") { return .http }; if bytesEqual(p, n, "smtp") { return .smtp }
        case 5: if bytesEqual(p, n, "alert") { return .alert }; if bytesEqual(p, n, "stats") { return .stats }
        case 7: if bytesEqual(p, n, "anomaly") { return .anomaly }
        case 8: if bytesEqual(p, n, "fileinfo") { return .fileinfo }
        default: break
        }
        return .other
    }

    static func parseObject(_ s: inout JSONScanner, into e: inout ParsedEvent, options: ParserOptions,
                            cache: inout Timestamps.Cache, names: inout StringInterner) throws(ParseError) {
        var type = EventType.missing
        var alertSeverity: UInt64?
        var anomalyType: String?
        var anomalyEvent: String?
        var tsText: JSONScanner.Str?

        try s.beginObject()
        var first = true
        while let key = try s.nextKey(&first) {
            let k: Key
            if key.escaped {
                // Rare: compare the decoded name.
                let name = Array(s.decode(key).utf8)
                k = name.withUnsafeBufferPointer { u in
                    guard let b = u.baseAddress else { return .other }
                    var w: UInt64 = 0
                    for i in 0..<min(u.count, 8) { w |= UInt64(b[i]) << UInt64(8 * i) }
                    return EVEParser.key(b, u.count, w)
                }
            } else {
                k = EVEParser.key(s.base + key.start, key.count, s.firstWord(key))
            }
            switch k {
            case .timestamp: tsText = try s.readString()
            case .eventType:
                if let v = try s.readString() { type = s.withBytes(v) { eventType($0, $1) } }
            case .host:
                if let v = try s.readString() { e.sensor = s.text(v) }
            case .srcIp:
                if let v = try s.readString() { e.sourceIP = s.withBytes(v) { parseIP($0, $1) } }
            case .destIp:
                if let v = try s.readString() { e.destinationIP = s.withBytes(v) { parseIP($0, $1) } }
            case .srcPort: e.sourcePort = try readPort(&s)
            case .destPort: e.destinationPort = try readPort(&s)
            case .proto:
                if let v = try s.readString() { e.transport = s.withBytes(v) { transportName($0, $1) } }
            case .flowId:
                if let num = try s.readNumber() {
                    if num.isInteger, let v = parseUInt64(s.base + num.start, num.count) {
                        e.flowNumber = v
                    } else {
                        e.flowID = num.isInteger ? makeString(s.base, num.start, num.start + num.count) : nil
                    }
                }
            case .alert: try parseAlert(&s, &e, &alertSeverity, &names)
            case .anomaly: try parseAnomaly(&s, &anomalyType, &anomalyEvent)
            case .http: try parseHTTP(&s, &e)
            case .dns: try parseDNS(&s, &e)
            case .tls: try parseTLS(&s, &e)
            case .fileinfo: try parseFileinfo(&s, &e)
            case .smtp: try parseSMTP(&s, &e)
            case .email: try parseEmail(&s, &e)
            case .ether: try parseEther(&s, &e)
            case .stats: try parseStats(&s, &e)
            case .other: try s.skipValue()
            }
        }

        try s.finish()
        if let ts = tsText {
            // Unparseable times leave `timestamp` nil (the follower stamps arrival time); the alert is kept.
            if ts.escaped {
                e.timestamp = s.withBytes(ts) { options.iso8601($0, $1) }
            } else {
                e.timestamp = options.iso8601(s.base + ts.start, ts.count, cache: &cache)
            }
        }

        switch type {
        case .missing:
            throw ParseError("EVE record without event_type")
        case .alert:
            e.kind = .detection
            e.vendorSeverity = alertSeverity.map { String($0) }
            e.severity = Severity.fromSuricata(priority: alertSeverity.map { Int(clamping: $0) } ?? 3)
        case .anomaly:
            e.kind = .detection
            e.signature = anomalyEvent ?? anomalyType
            e.category = anomalyType.map { "anomaly: " + $0 } ?? "anomaly"
            e.severity = .low
        case .stats: e.kind = .health(.stats)
        case .flow: e.kind = .context(.flow)
        case .dns: e.kind = .context(.dns)
        case .http: e.kind = .context(.http)
        case .tls: e.kind = .context(.tls)
        case .fileinfo: e.kind = .context(.fileinfo)
        case .smtp: e.kind = .context(.smtp)
        case .ssh: e.kind = .context(.ssh)
        case .other: e.kind = .context(.other)
        }
    }

    @inline(__always)
    static func readPort(_ s: inout JSONScanner) throws(ParseError) -> UInt16? {
        guard let v = try s.readUInt64(), v <= 65535 else { return nil }
        return UInt16(v)
    }

    @inline(__always)
    static func string(_ s: inout JSONScanner) throws(ParseError) -> String? {
        guard let v = try s.readString() else { return nil }
        return s.text(v)
    }

    /// A string that recurs line after line (`StringInterner`); nil as `string` gives it.
    @inline(__always)
    static func name(_ s: inout JSONScanner, _ names: inout StringInterner) throws(ParseError) -> String? {
        guard let v = try s.readString(), v.count > 0 else { return nil }
        if v.escaped { return s.decode(v) }
        return names.string(UnsafeBufferPointer(start: s.base + v.start, count: v.count))
    }

    static func parseAlert(_ s: inout JSONScanner, _ e: inout ParsedEvent, _ severity: inout UInt64?,
                           _ names: inout StringInterner) throws(ParseError) {
        guard s.peek() == 0x7B else { return try s.skipValue() }
        try s.beginObject()
        var first = true
        while let key = try s.nextKey(&first) {
            if s.keyIs(key, "signature") {
                e.signature = try name(&s, &names)
            } else if s.keyIs(key, "signature_id") {
                if let num = try s.readNumber() { e.signatureID = makeString(s.base, num.start, num.start + num.count) }
            } else if s.keyIs(key, "category") {
                e.category = try name(&s, &names)
            } else if s.keyIs(key, "severity") {
                severity = try s.readUInt64()
            } else if s.keyIs(key, "action") {
                e.action = try string(&s)
            } else if s.keyIs(key, "metadata") {
                try parseMetadata(&s, &e)
            } else {
                try s.skipValue()
            }
        }
    }

    static func parseMetadata(_ s: inout JSONScanner, _ e: inout ParsedEvent) throws(ParseError) {
        guard s.peek() == 0x7B else { return try s.skipValue() }
        try s.beginObject()
        var first = true
        while let key = try s.nextKey(&first) {
            if s.keyIs(key, "signature_severity") {
                e.signatureSeverity = try firstString(&s)
            } else {
                try s.skipValue()
            }
        }
    }

    /// First string of an array of strings (or a plain string).
    static func firstString(_ s: inout JSONScanner) throws(ParseError) -> String? {
        guard s.peek() == 0x5B else { return try string(&s) }
        try s.beginArray()
        var first = true
        var result: String?
        while try s.nextElement(&first) {
            if result == nil, let v = try s.readString() { result = s.text(v) } else { try s.skipValue() }
        }
        return result
    }

    /// All strings of an array joined with ", " (or a plain string).
    static func joinedStrings(_ s: inout JSONScanner) throws(ParseError) -> String? {
        guard s.peek() == 0x5B else { return try string(&s) }
        try s.beginArray()
        var first = true
        var result: String?
        while try s.nextElement(&first) {
            if let v = try s.readString(), let t = s.text(v) { result = result.map { $0 + ", " + t } ?? t }
        }
        return result
    }

    static func parseHTTP(_ s: inout JSONScanner, _ e: inout ParsedEvent) throws(ParseError) {
        guard s.peek() == 0x7B else { return try s.skipValue() }
        try s.beginObject()
        var first = true
        while let key = try s.nextKey(&first) {
            if s.keyIs(key, "hostname") {
                e.httpHost = try string(&s)
            } else if s.keyIs(key, "url") {
                e.url = try string(&s)
            } else if s.keyIs(key, "http_user_agent") {
                e.userAgent = try string(&s)
            } else {
                try s.skipValue()
            }
        }
    }

    static func parseDNS(_ s: inout JSONScanner, _ e: inout ParsedEvent) throws(ParseError) {
        guard s.peek() == 0x7B else { return try s.skipValue() }
        try s.beginObject()
        var first = true
        while let key = try s.nextKey(&first) {
            if s.keyIs(key, "rrname") {
                let name = try string(&s)
                if e.dnsQuery == nil { e.dnsQuery = name }
            } else if s.keyIs(key, "queries") {
                // DNS v2 (Suricata 7+): queries[] of {rrname, rrtype}; the first query wins.
                guard s.peek() == 0x5B else { try s.skipValue(); continue }
                try s.beginArray()
                var f = true
                while try s.nextElement(&f) {
                    guard s.peek() == 0x7B else { try s.skipValue(); continue }
                    try s.beginObject()
                    var fk = true
                    while let qk = try s.nextKey(&fk) {
                        if s.keyIs(qk, "rrname"), e.dnsQuery == nil {
                            e.dnsQuery = try string(&s)
                        } else {
                            try s.skipValue()
                        }
                    }
                }
            } else {
                try s.skipValue()
            }
        }
    }

    static func parseTLS(_ s: inout JSONScanner, _ e: inout ParsedEvent) throws(ParseError) {
        guard s.peek() == 0x7B else { return try s.skipValue() }
        try s.beginObject()
        var first = true
        while let key = try s.nextKey(&first) {
            if s.keyIs(key, "sni") { e.tlsSNI = try string(&s) } else { try s.skipValue() }
        }
    }

    static func parseFileinfo(_ s: inout JSONScanner, _ e: inout ParsedEvent) throws(ParseError) {
        guard s.peek() == 0x7B else { return try s.skipValue() }
        try s.beginObject()
        var first = true
        var md5: String?, sha1: String?, sha256: String?
        while let key = try s.nextKey(&first) {
            if s.keyIs(key, "filename") {
                e.fileName = try string(&s)
            } else if s.keyIs(key, "sha256") {
                sha256 = try string(&s)
            } else if s.keyIs(key, "sha1") {
                sha1 = try string(&s)
            } else if s.keyIs(key, "md5") {
                md5 = try string(&s)
            } else {
                try s.skipValue()
            }
        }
        if let h = sha256 ?? sha1 ?? md5 { e.fileHash = h }
    }

    static func parseSMTP(_ s: inout JSONScanner, _ e: inout ParsedEvent) throws(ParseError) {
        guard s.peek() == 0x7B else { return try s.skipValue() }
        try s.beginObject()
        var first = true
        while let key = try s.nextKey(&first) {
            if s.keyIs(key, "mail_from") {
                let v = try string(&s)
                if e.mailFrom == nil { e.mailFrom = v }
            } else if s.keyIs(key, "rcpt_to") {
                let v = try joinedStrings(&s)
                if e.mailTo == nil { e.mailTo = v }
            } else {
                try s.skipValue()
            }
        }
    }

    static func parseEmail(_ s: inout JSONScanner, _ e: inout ParsedEvent) throws(ParseError) {
        guard s.peek() == 0x7B else { return try s.skipValue() }
        try s.beginObject()
        var first = true
        while let key = try s.nextKey(&first) {
            if s.keyIs(key, "subject") {
                e.mailSubject = try string(&s)
            } else if s.keyIs(key, "from"), e.mailFrom == nil {
                e.mailFrom = try string(&s)
            } else if s.keyIs(key, "to"), e.mailTo == nil {
                e.mailTo = try joinedStrings(&s)
            } else {
                try s.skipValue()
            }
        }
    }

    static func parseEther(_ s: inout JSONScanner, _ e: inout ParsedEvent) throws(ParseError) {
        guard s.peek() == 0x7B else { return try s.skipValue() }
        try s.beginObject()
        var first = true
        while let key = try s.nextKey(&first) {
            if s.keyIs(key, "src_mac") { e.sourceMAC = try string(&s) } else { try s.skipValue() }
        }
    }

    static func parseAnomaly(_ s: inout JSONScanner, _ type: inout String?, _ event: inout String?) throws(ParseError) {
        guard s.peek() == 0x7B else { return try s.skipValue() }
        try s.beginObject()
        var first = true
        while let key = try s.nextKey(&first) {
            if s.keyIs(key, "type") {
                type = try string(&s)
            } else if s.keyIs(key, "event") {
                event = try string(&s)
            } else {
                try s.skipValue()
            }
        }
    }

    static func parseStats(_ s: inout JSONScanner, _ e: inout ParsedEvent) throws(ParseError) {
        guard s.peek() == 0x7B else { return try s.skipValue() }
        try s.beginObject()
        var first = true
        while let key = try s.nextKey(&first) {
            guard s.keyIs(key, "capture"), s.peek() == 0x7B else { try s.skipValue(); continue }
            try s.beginObject()
            var f = true
            while let ck = try s.nextKey(&f) {
                if s.keyIs(ck, "kernel_packets") {
                    e.packets = try s.readUInt64()
                } else if s.keyIs(ck, "kernel_drops") {
                    e.drops = try s.readUInt64()
                } else {
                    try s.skipValue()
                }
            }
        }
    }
}

/// True for an empty or whitespace-only line.
func isBlank(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
    for b in line where !(b == ASCII.space || b == ASCII.tab || b == ASCII.cr) { return false }
    return true
}
