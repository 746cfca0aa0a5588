import Foundation
import TobanCore
import TobanStore

/// The `/` filter language: an AND of terms, each `key:value` (or `sig~text`), bare words
/// a signature substring.
///
///     cust:acme urg:P1..P2 sig~cobalt ip:10.0.0.0/8 status:new sensor:x age:<1h
///
/// Parsing never throws: it returns the filter and the first problem, so the prompt can
/// show the error while the analyst is still typing.
public struct FilterQuery: Equatable, Sendable {
    public var customers: Set<String> = []
    public var urgencies: ClosedRange<Urgency>?
    public var statuses: Set<DetectionStatus>?
    public var signature: String?
    public var address: AddressFilter?
    public var sensor: String?
    public var maxAge: TimeInterval?
    public var assignee: String?

    public init() {}

    /// The language, one term per line: what parses and what help shows come from here.
    public static let grammar: [(key: String, example: String, meaning: String)] = [
        ("cust", "cust:acme,beta", "customers, by id or display name"),
        ("urg", "urg:P1..P2", "one urgency or a range"),
        ("sig", "sig~cobalt  (or bare words)", "signature text contains"),
        ("ip", "ip:10.0.0.5  ip:10.0.0.0/8", "source, destination or endpoint address / network"),
        ("status", "status:new,ack,triage,escalated,closed,open,all", "detection status (open by default)"),
        ("sensor", "sensor:sensor-acme-01", "the sensor that saw it"),
        ("age", "age:<30m  age:<2h  age:<1d", "seen within"),
        ("assignee", "assignee:me  assignee:tanaka", "who has it"),
    ]

    public static let keys = grammar.map(\.key)

    /// Parses `text`. `customers` maps ids and display names (case-insensitive) to ids;
    /// when empty any customer id is accepted. `me` is what `assignee:me` means.
    public static func parse(_ text: String, customers: [String: String] = [:], me: String = "") -> (query: FilterQuery, error: String?) {
        var q = FilterQuery()
        var bare: [String] = []
        var firstError: String?
        func fail(_ message: String) { if firstError == nil { firstError = message } }
        for word in text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init) {
            if let tilde = word.firstIndex(of: "~"), word[..<tilde] == "sig" {
                let v = String(word[word.index(after: tilde)...])
                if v.isEmpty { fail("sig~ needs text") } else { q.signature = v }
                continue
            }
            guard let colon = word.firstIndex(of: ":") else { bare.append(word); continue }
            let key = word[..<colon].lowercased()
            let value = String(word[word.index(after: colon)...])
            guard Self.keys.contains(key) else { fail("unknown filter key \(key) (known: \(keys.joined(separator: ", ")))"); continue }
            if value.isEmpty { fail("\(key): needs a value"); continue }
            switch key {
            case "cust":
                for part in value.split(separator: ",").map(String.init) {
                    if customers.isEmpty { q.customers.insert(part); continue }
                    if let id = customers[part.lowercased()] { q.customers.insert(id) } else { fail("unknown customer \(part)") }
                }
            case "urg":
                if let r = parseUrgencies(value) { q.urgencies = r } else {
                    let bad = value.components(separatedBy: "..").first { Urgency(label: $0) == nil } ?? value
                    fail("unknown urgency \(bad.isEmpty ? value : bad)")
                }
            case "sig": q.signature = value
            case "ip":
                if let a = AddressFilter(value) { q.address = a } else { fail("not an address or network: \(value)") }
            case "status":
                var set = Set<DetectionStatus>()
                for part in value.split(separator: ",").map({ $0.lowercased() }) {
                    let name = part == "triage" ? "in_triage" : (part == "ack" ? "acknowledged" : part)
                    if let s = DetectionStatus(rawValue: name) { set.insert(s) } else if part == "open" {
                        set.formUnion(DetectionFilter.openStatuses)
                    } else if part == "all" {
                        set.formUnion(DetectionStatus.allCases)
                    } else { fail("unknown status \(part) (new, ack, triage, escalated, closed, open, all)") }
                }
                q.statuses = set
            case "sensor": q.sensor = value
            case "age":
                let v = value.hasPrefix("<") ? String(value.dropFirst()) : value
                if let d = parseDuration(v) { q.maxAge = d } else { fail("cannot read age \(value) (e.g. age:<30m, age:<2h, age:<1d)") }
            case "assignee": q.assignee = value == "me" ? me : value
            default: break
            }
        }
        if !bare.isEmpty { q.signature = ([q.signature].compactMap { $0 } + bare).joined(separator: " ") }
        return (q, firstError)
    }

    static func parseUrgencies(_ text: String) -> ClosedRange<Urgency>? {
        let parts = text.components(separatedBy: "..")
        guard parts.count <= 2, let a = Urgency(label: parts[0]) else { return nil }
        guard parts.count == 2 else { return a...a }
        guard let b = Urgency(label: parts[1]) else { return nil }
        return min(a, b)...max(a, b)
    }

    /// `30s`, `15m`, `2h`, `3d`.
    public static func parseDuration(_ text: String) -> TimeInterval? {
        guard let unit = text.last, let n = Double(text.dropLast()), n >= 0 else { return nil }
        switch unit {
        case "s": return n
        case "m": return n * 60
        case "h": return n * 3600
        case "d": return n * 86400
        default: return nil
        }
    }

    /// The store filter (open detections unless `status:` says otherwise).
    public func detectionFilter(now: Date, base: DetectionFilter = DetectionFilter()) -> DetectionFilter {
        var f = base
        if !customers.isEmpty { f.customers = customers }
        if let urgencies { f.urgencies = urgencies }
        if let statuses { f.statuses = statuses }
        if let signature { f.signature = signature }
        if let address { f.address = address }
        if let sensor { f.sensor = sensor }
        if let maxAge { f.seenSince = now.addingTimeInterval(-maxAge) }
        if let assignee { f.assignee = assignee }
        return f
    }
}
