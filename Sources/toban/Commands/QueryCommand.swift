import ArgumentParser
import Foundation
import TobanCore
import TobanStore

/// `toban query detections|endpoints|incidents|notifications` — reads the store and prints
/// an aligned table, or JSON Lines with stable field names (`--json`). Rows are streamed in
/// keyset-paginated pages; nothing is loaded whole.
struct QueryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Print detections, endpoints, incidents or notifications as a table or JSON Lines.",
        discussion: """
        Detections come in queue order (urgency, then latest activity); endpoints by risk; incidents and \
        notifications newest first. Without --status every status is listed.
        """)

    enum Kind: String, ExpressibleByArgument, CaseIterable {
        case detections, endpoints, incidents, notifications
    }

    @Argument(help: ArgumentHelp("What to list: detections, endpoints, incidents or notifications."))
    var kind: Kind

    @OptionGroup var options: StoreOptions

    @Flag(name: .long, help: "JSON Lines (one object per line) instead of a table.")
    var json = false

    @Option(name: .long, help: ArgumentHelp("Only this customer id (repeat or comma-separate for several).", valueName: "id"))
    var customer: [String] = []

    @Option(name: .long, help: ArgumentHelp("Urgency P1…P5, or a range such as P1..P2.", valueName: "P1|P1..P2"))
    var urgency: String?

    @Option(name: .long, help: ArgumentHelp("Only this status (repeat or comma-separate for several).", valueName: "status"))
    var status: [String] = []

    @Option(name: .long, help: ArgumentHelp("At most this many rows.", valueName: "n"))
    var limit: Int?

    static let pageSize = 500

    var customers: Set<String> {
        Set(customer.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
    }

    var statusWords: [String] {
        status.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { !$0.isEmpty }
    }

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be a positive number, not \(limit)") }
        if urgency != nil && kind == .endpoints { throw ValidationError("--urgency does not apply to endpoints (they are ranked by risk)") }
        _ = try urgencyRange()
        switch kind {
        case .detections: _ = try Self.parse(statusWords, as: DetectionStatus.self)
        case .endpoints: _ = try Self.parse(statusWords, as: EndpointStatus.self)
        case .incidents: _ = try Self.parse(statusWords, as: IncidentState.self)
        case .notifications: _ = try Self.parse(statusWords, as: NotificationState.self)
        }
    }

    /// "P2" → P2…P2; "P1..P3" → P1…P3.
    func urgencyRange() throws -> ClosedRange<Urgency>? {
        guard let text = urgency?.trimmingCharacters(in: .whitespaces) else { return nil }
        let parts = text.components(separatedBy: "..")
        guard parts.count <= 2, let low = Urgency(label: parts[0]), let high = parts.count == 2 ? Urgency(label: parts[1]) : low else {
            throw ValidationError("--urgency '\(text)' is not an urgency (P1 … P5) or a range like P1..P2")
        }
        guard low <= high else { throw ValidationError("--urgency '\(text)': the range must go from the more urgent to the less urgent (e.g. P1..P3)") }
        return low ... high
    }

    static func parse<S: RawRepresentable & CaseIterable & Hashable>(_ words: [String], as: S.Type) throws -> Set<S> where S.RawValue == String {
        var out = Set<S>()
        for w in words {
            guard let s = S(rawValue: w) ?? S(rawValue: w.replacingOccurrences(of: "-", with: "_")) else {
                throw ValidationError("--status '\(w)' is not one of: \(S.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            out.insert(s)
        }
        return out
    }

    func run() throws {
        let loaded = try options.loadConfiguration()
        let path = options.storePath(configuration: loaded?.configuration)
        guard FileManager.default.fileExists(atPath: path) else {
            throw ValidationError("no store at \(path) (give --store, $TOBAN_STORE or store.path in the configuration)")
        }
        let store = try TobanStore(readingAt: path)
        defer { try? store.close() }
        var output = QueryOutput(json: json, kind: kind)
        let maximum = limit ?? Int.max
        switch kind {
        case .detections: try listDetections(store, &output, maximum)
        case .endpoints: try listEndpoints(store, &output, maximum)
        case .incidents: try listIncidents(store, &output, maximum)
        case .notifications: try listNotifications(store, &output, maximum)
        }
        output.finish()
    }

    private func listDetections(_ store: TobanStore, _ output: inout QueryOutput, _ maximum: Int) throws {
        let statuses = try Self.parse(statusWords, as: DetectionStatus.self)
        let filter = DetectionFilter(customers: customers, urgencies: try urgencyRange(),
                                     statuses: statuses.isEmpty ? Set(DetectionStatus.allCases) : statuses)
        try Self.stream(into: &output, maximum: maximum, fields: QueryFields.detection, cursor: QueueCursor.init) {
            try store.detections(filter, after: $0, limit: $1)
        }
    }

    private func listEndpoints(_ store: TobanStore, _ output: inout QueryOutput, _ maximum: Int) throws {
        let filter = EndpointFilter(customers: customers, statuses: try Self.parse(statusWords, as: EndpointStatus.self))
        try Self.stream(into: &output, maximum: maximum, fields: QueryFields.endpoint, cursor: EndpointCursor.init) {
            try store.endpoints(filter, after: $0, limit: $1)
        }
    }

    private func listIncidents(_ store: TobanStore, _ output: inout QueryOutput, _ maximum: Int) throws {
        let filter = IncidentFilter(customers: customers, states: try Self.parse(statusWords, as: IncidentState.self), urgencies: try urgencyRange())
        try Self.stream(into: &output, maximum: maximum, fields: QueryFields.incident, cursor: \.id) {
            try store.incidents(filter, before: $0, limit: $1)
        }
    }

    private func listNotifications(_ store: TobanStore, _ output: inout QueryOutput, _ maximum: Int) throws {
        let filter = NotificationFilter(customers: customers, states: try Self.parse(statusWords, as: NotificationState.self),
                                        urgencies: try urgencyRange())
        try Self.stream(into: &output, maximum: maximum, fields: QueryFields.notification, cursor: \.id) {
            try store.notifications(filter, before: $0, limit: $1)
        }
    }

    /// Keyset pagination for every kind: fetch a page after `cursor`, print it, continue from
    /// its last row, until `maximum` rows or an empty page. Never loads the whole table.
    private static func stream<Item, Cursor>(into output: inout QueryOutput, maximum: Int,
                                             fields: (Item) -> [(String, QueryValue)], cursor next: (Item) -> Cursor,
                                             fetch: (Cursor?, Int) throws -> [Item]) throws {
        var cursor: Cursor?
        var printed = 0
        while printed < maximum {
            let page = try fetch(cursor, min(pageSize, maximum - printed))
            for item in page { output.emit(fields(item)) }
            printed += page.count
            guard let last = page.last else { break }
            cursor = next(last)
        }
    }
}


/// One output value.
enum QueryValue {
    case text(String?)
    case int(Int64?)
    case number(Double?)
    case list([QueryValue])

    var json: String {
        switch self {
        case .text(let s): return s.map(JSONText.quote) ?? "null"
        case .int(let i): return i.map { "\($0)" } ?? "null"
        case .number(let d): return d.map { $0.isFinite ? "\($0)" : "null" } ?? "null"
        case .list(let items): return "[" + items.map(\.json).joined(separator: ",") + "]"
        }
    }

    /// For the table: log text is attacker-controlled, so it goes through the console's
    /// sanitizer (C0/C1 controls, escape sequences, bidi overrides become visible placeholders).
    var cell: String {
        switch self {
        case .text(let s): return Sanitizer.sanitize(s ?? "-")
        case .int(let i): return i.map { "\($0)" } ?? "-"
        case .number(let d): return d.map { String(format: "%.1f", $0) } ?? "-"
        case .list(let items): return items.map(\.cell).joined(separator: ",")
        }
    }
}

/// The stable field names of each kind, in output order.
enum QueryFields {
    /// ISO 8601 UTC with milliseconds ("2026-09-21T12:53:23.123Z"), from the stored milliseconds.
    static func iso(_ date: Date?) -> QueryValue {
        .text(date.map { date in
            // Proleptic Gregorian, from whole milliseconds: printed exactly as stored.
            UTCTimestamp.iso8601(milliseconds: Int64((date.timeIntervalSince1970 * 1000).rounded()))
        })
    }
    static func int(_ value: Int?) -> QueryValue { .int(value.map(Int64.init)) }

    static func detection(_ d: Detection) -> [(String, QueryValue)] {
        [("id", .int(d.id)), ("customer", .text(d.customerID)), ("sensor", .text(d.sensor)), ("signature", .text(d.signature.name)),
         ("signature_id", .text(d.signature.id)), ("category", .text(d.signature.category)), ("severity", .text(d.severity.description)),
         ("urgency", .text(d.urgency.description)), ("src_ip", .text(d.sourceIP?.description)), ("src_port", int(d.sourcePort)),
         ("dest_ip", .text(d.destinationIP?.description)), ("dest_port", int(d.destinationPort)), ("proto", .text(d.transport)),
         ("endpoint", .text(d.endpoint?.description)), ("count", int(d.count)), ("first_seen", iso(d.firstSeen)),
         ("last_seen", iso(d.lastSeen)), ("status", .text(d.status.rawValue)), ("disposition", .text(d.disposition?.rawValue)),
         ("assignee", .text(d.assignee))]
    }

    static func endpoint(_ e: Endpoint) -> [(String, QueryValue)] {
        [("customer", .text(e.customerID)), ("ip", .text(e.address.description)), ("hostname", .text(e.hostname)), ("mac", .text(e.mac)),
         ("risk_score", .number(e.riskScore)), ("status", .text(e.status.rawValue)), ("first_seen", iso(e.firstSeen)),
         ("last_seen", iso(e.lastSeen)), ("detections", int(e.detectionCount)), ("distinct_signatures", int(e.distinctSignatures))]
    }

    static func incident(_ i: Incident) -> [(String, QueryValue)] {
        [("id", .int(i.id)), ("customer", .text(i.customerID)), ("title", .text(i.title)), ("urgency", .text(i.urgency.description)),
         ("state", .text(i.state.rawValue)), ("outcome", .text(i.outcome?.rawValue)), ("owner", .text(i.owner)),
         ("escalated_to", .text(i.escalatedTo)), ("acknowledge_by", iso(i.acknowledgeBy)),
         ("detection_ids", .list(i.detectionIDs.map { .int($0) })), ("endpoints", .list(i.endpoints.map { .text($0.description) })),
         ("created_at", iso(i.createdAt)), ("updated_at", iso(i.updatedAt))]
    }

    /// Subject and body are left out: message contents are read in the console by those handling them.
    static func notification(_ n: CustomerNotification) -> [(String, QueryValue)] {
        [("id", .int(n.id)), ("customer", .text(n.customerID)), ("incident_id", .int(n.incidentID)), ("urgency", .text(n.urgency.description)),
         ("state", .text(n.state.rawValue)), ("channel", .text(n.channel.rawValue)), ("recipients", .list(n.recipients.map { .text($0) })),
         ("language", .text(n.language.rawValue)), ("due_at", iso(n.dueAt)), ("sent_at", iso(n.sentAt)), ("attempts", int(n.attempts)),
         ("last_error", .text(n.lastError)), ("created_at", iso(n.createdAt))]
    }

    /// Table columns: (field, header, width); the last column is not padded.
    static func columns(_ kind: QueryCommand.Kind) -> [(String, String, Int)] {
        switch kind {
        case .detections:
            return [("id", "ID", 8), ("urgency", "URG", 4), ("customer", "CUSTOMER", 12), ("status", "STATUS", 12), ("count", "COUNT", 6),
                    ("last_seen", "LAST SEEN", 25), ("src_ip", "SOURCE", 16), ("dest_ip", "DESTINATION", 16), ("endpoint", "ENDPOINT", 16),
                    ("assignee", "ASSIGNEE", 10), ("signature", "SIGNATURE", 0)]
        case .endpoints:
            return [("risk_score", "RISK", 8), ("customer", "CUSTOMER", 12), ("ip", "IP", 16), ("status", "STATUS", 10),
                    ("detections", "DETS", 6), ("distinct_signatures", "SIGS", 5), ("last_seen", "LAST SEEN", 25), ("hostname", "HOSTNAME", 0)]
        case .incidents:
            return [("id", "ID", 6), ("urgency", "URG", 4), ("customer", "CUSTOMER", 12), ("state", "STATE", 18), ("owner", "OWNER", 10),
                    ("updated_at", "UPDATED", 25), ("title", "TITLE", 0)]
        case .notifications:
            return [("id", "ID", 6), ("urgency", "URG", 4), ("customer", "CUSTOMER", 12), ("state", "STATE", 10), ("channel", "CHANNEL", 8),
                    ("attempts", "TRIES", 6), ("due_at", "DUE", 25), ("recipients", "RECIPIENTS", 0)]
        }
    }
}

/// Writes rows to stdout as JSON Lines or table lines, buffered.
struct QueryOutput {
    let json: Bool
    let columns: [(String, String, Int)]
    private var buffer = ""
    private var headerDone = false

    init(json: Bool, kind: QueryCommand.Kind) {
        self.json = json
        self.columns = QueryFields.columns(kind)
    }

    mutating func emit(_ fields: [(String, QueryValue)]) {
        if json {
            buffer += "{" + fields.map { JSONText.quote($0.0) + ":" + $0.1.json }.joined(separator: ",") + "}\n"
        } else {
            if !headerDone {
                buffer += line(columns.map { $0.1 })
                headerDone = true
            }
            let byName = Dictionary(fields.map { ($0.0, $0.1) }, uniquingKeysWith: { a, _ in a })
            buffer += line(columns.map { byName[$0.0]?.cell ?? "-" })
        }
        if buffer.utf8.count > 64 * 1024 { flush() }
    }

    private func line(_ cells: [String]) -> String {
        var out = ""
        for (i, cell) in cells.enumerated() {
            let width = columns[i].2
            if width == 0 || i == cells.count - 1 { out += cell; break }
            let text = cell.count > width - 1 ? String(cell.prefix(width - 2)) + "…" : cell
            out += text + String(repeating: " ", count: max(1, width - text.count))
        }
        return out + "\n"
    }

    mutating func flush() {
        FileHandle.standardOutput.write(Data(buffer.utf8))
        buffer = ""
    }

    mutating func finish() {
        if !json && !headerDone { buffer += line(columns.map { $0.1 }) }
        flush()
    }
}
