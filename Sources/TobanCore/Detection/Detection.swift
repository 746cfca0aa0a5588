import Foundation

/// One thing a sensor flagged, normalised across formats. Repeats of the same
/// (customer, sensor, signature, source, destination) within the aggregation window
/// do not make new detections: `count` and `lastSeen` grow instead.
public struct Detection: Sendable, Equatable, Identifiable {
    /// Assigned by the store (monotonic, never reused); 0 before the detection is stored.
    public var id: Int64
    public var customerID: String
    public var sensor: String
    public var sourceFormat: SourceFormat
    /// Where the first occurrence was read: the source's name and the byte offset of its line.
    public var sourcePosition: SourcePosition
    public var eventTime: Date
    public var ingestTime: Date
    public var signature: Signature
    /// The vendor's own severity text ("1", "High", "7"); `severity` is the normalised scale.
    public var vendorSeverity: String
    public var severity: Severity
    public var urgency: Urgency
    /// "P1 because …" — why `urgency` is what it is, for the detail view and mails.
    public var urgencyReason: String
    public var sourceIP: IPAddress?
    public var sourcePort: Int?
    public var destinationIP: IPAddress?
    public var destinationPort: Int?
    public var transport: String
    /// The customer's internal host this detection implicates (被疑端末 candidate).
    public var endpoint: IPAddress?
    public var evidence: Evidence
    public var count: Int
    public var firstSeen: Date
    public var lastSeen: Date
    public var status: DetectionStatus
    public var disposition: Disposition?
    public var assignee: String?
    /// The line as read (attacker-controlled: sanitize before display).
    public var raw: String

    public init(
        id: Int64 = 0, customerID: String, sensor: String, sourceFormat: SourceFormat,
        sourcePosition: SourcePosition, eventTime: Date, ingestTime: Date, signature: Signature,
        vendorSeverity: String, severity: Severity, urgency: Urgency = .p5, urgencyReason: String = "",
        sourceIP: IPAddress? = nil, sourcePort: Int? = nil, destinationIP: IPAddress? = nil,
        destinationPort: Int? = nil, transport: String = "", endpoint: IPAddress? = nil,
        evidence: Evidence = Evidence(), count: Int = 1, firstSeen: Date? = nil, lastSeen: Date? = nil,
        status: DetectionStatus = .new, disposition: Disposition? = nil, assignee: String? = nil, raw: String = ""
    ) {
        self.id = id
        self.customerID = customerID
        self.sensor = sensor
        self.sourceFormat = sourceFormat
        self.sourcePosition = sourcePosition
        self.eventTime = eventTime
        self.ingestTime = ingestTime
        self.signature = signature
        self.vendorSeverity = vendorSeverity
        self.severity = severity
        self.urgency = urgency
        self.urgencyReason = urgencyReason
        self.sourceIP = sourceIP
        self.sourcePort = sourcePort
        self.destinationIP = destinationIP
        self.destinationPort = destinationPort
        self.transport = transport
        self.endpoint = endpoint
        self.evidence = evidence
        self.count = count
        self.firstSeen = firstSeen ?? eventTime
        self.lastSeen = lastSeen ?? eventTime
        self.status = status
        self.disposition = disposition
        self.assignee = assignee
        self.raw = raw
    }

    /// The identity repeats aggregate on.
    public var aggregationKey: AggregationKey {
        AggregationKey(customerID: customerID, sensor: sensor, signatureID: signature.id,
                       sourceIP: sourceIP, destinationIP: destinationIP)
    }
}

public struct AggregationKey: Hashable, Sendable {
    public var customerID: String
    public var sensor: String
    public var signatureID: String
    public var sourceIP: IPAddress?
    public var destinationIP: IPAddress?

    public init(customerID: String, sensor: String, signatureID: String, sourceIP: IPAddress?, destinationIP: IPAddress?) {
        self.customerID = customerID
        self.sensor = sensor
        self.signatureID = signatureID
        self.sourceIP = sourceIP
        self.destinationIP = destinationIP
    }

