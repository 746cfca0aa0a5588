import Foundation
import TobanCore

/// The instant test data is built around (2026-09-21T14:13:20Z).
public let t0 = Date(timeIntervalSince1970: 1_790_000_000)

public func ip(_ text: String) -> IPAddress { IPAddress(text)! }

/// Two customers, as most tests need them: a Japanese display name and a plain one,
/// disjoint networks, one sensor each.
public let acme = Customer(id: "acme", displayName: "株式会社アクメ", networks: [try! CIDR(parsing: "10.0.0.0/8")], sensors: ["s1"])
public let beta = Customer(id: "beta", displayName: "Beta Corp", networks: [try! CIDR(parsing: "192.168.0.0/16")], sensors: ["b1"])

/// A signature and raw line written by an attacker: ESC sequences, a C1 CSI, a bidi override.
public let hostileSignature = "EVIL \u{1B}[2J\u{1B}]52;c;cm0gLXJmIC8=\u{07}clear \u{9B}31m txt.\u{202E}exe"

/// One Suricata alert as ingest would store it; every field a test may care about can be set.
public func makeDetection(customer: String = "acme", sensor: String = "s1", signature: String = "2010001", name: String = "ET POLICY test",
                          category: String = "", severity: Severity = .medium, src: String? = "10.0.0.5", srcPort: Int? = 49152,
                          dst: String? = "203.0.113.9", dstPort: Int? = 443, endpoint: String? = "10.0.0.5", at: Date = t0,
                          count: Int = 1, offset: Int64 = 0, evidence: Evidence = Evidence(), raw: String? = nil) -> Detection {
    Detection(customerID: customer, sensor: sensor, sourceFormat: .suricataEVE, sourcePosition: SourcePosition(source: "eve", offset: offset),
              eventTime: at, ingestTime: at, signature: Signature(id: signature, name: name, category: category),
              vendorSeverity: "2", severity: severity, sourceIP: src.map(ip), sourcePort: srcPort, destinationIP: dst.map(ip),
              destinationPort: dstPort, transport: "TCP", endpoint: endpoint.map(ip), evidence: evidence, count: count,
              raw: raw ?? "{\"alert\":\"\(name)\"}")
}

/// The vendor severity the default urgency rules turn into `urgency` before any context
/// raises or lowers it (a test that wants a P3 detection makes a medium one).
public func severity(for urgency: Urgency) -> Severity {
    UrgencyRules.default.base.first { $0.value == urgency }!.key
}

/// The header of a Zeek TSV notice.log, as Zeek writes it (the tests that resume a Zeek
/// file after its header need it).
public let zeekNoticeHeader = """
    #separator \\x09
    #set_separator\t,
    #empty_field\t(empty)
    #unset_field\t-
    #path\tnotice
    #fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tnote\tmsg
    #types\ttime\tstring\taddr\tport\taddr\tport\tenum\tenum\tstring

    """
