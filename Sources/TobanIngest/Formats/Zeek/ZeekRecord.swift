import TobanCore

/// The Zeek fields Toban keeps, shared by the TSV and JSON readers.
enum ZeekField: UInt8, Sendable {
    case ts, uid, origH, origP, respH, respP, proto
    case note, msg, src, dst, p
    case name, notice
    case query, host, uri, userAgent, serverName
    case filename, sha256, sha1, md5, mimeType
    case mailfrom, rcptto, subject
    case systemName, peer, pktsLink, pktsProc, pktsDropped, percentLost
    case path

    static func from(_ p: UnsafePointer<UInt8>, _ n: Int) -> ZeekField? {
        switch n {
        case 1: if bytesEqual(p, n, "p") { return .p }
        case 2: if bytesEqual(p, n, "ts") { return .ts }
        case 3:
            if bytesEqual(p, n, "uid") { return .uid }
            if bytesEqual(p, n, "msg") { return .msg }
            if bytesEqual(p, n, "src") { return .src }
            if bytesEqual(p, n, "dst") { return .dst }
            if bytesEqual(p, n, "uri") { return .uri }
            if bytesEqual(p, n, "md5") { return .md5 }
        case 4:
            if bytesEqual(p, n, "note") { return .note }
            if bytesEqual(p, n, "name") { return .name }
            if bytesEqual(p, n, "host") { return .host }
            if bytesEqual(p, n, "sha1") { return .sha1 }
            if bytesEqual(p, n, "peer") { return .peer }
        case 5:
            if bytesEqual(p, n, "proto") { return .proto }
            if bytesEqual(p, n, "query") { return .query }
            if bytesEqual(p, n, "_path") { return .path }
        case 6:
            if bytesEqual(p, n, "notice") { return .notice }
            if bytesEqual(p, n, "sha256") { return .sha256 }
            if bytesEqual(p, n, "rcptto") { return .rcptto }
        case 7:
            if bytesEqual(p, n, "subject") { return .subject }
        case 8:
            if bytesEqual(p, n, "filename") { return .filename }
            if bytesEqual(p, n, "mailfrom") { return .mailfrom }
        case 9:
            if bytesEqual(p, n, "id.orig_h") { return .origH }
            if bytesEqual(p, n, "id.orig_p") { return .origP }
            if bytesEqual(p, n, "id.resp_h") { return .respH }
            if bytesEqual(p, n, "id.resp_p") { return .respP }
            if bytesEqual(p, n, "mime_type") { return .mimeType }
            if bytesEqual(p, n, "pkts_link") { return .pktsLink }
            if bytesEqual(p, n, "pkts_proc") { return .pktsProc }
        case 10:
            if bytesEqual(p, n, "user_agent") { return .userAgent }
        case 11:
            if bytesEqual(p, n, "server_name") { return .serverName }
        case 12:
            if bytesEqual(p, n, "pkts_dropped") { return .pktsDropped }
            if bytesEqual(p, n, "percent_lost") { return .percentLost }
            if bytesEqual(p, n, "_system_name") { return .systemName }
        default: break
        }
        return nil
    }
}

/// Zeek log paths with a known mapping.
enum ZeekPath: Sendable, Equatable {
    case notice, weird, conn, dns, http, ssl, files, x509, smtp, ssh, stats, captureLoss, other

    init(name: String) {
        switch name {
        case "notice": self = .notice
        case "weird": self = .weird
        case "conn": self = .conn
        case "dns": self = .dns
        case "http": self = .http
        case "ssl": self = .ssl
        case "files": self = .files
        case "x509": self = .x509
        case "smtp": self = .smtp
        case "ssh": self = .ssh
        case "stats": self = .stats
        case "capture_loss": self = .captureLoss
        default: self = .other
        }
    }

    /// The log path from a file name: `conn.log`, `conn.2024-01-01-00-00-00.log.gz`,
    /// `test-conn.log` → conn. Nil when nothing known is recognisable.
    static func fromFileName(_ fileName: String) -> ZeekPath? {
        let base = fileName.split(separator: "/").last.map(String.init) ?? fileName
        let stem = base.split(separator: ".", maxSplits: 1).first.map(String.init) ?? base
        let direct = ZeekPath(name: stem)
        if direct != .other { return direct }
        if let last = stem.split(separator: "-").last {
            let p = ZeekPath(name: String(last))
            if p != .other { return p }
        }
        return nil
    }

