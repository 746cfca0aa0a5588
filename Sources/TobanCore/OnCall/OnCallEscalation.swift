/// How an unacknowledged escalation climbs the on-call layers: the settings only (the
/// ladder itself is walked elsewhere).
public struct OnCallEscalation: Sendable, Equatable {
    /// Where a page goes: mail to the analysts' addresses, or one of the SOC's own webhooks.
    public enum Channel: Sendable, Equatable, CustomStringConvertible {
        case mail
        /// The name of a webhook in `[notify] webhooks`.
        case webhook(String)

        public var description: String {
            switch self {
            case .mail: return "mail"
            case .webhook(let name): return name
            }
        }
    }

    public static let defaultLevels = ["analyst", "shift_lead", "manager"]

    /// Layer names, first paged first.
    public var levels: [String]
    /// Minutes a level has to acknowledge before the next one is paged.
    public var acknowledgeMinutes: Int
    /// An unconfirmed P1/P2 this many minutes before its notification deadline pages.
    public var deadlineLeadMinutes: Int
    /// How many times the whole ladder is walked before it stops.
    public var repeats: Int
    public var channel: Channel
    /// The ★★★ (P1) on-site response window, in days.
    public var onSiteWindowDays: Int

    public init(levels: [String] = OnCallEscalation.defaultLevels, acknowledgeMinutes: Int = 15, deadlineLeadMinutes: Int = 5,
                repeats: Int = 2, channel: Channel = .mail, onSiteWindowDays: Int = 30) {
        self.levels = levels
        self.acknowledgeMinutes = acknowledgeMinutes
        self.deadlineLeadMinutes = deadlineLeadMinutes
        self.repeats = repeats
        self.channel = channel
        self.onSiteWindowDays = onSiteWindowDays
    }
}
