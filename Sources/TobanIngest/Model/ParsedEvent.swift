import TobanCore

/// What a parsed record is, independent of the log format it came from.
public enum EventKind: Hashable, Sendable {
    /// Something a rule or script flagged: Suricata alert/anomaly, Zeek notice/weird, every CEF event.
    case detection
    /// Protocol metadata that helps an analyst judge a detection.
    case context(ContextKind)
    /// Sensor health: Suricata `stats`, Zeek `stats` / `capture_loss`.
    case health(HealthKind)
}

public enum HealthKind: String, Hashable, Sendable, CaseIterable {
    case stats, captureLoss
}

/// One record of any supported format, reduced to the fields the console uses.
/// Only values that are kept become Strings; everything else is skipped while scanning.
public struct ParsedEvent: Sendable, Equatable {
    public var kind: EventKind
    /// Seconds since 1970-01-01T00:00:00Z; nil when the record carries no usable time.
    public var timestamp: Double?
    /// The record's own time when ingest found it implausibly far in the future and dated
    /// the event at its arrival instead (ISO 8601, UTC).
    public var claimedTime: String?
    /// The sensor / device that produced the record (EVE `host`, syslog hostname, CEF dvchost, Zeek `_system_name`).
    public var sensor: String?

    public var sourceIP: IPAddress?
    public var destinationIP: IPAddress?
    public var sourcePort: UInt16?
    public var destinationPort: UInt16?
    /// Lower-case transport name: tcp, udp, icmp, ipv6-icmp, sctp, or a protocol number as text.
    public var transport: String?

    public var signatureID: String?
    public var signature: String?
    public var category: String?
    /// The vendor's severity exactly as written (`"1"`, `"Very-High"`, `"10"`).
    public var vendorSeverity: String?
    public var severity: Severity
    public var action: String?
    /// Suricata `flow_id` (decimal text) or Zeek `uid`. Numeric ids are kept as a number and
    /// only rendered as text when read, which saves an allocation per EVE line.
    public var flowID: String? {
        get { flowText ?? flowNumber.map { String($0) } }
        set { flowText = newValue; flowNumber = nil }
    }
    var flowText: String?
    var flowNumber: UInt64?

    // Evidence
    public var url: String?
    public var httpHost: String?
    public var userAgent: String?
    public var fileName: String?
    public var fileHash: String?
    public var dnsQuery: String?
    public var tlsSNI: String?
    // Fields most records lack live in a shared copy-on-write box, so the common event stays
    // small to move and cheap to create and destroy. They read and write like stored properties.
    var rare: RareFields?

    /// Suricata `alert.metadata.signature_severity` (first value), when present.
    public var signatureSeverity: String? {
        get { rare?.signatureSeverity ?? nil }
        set { if rare == nil && newValue == nil { return }; mutableRare().signatureSeverity = newValue }
    }
    public var mailFrom: String? {
        get { rare?.mailFrom ?? nil }
        set { if rare == nil && newValue == nil { return }; mutableRare().mailFrom = newValue }
    }
    public var mailTo: String? {
        get { rare?.mailTo ?? nil }
        set { if rare == nil && newValue == nil { return }; mutableRare().mailTo = newValue }
    }
    public var mailSubject: String? {
        get { rare?.mailSubject ?? nil }
        set { if rare == nil && newValue == nil { return }; mutableRare().mailSubject = newValue }
    }
    public var sourceMAC: String? {
        get { rare?.sourceMAC ?? nil }
        set { if rare == nil && newValue == nil { return }; mutableRare().sourceMAC = newValue }
    }
    public var destinationMAC: String? {
        get { rare?.destinationMAC ?? nil }
        set { if rare == nil && newValue == nil { return }; mutableRare().destinationMAC = newValue }
    }
    public var sourceHostname: String? {
        get { rare?.sourceHostname ?? nil }
        set { if rare == nil && newValue == nil { return }; mutableRare().sourceHostname = newValue }
    }
    public var destinationHostname: String? {
        get { rare?.destinationHostname ?? nil }
        set { if rare == nil && newValue == nil { return }; mutableRare().destinationHostname = newValue }
    }
    /// Zeek notice `msg`, CEF `msg`, syslog MSG part.
    public var message: String? {
        get { rare?.message ?? nil }
        set { if rare == nil && newValue == nil { return }; mutableRare().message = newValue }
    }
    /// Syslog APP-NAME / tag, or the CEF vendor and product ("Vendor Product").
    public var program: String? {
        get { rare?.program ?? nil }
        set { if rare == nil && newValue == nil { return }; mutableRare().program = newValue }
    }
    /// Syslog PROCID / `prog[pid]`.
    public var processID: String? {
        get { rare?.processID ?? nil }
        set { if rare == nil && newValue == nil { return }; mutableRare().processID = newValue }
    }
    /// CEF custom fields (`cs1Label=Rule cs1=x` → ("Rule", "x"); unlabelled ones under their key),
    /// and RFC 5424 structured-data parameters ("SD-ID.name"), in line order.
    public var customFields: [CustomField] {
        get { rare?.customFields ?? [] }
        set { if rare == nil && newValue.isEmpty { return }; mutableRare().customFields = newValue }
    }
    /// Packets seen by the capture (Suricata kernel_packets, Zeek stats pkts_link or pkts_proc).
    public var packets: UInt64? {
        get { rare?.packets ?? nil }
        set { if rare == nil && newValue == nil { return }; mutableRare().packets = newValue }
    }
    /// Packets dropped by the capture (Suricata kernel_drops, Zeek stats pkts_dropped).
    public var drops: UInt64? {
        get { rare?.drops ?? nil }
        set { if rare == nil && newValue == nil { return }; mutableRare().drops = newValue }
    }
    /// Zeek capture_loss percent_lost.
    public var captureLossPercent: Double? {
        get { rare?.captureLossPercent ?? nil }
        set { if rare == nil && newValue == nil { return }; mutableRare().captureLossPercent = newValue }
    }

