/// What a piece of text *is*, not how it looks. Views only ever name roles; the theme
/// decides colours per terminal depth, so a view never hard-codes "red".
///
/// The raw value is the key used in theme files.
public enum StyleRole: String, CaseIterable, Hashable, Sendable {
    case text, muted, header, footer, title, border
    case selection, marked
    case newArrivals = "new_arrivals"
    case urgencyP1 = "urgency_p1", urgencyP2 = "urgency_p2", urgencyP3 = "urgency_p3"
    case urgencyP4 = "urgency_p4", urgencyP5 = "urgency_p5"
    case ok, warn, error, accent
    case statusNew = "status_new", statusAck = "status_ack"
    case statusEscalated = "status_escalated", statusClosed = "status_closed"
    case input
    case inputError = "input_error"
    /// Key names in the footer and help ("a ack").
    case keyHint = "key_hint"
    case sparkline

    /// The role for showing an urgency.
    public static func urgency(_ level: Int) -> StyleRole {
        switch level {
        case ...1: return .urgencyP1
        case 2: return .urgencyP2
        case 3: return .urgencyP3
        case 4: return .urgencyP4
        default: return .urgencyP5
        }
    }
}
