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
    /// Suricata `alert.metadata.signature_severity` (first value), when present.
    public var signatureSeverity: String?
    public var severity: Severity
    public var action: String?
    /// Suricata `flow_id` (decimal text) or Zeek `uid`.
    public var flowID: String?

    // Evidence
    public var url: String?
    public var httpHost: String?
    public var userAgent: String?
    public var fileName: String?
    public var fileHash: String?
    public var dnsQuery: String?
    public var tlsSNI: String?
    public var mailFrom: String?
    public var mailTo: String?
    public var mailSubject: String?
    public var sourceMAC: String?
    public var destinationMAC: String?
    public var sourceHostname: String?
    public var destinationHostname: String?
    /// Zeek notice `msg`, CEF `msg`, syslog MSG part.
    public var message: String?
    /// Syslog APP-NAME / tag, or the CEF vendor and product ("Vendor Product").
    public var program: String?
    /// Syslog PROCID / `prog[pid]`.
    public var processID: String?

    /// CEF custom fields (`cs1Label=Rule cs1=x` → ("Rule", "x"); unlabelled ones under their key),
    /// and RFC 5424 structured-data parameters ("SD-ID.name"), in line order.
    public var customFields: [CustomField]

    // Health
    /// Packets seen by the capture (Suricata kernel_packets, Zeek stats pkts_link or pkts_proc).
    public var packets: UInt64?
    /// Packets dropped by the capture (Suricata kernel_drops, Zeek stats pkts_dropped).
    public var drops: UInt64?
    /// Zeek capture_loss percent_lost.
    public var captureLossPercent: Double?

    public init(kind: EventKind, severity: Severity = .informational) {
        self.kind = kind
        self.severity = severity
        self.customFields = []
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