    @inline(__always)
    mutating func mutableRare() -> RareFields {
        if let r = rare, isKnownUniquelyReferenced(&rare) { return r }
        let r = rare.map { $0.copy() } ?? RareFields()
        rare = r
        return r
    }

    public init(kind: EventKind, severity: Severity = .informational) {
        self.kind = kind
        self.severity = severity
    }

    public static func == (a: ParsedEvent, b: ParsedEvent) -> Bool {
        a.kind == b.kind && a.timestamp == b.timestamp && a.sensor == b.sensor
            && a.sourceIP == b.sourceIP && a.destinationIP == b.destinationIP
            && a.sourcePort == b.sourcePort && a.destinationPort == b.destinationPort && a.transport == b.transport
            && a.signatureID == b.signatureID && a.signature == b.signature && a.category == b.category
            && a.vendorSeverity == b.vendorSeverity && a.severity == b.severity && a.action == b.action
            && a.flowID == b.flowID && a.url == b.url && a.httpHost == b.httpHost && a.userAgent == b.userAgent
            && a.fileName == b.fileName && a.fileHash == b.fileHash && a.dnsQuery == b.dnsQuery && a.tlsSNI == b.tlsSNI
            && (a.rare ?? RareFields.empty) == (b.rare ?? RareFields.empty)
    }
}

public struct CustomField: Sendable, Equatable {
    public var label: String
    public var value: String
    public init(label: String, value: String) {
        self.label = label
        self.value = value
    }
}

/// Storage for the rarely present fields of `ParsedEvent`. Copy-on-write: `ParsedEvent` copies the
/// box before mutating it unless it holds the only reference, so a shared box is never mutated —
/// which is what makes the `@unchecked Sendable` sound.
final class RareFields: @unchecked Sendable, Equatable {
    var signatureSeverity: String?
    var mailFrom: String?
    var mailTo: String?
    var mailSubject: String?
    var sourceMAC: String?
    var destinationMAC: String?
    var sourceHostname: String?
    var destinationHostname: String?
    var message: String?
    var program: String?
    var processID: String?
    var customFields: [CustomField] = []
    var packets: UInt64?
    var drops: UInt64?
    var captureLossPercent: Double?

    static let empty = RareFields()

    func copy() -> RareFields {
        let c = RareFields()
        c.signatureSeverity = signatureSeverity
        c.mailFrom = mailFrom
        c.mailTo = mailTo
        c.mailSubject = mailSubject
        c.sourceMAC = sourceMAC
        c.destinationMAC = destinationMAC
        c.sourceHostname = sourceHostname
        c.destinationHostname = destinationHostname
        c.message = message
        c.program = program
        c.processID = processID
        c.customFields = customFields
        c.packets = packets
        c.drops = drops
        c.captureLossPercent = captureLossPercent
        return c
    }

    static func == (a: RareFields, b: RareFields) -> Bool {
        a.signatureSeverity == b.signatureSeverity && a.mailFrom == b.mailFrom && a.mailTo == b.mailTo && a.mailSubject == b.mailSubject && a.sourceMAC == b.sourceMAC && a.destinationMAC == b.destinationMAC && a.sourceHostname == b.sourceHostname && a.destinationHostname == b.destinationHostname && a.message == b.message && a.program == b.program && a.processID == b.processID && a.customFields == b.customFields && a.packets == b.packets && a.drops == b.drops && a.captureLossPercent == b.captureLossPercent
    }
}
