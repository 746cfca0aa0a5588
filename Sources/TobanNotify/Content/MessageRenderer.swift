import Foundation
import TobanCore

/// Turns a notification's items into the words the customer reads: in the customer's
/// language and time zone, with the urgency and why, what was seen, and what to do now.
/// Log text enters only through `Sanitizer.sanitize`, so nothing in it can act in a terminal or
/// break a line the template expects to be one.
public struct MessageRenderer: Sendable {
    public let templates: MessageTemplates
    /// How customers reach the SOC.
    public let socContact: String

    public init(templates: MessageTemplates, socContact: String) {
        self.templates = templates
        self.socContact = socContact
    }

    public struct RenderError: Error, CustomStringConvertible {
        public var description: String
    }

    public func render(_ n: CustomerNotification, items: [NotificationItem], customer: Customer?) throws -> (subject: String, body: String) {
        let kind: NotificationKind = n.kind == .resolve ? .single : n.kind
        let name = "\(kind.rawValue).\(n.language.rawValue)"
        let view = Self.view(n, items: items, customer: customer, socContact: socContact)
        guard let out = templates.render(name, view) else { throw RenderError(description: "no template \(name)") }
        // A template override could still put a control character into the subject line.
        return (Sanitizer.sanitize(out.subject), out.body)
    }

    static func view(_ n: CustomerNotification, items: [NotificationItem], customer: Customer?, socContact: String) -> [String: Any] {
        let zone = customer?.timeZone ?? TimeZone(identifier: "Asia/Tokyo")!
        let ja = n.language == .ja
        let lead = items.min { ($0.urgency, $0.confirmedAt) < ($1.urgency, $1.confirmedAt) }
        let urgency = lead?.urgency ?? n.urgency
        var view: [String: Any] = [
            "customer": Sanitizer.sanitize(customer?.displayName ?? n.customerID),
            "stars": urgency.stars,
            "urgencyLabel": urgency.label,
            "urgencyName": ja ? urgency.japaneseName : urgency.englishName,
            "itemCount": items.count,
            "zone": zone.identifier,
            "slot": LocalTime.clock(n.dueAt, zone: zone),
            "date": LocalTime.date(n.dueAt, zone: zone),
            "actions": actions(for: urgency, ja: ja),
            "items": items.map { item(view: $0, zone: zone, ja: ja) },
        ]
        if let lead {
            view["leadEndpoint"] = Sanitizer.sanitize(lead.endpoint ?? "-")
            view["leadSignature"] = Sanitizer.sanitize(lead.signature)
        }
        if let incident = lead?.incidentID ?? items.compactMap(\.incidentID).first {
            let at = items.first { $0.incidentID == incident }?.confirmedAt ?? n.createdAt
            view["incidentLine"] = Incident.displayID(id: incident, createdAt: at)
        }
        if !socContact.isEmpty { view["socContact"] = Sanitizer.sanitize(socContact) }
        return view
    }

    static func item(view item: NotificationItem, zone: TimeZone, ja: Bool) -> [String: Any] {
        var v: [String: Any] = [
            "urgencyLabel": item.urgency.label + (ja ? " " + item.urgency.japaneseName : " " + item.urgency.englishName),
            "signature": Sanitizer.sanitize(item.signature.isEmpty ? item.signatureID : item.signature),
            "endpoint": Sanitizer.sanitize(item.endpoint ?? "-"),
            "category": Sanitizer.sanitize(item.category.isEmpty ? "-" : item.category),
            "count": item.count,
            "firstSeen": LocalTime.timestamp(item.firstSeen, zone: zone),
            "lastSeen": LocalTime.timestamp(item.lastSeen, zone: zone),
            "evidence": item.evidence.map(Sanitizer.sanitize),
            "reason": Sanitizer.sanitize(item.urgencyReason.isEmpty ? item.urgency.label : item.urgencyReason),
        ]
        if let h = item.hostname, !h.isEmpty { v["hostname"] = Sanitizer.sanitize(h) }
        if let note = item.note, !note.isEmpty { v["note"] = Sanitizer.sanitize(note) }
        if let id = item.incidentID { v["incident"] = Incident.displayID(id: id, createdAt: item.confirmedAt) }
        return v
    }

    /// What the customer should do now, by urgency.
    static func actions(for urgency: Urgency, ja: Bool) -> [String] {
        switch (urgency, ja) {
        case (.p1, true), (.p2, true):
            return ["該当端末をネットワークから隔離してください（LAN ケーブルを抜く、無線を切る）。電源は切らないでください。",
                    "最新の定義ファイルでフルスキャンを実施してください。",
                    "上記の通信先（ドメイン・IP）への通信をファイアウォール／プロキシで遮断してください。",
                    "対応の状況を SOC までご連絡ください。"]
        case (.p1, false), (.p2, false):
            return ["Isolate the endpoint from the network (unplug it, turn off Wi-Fi); do not power it off.",
                    "Run a full scan with current definitions.",
                    "Block the destinations above (domains, addresses) at the firewall or proxy.",
                    "Tell the SOC what you did."]
        case (_, true):
            return ["該当端末の利用者に心当たりがないかご確認ください。",
                    "最新の定義ファイルでフルスキャンを実施してください。"]
        case (_, false):
            return ["Check with the endpoint's user whether the activity is expected.",
                    "Run a full scan with current definitions."]
        }
    }
}

/// Times as the customer reads them: in its zone, 24-hour.
enum LocalTime {
    static func parts(_ date: Date, zone: TimeZone) -> DateComponents {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
    }

    static func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }

    static func timestamp(_ date: Date, zone: TimeZone) -> String {
        let c = parts(date, zone: zone)
        return "\(c.year!)-\(two(c.month!))-\(two(c.day!)) \(two(c.hour!)):\(two(c.minute!)):\(two(c.second!))"
    }

    static func clock(_ date: Date, zone: TimeZone) -> String {
        let c = parts(date, zone: zone)
        return "\(two(c.hour!)):\(two(c.minute!))"
    }

    static func date(_ date: Date, zone: TimeZone) -> String {
        let c = parts(date, zone: zone)
        return "\(c.year!)-\(two(c.month!))-\(two(c.day!))"
    }
}
