import TobanCore

/// ArcSight CEF, bare (`CEF:0|Vendor|Product|Version|SignatureID|Name|Severity|Extension`) or
/// after an RFC 3164 / RFC 5424 syslog header. Every CEF record is a detection.
///
/// Header fields unescape `\|` and `\\`. Extension values run to the next ` key=`; they may hold
/// spaces and unescaped `|`, and unescape `\=`, `\\`, `\n`, `\r` (and `\|`). Severity is 0–10 or a
/// word (Low, Medium, High, Very-High, Unknown); the original text is kept in `vendorSeverity`.
/// Ports outside 0–65535 become nil. Invalid UTF-8 and NUL bytes make the line `.invalid`.
public struct CEFParser: LineParser {
    public var options: ParserOptions

    public init(options: ParserOptions) {
        self.options = options
    }

    public mutating func parse(_ line: UnsafeBufferPointer<UInt8>) -> LineResult {
        guard let p = line.baseAddress else { return .skip }
        let n: Int
        switch LinePrecheck.check(p, line.count, options: options, what: "CEF record") {
        case .done(let result): return result
        case .proceed(let length): n = length
        }
        guard let marker = CEFParser.findMarker(p, n) else { return .invalid(reason: "no CEF: header found") }
        return CEFParser.parseWithHeader(p, n, marker: marker, options: &options)
    }