    /// A stable text form, stored with each detection (`customer|sensor|signature|src|dst`,
    /// `-` for a missing address). Built by concatenation: ingest makes one per detection.
    public var text: String {
        Self.text(customerID: customerID, sensor: sensor, signatureID: signatureID,
                  source: sourceIP?.description, destination: destinationIP?.description)
    }

    /// `text` from the addresses' text, for a caller that has it already.
    public static func text(customerID: String, sensor: String, signatureID: String, source: String?, destination: String?) -> String {
        let source = source ?? "-", destination = destination ?? "-"
        var out = ""
        out.reserveCapacity(customerID.utf8.count + sensor.utf8.count + signatureID.utf8.count
                            + source.utf8.count + destination.utf8.count + 4)
        out += customerID
        out += "|"
        out += sensor
        out += "|"
        out += signatureID
        out += "|"
        out += source
        out += "|"
        out += destination
        return out
    }
}

public struct SourcePosition: Sendable, Equatable, Hashable {
    public var source: String
    public var offset: Int64
    public init(source: String, offset: Int64) {
        self.source = source
        self.offset = offset
    }
}

public struct Signature: Sendable, Equatable, Hashable {
    public var id: String
    public var name: String
    public var category: String
    public init(id: String, name: String, category: String = "") {
        self.id = id
        self.name = name
        self.category = category
    }
}

/// What the detection points at, where the format carried it.
public struct Evidence: Sendable, Equatable, Hashable {
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
    public var sourceHostname: String?
    public var message: String?
    /// The event's own time when it lay implausibly far in the future (ISO 8601 as the log
    /// gave it, parsed): the detection is dated at its arrival instead.
    public var claimedTime: String?

    public init(url: String? = nil, httpHost: String? = nil, userAgent: String? = nil, fileName: String? = nil,
                fileHash: String? = nil, dnsQuery: String? = nil, tlsSNI: String? = nil, mailFrom: String? = nil,
                mailTo: String? = nil, mailSubject: String? = nil, sourceMAC: String? = nil,
                sourceHostname: String? = nil, message: String? = nil, claimedTime: String? = nil) {
        self.claimedTime = claimedTime
        self.url = url
        self.httpHost = httpHost
        self.userAgent = userAgent
        self.fileName = fileName
        self.fileHash = fileHash
        self.dnsQuery = dnsQuery
        self.tlsSNI = tlsSNI
        self.mailFrom = mailFrom
        self.mailTo = mailTo
        self.mailSubject = mailSubject
        self.sourceMAC = sourceMAC
        self.sourceHostname = sourceHostname
        self.message = message
    }

    /// The present fields as (name, value) pairs in a fixed order, for display and storage.
    public var fields: [(String, String)] {
        let all: [(String, String?)] = [
            ("url", url), ("http_host", httpHost), ("user_agent", userAgent), ("file_name", fileName),
            ("file_hash", fileHash), ("dns_query", dnsQuery), ("tls_sni", tlsSNI), ("mail_from", mailFrom),
            ("mail_to", mailTo), ("mail_subject", mailSubject), ("src_mac", sourceMAC),
            ("src_hostname", sourceHostname), ("message", message), ("claimed_time", claimedTime),
        ]
        return all.compactMap { name, value in value.map { (name, $0) } }
    }

    public init(fields: [String: String]) {
        self.init(url: fields["url"], httpHost: fields["http_host"], userAgent: fields["user_agent"],
                  fileName: fields["file_name"], fileHash: fields["file_hash"], dnsQuery: fields["dns_query"],
                  tlsSNI: fields["tls_sni"], mailFrom: fields["mail_from"], mailTo: fields["mail_to"],
                  mailSubject: fields["mail_subject"], sourceMAC: fields["src_mac"],
                  sourceHostname: fields["src_hostname"], message: fields["message"],
                  claimedTime: fields["claimed_time"])
    }
}