    var kind: EventKind {
        switch self {
        case .notice, .weird: return .detection
        case .conn: return .context(.conn)
        case .dns: return .context(.dns)
        case .http: return .context(.http)
        case .ssl, .x509: return .context(.tls)
        case .files: return .context(.fileinfo)
        case .smtp: return .context(.smtp)
        case .ssh: return .context(.ssh)
        case .stats: return .health(.stats)
        case .captureLoss: return .health(.captureLoss)
        case .other: return .context(.other)
        }
    }
}

/// Accumulates one Zeek record's kept fields, then maps it to a `ParsedEvent`.
struct ZeekRecordBuilder {
    var e = ParsedEvent(kind: .context(.other))
    var pathName: String?
    var weirdNotice = false
    var noticeSrc: IPAddress?
    var noticeDst: IPAddress?
    var noticePort: UInt16?
    var md5: String?, sha1: String?, sha256: String?
    var pktsLink: UInt64?, pktsProc: UInt64?
    var sawNote = false, sawName = false, sawQuery = false

    /// Sets a field from its decoded value bytes (never empty or unset here).
    mutating func set(_ f: ZeekField, _ p: UnsafePointer<UInt8>, _ n: Int, options: ParserOptions) {
        @inline(__always) func text() -> String { makeString(p, 0, n) }
        switch f {
        case .ts:
            // Unparseable (e.g. btest-canonified `XXXXXXXXXX.XXXXXX`) leaves timestamp nil.
            e.timestamp = Timestamps.epochNumber(p, n) ?? options.iso8601(p, n)
        case .uid: e.flowID = text()
        case .origH: e.sourceIP = parseIP(p, n)
        case .respH: e.destinationIP = parseIP(p, n)
        case .origP: e.sourcePort = parsePort(p, n)
        case .respP: e.destinationPort = parsePort(p, n)
        case .proto: e.transport = transportName(p, n)
        case .note: e.signature = text(); sawNote = true
        case .msg: e.message = text()
        case .src: noticeSrc = parseIP(p, n)
        case .dst: noticeDst = parseIP(p, n)
        case .p: noticePort = parsePort(p, n)
        case .name: e.signature = text(); sawName = true
        case .notice: weirdNotice = n > 0 && (p[0] == 0x54 || p[0] == 0x74) // T / true
        case .query: e.dnsQuery = text(); sawQuery = true
        case .host: e.httpHost = text()
        case .uri: e.url = text()
        case .userAgent: e.userAgent = text()
        case .serverName: e.tlsSNI = text()
        case .filename: e.fileName = text()
        case .sha256: sha256 = text()
        case .sha1: sha1 = text()
        case .md5: md5 = text()
        case .mimeType: break
        case .mailfrom: e.mailFrom = text()
        case .rcptto: e.mailTo = text()
        case .subject: e.mailSubject = text()
        case .systemName: e.sensor = text()
        case .peer: break
        case .pktsLink: pktsLink = parseUInt64(p, n)
        case .pktsProc: pktsProc = parseUInt64(p, n)
        case .pktsDropped: e.drops = parseUInt64(p, n)
        case .percentLost: e.captureLossPercent = parseDecimal(p, n)
        case .path: pathName = text()
        }
    }

    /// Maps to the event. `defaultPath` comes from `#path` or the file name.
    mutating func finish(defaultPath: ZeekPath?) -> ParsedEvent {
        var path: ZeekPath
        if let name = pathName {
            path = ZeekPath(name: name)
        } else if let d = defaultPath {
            path = d
        } else {
            // No _path and no usable file name: infer from the fields present.
            path = sawNote ? .notice : sawName ? .weird : sawQuery ? .dns : .other
        }
        e.kind = path.kind
        if e.sourceIP == nil { e.sourceIP = noticeSrc }
        if e.destinationIP == nil { e.destinationIP = noticeDst }
        if e.destinationPort == nil { e.destinationPort = noticePort }
        if e.transport == "icmp" || e.transport == "ipv6-icmp" {
            // Zeek reuses the port columns for ICMP type/code; they are not ports.
            e.sourcePort = nil
            e.destinationPort = nil
        }
        e.fileHash = sha256 ?? sha1 ?? md5
        switch path {
        case .notice:
            e.signatureID = e.signature
            e.category = "notice"
            e.severity = .medium
        case .weird:
            e.category = "weird"
            e.severity = weirdNotice ? .low : .informational
        case .stats:
            e.packets = pktsLink ?? pktsProc
            e.signature = nil
        default:
            e.signature = nil
        }
        return e
    }
}
