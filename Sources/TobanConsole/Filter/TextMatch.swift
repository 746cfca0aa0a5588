import TobanCore

/// The `/` of lists that have no query language of their own: every word must appear,
/// in any case, in one of the row's fields.
public enum TextMatch {
    public static func matches(_ query: String, _ fields: [String]) -> Bool {
        let words = query.lowercased().split(separator: " ")
        guard !words.isEmpty else { return true }
        let haystack = fields.map { $0.lowercased() }
        return words.allSatisfy { w in haystack.contains { $0.contains(w) } }
    }

    static func endpointFields(_ e: Endpoint, names: [String: String]) -> [String] {
        [e.customerID, names[e.customerID] ?? "", e.address.description, e.hostname ?? "", e.status.rawValue, e.status.japaneseName]
    }

    static func notificationFields(_ n: CustomerNotification, names: [String: String]) -> [String] {
        [n.customerID, names[n.customerID] ?? "", n.recipients.joined(separator: " "), n.subject, n.state.rawValue, n.kind.rawValue, n.target]
    }
}
