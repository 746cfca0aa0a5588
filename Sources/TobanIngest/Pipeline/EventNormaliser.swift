import Foundation
import TobanCore

/// Turns parsed events into the batch's rows: whose they are, which endpoint they
/// implicate, detections with a first urgency (the store refines it with corroboration),
/// context folded per endpoint and hour, sensor signs of life.
public struct EventNormaliser {
    public let directory: CustomerDirectory
    public let rules: UrgencyRules
    private var urgencies: UrgencyMemo

    public init(directory: CustomerDirectory, rules: UrgencyRules) {
        self.directory = directory
        self.rules = rules
        self.urgencies = UrgencyMemo(rules: rules)
    }

    /// Names the sensor of an event: the log's own name for it, else the source's
    /// configured one, else the file's name (Zeek TSV carries none).
    @inline(__always)
    static func sensorName(_ event: ParsedEvent, source: SourceSettings, path: String) -> String {
        if let s = event.sensor, !s.isEmpty { return s }
        if let s = source.sensor { return s }
        return "file:" + (path.split(separator: "/").last.map(String.init) ?? path)
    }

    public mutating func detection(from e: ParsedEvent, assignment: CustomerDirectory.Assignment, sensor: String, format: SourceFormat,
                          path: String, offset: Int64, raw: UnsafeBufferPointer<UInt8>, now: Date) -> Detection {
        let time = e.timestamp.map { Date(timeIntervalSince1970: $0) } ?? now
        let signatureID = e.signatureID ?? e.signature ?? "unknown"
        let customer = directory.customer(id: assignment.customerID)
        let asset = assignment.endpoint.flatMap { customer?.criticalAsset(for: $0) }
        let (urgency, explanation) = urgencies.evaluate(UrgencyInput(
            severity: e.severity, vendorSeverity: e.vendorSeverity ?? "", category: e.category ?? "",
            signatureID: signatureID, endpoint: assignment.endpoint, asset: asset))
        return Detection(
            customerID: assignment.customerID, sensor: sensor, sourceFormat: format,
            sourcePosition: SourcePosition(source: path, offset: offset), eventTime: time, ingestTime: now,
            signature: Signature(id: signatureID, name: e.signature ?? e.message ?? "(no signature)", category: e.category ?? ""),
            vendorSeverity: e.vendorSeverity ?? "", severity: e.severity, urgency: urgency, urgencyReason: explanation,
            sourceIP: e.sourceIP, sourcePort: e.sourcePort.map(Int.init), destinationIP: e.destinationIP,
            destinationPort: e.destinationPort.map(Int.init), transport: e.transport ?? "", endpoint: assignment.endpoint,
            evidence: Evidence(url: e.url, httpHost: e.httpHost, userAgent: e.userAgent, fileName: e.fileName, fileHash: e.fileHash,
                               dnsQuery: e.dnsQuery, tlsSNI: e.tlsSNI, mailFrom: e.mailFrom, mailTo: e.mailTo, mailSubject: e.mailSubject,
                               sourceMAC: e.sourceMAC, sourceHostname: e.sourceHostname, message: e.message,
                               claimedTime: e.claimedTime),
            raw: String(decoding: raw, as: UTF8.self))
    }

    /// A one-line example of what the endpoint did, for its timeline.
    public static func contextSample(_ e: ParsedEvent, kind: ContextKind, endpoint: IPAddress, time: Date) -> ContextSample {
        var text: [UInt8] = []
        writeSummary(e, kind: kind, endpoint: endpoint, to: &text)
        return ContextSample(time: time, kind: kind, peer: peer(e, endpoint: endpoint), summary: String(decoding: text, as: UTF8.self))
    }

    /// The other side of a context event, seen from the endpoint.
    @inline(__always)
    public static func peer(_ e: ParsedEvent, endpoint: IPAddress) -> IPAddress? {
        e.sourceIP == endpoint ? e.destinationIP : e.sourceIP
    }

    /// Appends the summary of `contextSample(_:kind:endpoint:time:)` to `text` as UTF-8:
    /// ingest writes it where the context bucket keeps it (`ContextExamples`), and nearly
    /// every context event of an hour is kept as an example.
    public static func writeSummary(_ e: ParsedEvent, kind: ContextKind, endpoint: IPAddress, to text: inout [UInt8]) {
        // Copied from each string's contiguous bytes: appending a `utf8` view goes byte by
        // byte through its iterator.
        func add(_ part: String) {
            part.withUTF8Bytes { text.append(contentsOf: $0) }
        }
        func add(_ label: String, _ value: String) { add(label); add(value) }
        let fromEndpoint = e.sourceIP == endpoint
        let peer = Self.peer(e, endpoint: endpoint)
        /// `prefix`, the peer and its port (the other side, seen from the endpoint).
        func addPeer(after prefix: String) {
            add(prefix)
            if let peer { peer.appendText(to: &text) } else { add("?") }
            if let port = fromEndpoint ? e.destinationPort : e.sourcePort {
                text.append(0x3A) // :
                DecimalDigits.append(UInt64(port), to: &text)
            }
        }
        switch kind {
        case .dns:
            add("dns ", e.dnsQuery ?? "?")
        case .http:
            add("http ", e.httpHost ?? peer?.description ?? "")
            add(e.url ?? "")
            if let agent = e.userAgent { add(" UA=", agent) }
        case .tls:
            add("tls sni=", e.tlsSNI ?? "-")
            addPeer(after: " → ")
        case .fileinfo:
            add("file ", e.fileName ?? "?")
            if let hash = e.fileHash { add(" ", hash) }
        case .smtp:
            add("smtp ", e.mailFrom ?? "?")
            add(" → ", e.mailTo ?? "?")
            if let subject = e.mailSubject { add(" «", subject); add("»") }
        case .ssh:
            addPeer(after: "ssh → ")
        case .flow, .conn:
            add(e.transport ?? "flow")
            addPeer(after: " → ")
        case .other:
            add(e.message ?? e.program ?? "event")
        }
    }
}