    /// Index of `CEF:<digit>` within the first 2 KiB (where a syslog header can end), or nil.
    static func findMarker(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int? {
        let limit = min(n - 5, 2048)
        var i = 0
        while i <= limit {
            if p[i] == 0x43 && p[i + 1] == 0x45 && p[i + 2] == 0x46 && p[i + 3] == ASCII.colon && ASCII.isDigit(p[i + 4])
                && (i == 0 || p[i - 1] == ASCII.space) {
                return i
            }
            i += 1
        }
        return nil
    }

    /// Parses a line whose CEF record starts at `marker`; bytes before it are a syslog header.
    /// The record decides: a header that does not parse (a malformed PRI such as `<192>`,
    /// `<99999>` or `<>`, a relay's mangled envelope) is read without its PRI, else left
    /// out, and a valid record is kept; the line is invalid only when the record is.
    static func parseWithHeader(_ p: UnsafePointer<UInt8>, _ n: Int, marker: Int, options: inout ParserOptions) -> LineResult {
        do {
            var header: SyslogHeader?
            if marker > 0 { header = lenientHeader(p, marker - 1, options: &options) }
            var e = try parseRecord(p, marker, n, options: &options)
            if e.timestamp == nil { e.timestamp = header?.timestamp }
            if e.sensor == nil { e.sensor = header?.hostname }
            return .event(e)
        } catch {
            return .invalid(reason: error.reason)
        }
    }

    /// The syslog header before a CEF record, if it parses as it is or without a
    /// malformed `<…>` PRI; nil otherwise.
    static func lenientHeader(_ p: UnsafePointer<UInt8>, _ n: Int, options: inout ParserOptions) -> SyslogHeader? {
        if let header = try? SyslogHeader.parse(p, n, options: &options) { return header }
        guard n > 0, p[0] == ASCII.lt, let close = indexOf(ASCII.gt, p, from: 1, end: min(n, 12)) else { return nil }
        var start = close + 1
        while start < n && p[start] == ASCII.space { start += 1 }
        guard start < n else { return nil }
        return try? SyslogHeader.parse(p + start, n - start, options: &options)
    }

    /// Header-field unescape: `\|` → `|`, `\\` → `\`.
    static func headerText(_ p: UnsafePointer<UInt8>, _ s: Int, _ e: Int) -> String {
        if indexOf(ASCII.backslash, p, from: s, end: e) == nil { return makeString(p, s, e) }
        var out = [UInt8]()
        out.reserveCapacity(e - s)
        var i = s
        while i < e {
            if p[i] == ASCII.backslash && i + 1 < e && (p[i + 1] == ASCII.pipe || p[i + 1] == ASCII.backslash) {
                out.append(p[i + 1]); i += 2
            } else {
                out.append(p[i]); i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Extension-value unescape: `\=`, `\\`, `\|`, `\n`, `\r`; other backslashes are kept.
    static func valueText(_ p: UnsafePointer<UInt8>, _ s: Int, _ e: Int) -> String {
        if indexOf(ASCII.backslash, p, from: s, end: e) == nil { return makeString(p, s, e) }
        var out = [UInt8]()
        out.reserveCapacity(e - s)
        var i = s
        while i < e {
            if p[i] == ASCII.backslash && i + 1 < e {
                switch p[i + 1] {
                case ASCII.equals, ASCII.backslash, ASCII.pipe: out.append(p[i + 1]); i += 2; continue
                case 0x6E: out.append(ASCII.lf); i += 2; continue
                case 0x72: out.append(ASCII.cr); i += 2; continue
                default: break
                }
            }
            out.append(p[i]); i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func isKeyByte(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
            || b == 0x5F || b == ASCII.dot || b == 0x5B || b == 0x5D || b == ASCII.comma || b == ASCII.minus
    }

    static func parseRecord(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int, options: inout ParserOptions) throws(ParseError) -> ParsedEvent {
        // Seven header fields separated by unescaped pipes.
        var bounds: [(Int, Int)] = []
        bounds.reserveCapacity(7)
        var i = start + 4 // after "CEF:"
        var fieldStart = i
        while i < end && bounds.count < 7 {
            let b = p[i]
            if b == ASCII.backslash { i += 2; continue }
            if b == ASCII.pipe {
                bounds.append((fieldStart, i))
                fieldStart = i + 1
            }
            i += 1
        }
        guard bounds.count == 7 else {
            throw ParseError("CEF header has \(bounds.count) of 7 '|'-separated fields")
        }
        let extStart = min(fieldStart, end)
        guard let version = parseUInt64(p + bounds[0].0, bounds[0].1 - bounds[0].0), version <= 1 else {
            throw ParseError("unsupported CEF version")
        }
        var e = ParsedEvent(kind: .detection)
        let vendor = headerText(p, bounds[1].0, bounds[1].1)
        let product = headerText(p, bounds[2].0, bounds[2].1)
        e.program = vendor.isEmpty ? product : product.isEmpty ? vendor : vendor + " " + product
        let sid = headerText(p, bounds[4].0, bounds[4].1)
        e.signatureID = sid.isEmpty ? nil : sid
        let name = headerText(p, bounds[5].0, bounds[5].1)
        e.signature = name.isEmpty ? nil : name
        var ss = bounds[6].0, se = bounds[6].1
        while ss < se && p[ss] == ASCII.space { ss += 1 }
        while se > ss && p[se - 1] == ASCII.space { se -= 1 }
        if se > ss {
            e.vendorSeverity = headerText(p, ss, se)
            if let score = parseUInt64(p + ss, se - ss) {
                e.severity = score <= 10 ? Severity.fromCEF(score: Int(score)) : .critical
            } else {
                e.severity = e.vendorSeverity.flatMap { Severity(name: $0) } ?? .medium
            }
        } else {
            e.severity = .medium
        }
        try parseExtension(p, extStart, end, &e, options: &options)
        return e
    }

    /// A custom-field slot such as `cs1` (from `cs1`, `cs1Label`, `deviceCustomString1`, ...).
    struct Custom {
        var slot: String
        var value: String?
        var label: String?
    }

    static let customPrefixes: [(String, String)] = [
        ("deviceCustomString", "cs"), ("deviceCustomNumber", "cn"), ("deviceCustomFloatingPoint", "cfp"),
        ("deviceCustomIPv6Address", "c6a"), ("deviceCustomDate", "deviceCustomDate"),
        ("flexString", "flexString"), ("flexNumber", "flexNumber"), ("flexDate", "flexDate"),
        ("cs", "cs"), ("cn", "cn"), ("cfp", "cfp"), ("c6a", "c6a"),
    ]

    /// (slot, isLabel) for custom-field keys.
    static func customSlot(_ key: String) -> (String, Bool)? {
        for (prefix, short) in customPrefixes where key.hasPrefix(prefix) {
            var rest = key.dropFirst(prefix.count)
            var isLabel = false
            if rest.hasSuffix("Label") { rest = rest.dropLast(5); isLabel = true }
            guard !rest.isEmpty, rest.count <= 2, rest.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            return (short + rest, isLabel)
        }
        return nil
    }

    /// The event field an extension key sets.
    enum ExtensionField {
        case sourceIP, destinationIP, sourcePort, destinationPort, transport
        case sourceHostname, destinationHostname, sourceMAC, destinationMAC
        case url, userAgent, fileName, fileHash, message, action, category
        case receiptTime, startTime, sensor
    }

    typealias ExtensionEntry = (key: StaticString, field: ExtensionField)

    /// Extension keys, short and long forms. A key not listed here may still be a
    /// custom-field slot (`cs1`, `deviceCustomString1Label`, ...).
    static let extensionFields: [ExtensionEntry] = [
        ("src", .sourceIP), ("sourceAddress", .sourceIP),
        ("dst", .destinationIP), ("destinationAddress", .destinationIP),
        ("spt", .sourcePort), ("sourcePort", .sourcePort),
        ("dpt", .destinationPort), ("destinationPort", .destinationPort),
        ("proto", .transport), ("transportProtocol", .transport),
        ("shost", .sourceHostname), ("sourceHostName", .sourceHostname),
        ("dhost", .destinationHostname), ("destinationHostName", .destinationHostname),
        ("smac", .sourceMAC), ("sourceMacAddress", .sourceMAC),
        ("dmac", .destinationMAC), ("destinationMacAddress", .destinationMAC),
        ("request", .url), ("requestUrl", .url),
        ("requestClientApplication", .userAgent),
        ("fname", .fileName), ("fileName", .fileName), ("filename", .fileName),
        ("fileHash", .fileHash),
        ("msg", .message), ("message", .message),
        ("act", .action), ("deviceAction", .action),
        ("cat", .category), ("deviceEventCategory", .category),
        ("rt", .receiptTime), ("deviceReceiptTime", .receiptTime),
        ("start", .startTime), ("startTime", .startTime),
        ("dvchost", .sensor), ("deviceHostName", .sensor),
    ]

    /// `extensionFields` bucketed by key length, so a lookup compares bytes against only the
    /// few keys of the same length; this runs once per extension key on the ingest path.
    static let extensionFieldsByLength: [[ExtensionEntry]] = {
        let longest = extensionFields.map { $0.key.utf8CodeUnitCount }.max() ?? 0
        var buckets = [[ExtensionEntry]](repeating: [], count: longest + 1)
        for entry in extensionFields { buckets[entry.key.utf8CodeUnitCount].append(entry) }
        return buckets
    }()

    /// The field for the key bytes `[p, p + n)`, or nil; compares bytes, builds no String.
    @inline(__always)
    static func extensionField(_ p: UnsafePointer<UInt8>, _ n: Int) -> ExtensionField? {
        guard n < extensionFieldsByLength.count else { return nil }
        for entry in extensionFieldsByLength[n] where bytesEqual(p, n, entry.key) { return entry.field }
        return nil
    }

    static func parseExtension(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int, _ e: inout ParsedEvent,
                               options: inout ParserOptions) throws(ParseError) {
        var n = end
        while n > start && (p[n - 1] == ASCII.space || p[n - 1] == ASCII.tab) { n -= 1 }
        var s = start
        while s < n && p[s] == ASCII.space { s += 1 }
        // Pairs as (keyStart, keyEnd) — the value runs from keyEnd+1 to the next key's start.
        var keys: [(Int, Int)] = []
        var i = s
        var lastSpace = s - 1
        var lastEq = s - 1
        while i < n {
            let b = p[i]
            if b == ASCII.backslash { i += 2; continue }
            if b == ASCII.space { lastSpace = i }
            else if b == ASCII.equals {
                let ks = keys.isEmpty ? (lastSpace >= s ? lastSpace + 1 : s) : lastSpace + 1
                if ks > lastEq && ks < i && (keys.isEmpty ? ks == s : true) {
                    var valid = true
                    for k in ks..<i where !isKeyByte(p[k]) { valid = false; break }
                    if valid {
                        keys.append((ks, i))
                        lastEq = i
                        if keys.count > 4096 { throw ParseError("too many CEF extension fields") }
                    }
                }
            }
            i += 1
        }
        if keys.isEmpty && s < n { throw ParseError("CEF extension has no key=value pairs") }
        var customs: [Custom] = []
        var rt: String?
        var startTime: String?
        for (idx, (ks, ke)) in keys.enumerated() {
            let vs = ke + 1
            var ve = idx + 1 < keys.count ? keys[idx + 1].0 - 1 : n
            while ve > vs && p[ve - 1] == ASCII.space { ve -= 1 }
            let kp = p + ks
            let kn = ke - ks
            if ve <= vs { continue }
            let vp = p + vs
            let vn = ve - vs
            if let field = extensionField(kp, kn) {
                switch field {
                case .sourceIP: e.sourceIP = parseIP(vp, vn)
                case .destinationIP: e.destinationIP = parseIP(vp, vn)
                case .sourcePort: e.sourcePort = parsePort(vp, vn)
                case .destinationPort: e.destinationPort = parsePort(vp, vn)
                case .transport: e.transport = transportName(vp, vn)
                case .sourceHostname: e.sourceHostname = valueText(p, vs, ve)
                case .destinationHostname: e.destinationHostname = valueText(p, vs, ve)
                case .sourceMAC: e.sourceMAC = valueText(p, vs, ve)
                case .destinationMAC: e.destinationMAC = valueText(p, vs, ve)
                case .url: e.url = valueText(p, vs, ve)
                case .userAgent: e.userAgent = valueText(p, vs, ve)
                case .fileName: e.fileName = valueText(p, vs, ve)
                case .fileHash: e.fileHash = valueText(p, vs, ve)
                case .message: e.message = valueText(p, vs, ve)
                case .action: e.action = valueText(p, vs, ve)
                case .category: e.category = valueText(p, vs, ve)
                case .receiptTime: rt = valueText(p, vs, ve)
                case .startTime: startTime = valueText(p, vs, ve)
                case .sensor: e.sensor = valueText(p, vs, ve)
                }
            } else if p[ks] == 0x63 || p[ks] == 0x64 || p[ks] == 0x66 {
                // c…, d…, f…: custom-field slots
                let key = makeString(p, ks, ke)
                guard let (slot, isLabel) = customSlot(key) else { continue }
                let value = valueText(p, vs, ve)
                if let at = customs.firstIndex(where: { $0.slot == slot }) {
                    if isLabel { customs[at].label = value } else { customs[at].value = value }
                } else {
                    customs.append(Custom(slot: slot, value: isLabel ? nil : value, label: isLabel ? value : nil))
                }
            }
        }
        for c in customs {
            guard let v = c.value else { continue }
            e.customFields.append(CustomField(label: c.label ?? c.slot, value: v))
            // ArcSight convention: c6a2 / c6a3 are the source / destination IPv6 addresses.
            if c.slot == "c6a2" && e.sourceIP == nil { e.sourceIP = IPAddress(v) }
            if c.slot == "c6a3" && e.destinationIP == nil { e.destinationIP = IPAddress(v) }
        }
        for t in [rt, startTime] {
            guard e.timestamp == nil, var text = t else { continue }
            e.timestamp = text.withUTF8 { u -> Double? in
                var usedYear = false
                guard let base = u.baseAddress,
                      let t = Timestamps.cef(base, u.count, year: options.syslogYear, offset: 0, usedYear: &usedYear) else { return nil }
                return options.utc(fromWallClock: usedYear ? options.yearless(t) { Timestamps.cef(base, u.count, year: $0, offset: 0) } : t)
            }
        }
    }
}
