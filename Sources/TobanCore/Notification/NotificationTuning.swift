/// The knobs of storm control and deadlines, with the service's defaults. Set in `[notify]`
/// for every customer and per customer in `notify_options`; what a customer leaves out
/// comes from `[notify]`, then from here.
public struct NotificationTuning: Sendable, Equatable {
    /// Items of one customer confirmed within this many seconds of a message's first item
    /// go out with it (Alertmanager's group interval), per urgency.
    public var groupSeconds: [Urgency: Int]
    /// For urgencies `groupSeconds` does not name.
    public var defaultGroupSeconds: Int
    /// A customer gets at most this many messages an hour per channel; beyond it, items wait
    /// for the next message the cap allows (never dropped).
    public var maxMessagesPerHour: Int
    /// How long after a detection arrived an `immediate` notification is due at the latest.
    public var immediateDeadlineMinutes: Int

    public init(groupSeconds: [Urgency: Int] = [.p1: 60], defaultGroupSeconds: Int = 120, maxMessagesPerHour: Int = 10,
                immediateDeadlineMinutes: Int = 15) {
        self.groupSeconds = groupSeconds
        self.defaultGroupSeconds = defaultGroupSeconds
        self.maxMessagesPerHour = maxMessagesPerHour
        self.immediateDeadlineMinutes = immediateDeadlineMinutes
    }

    public static let standard = NotificationTuning()

    public func groupWindow(for urgency: Urgency) -> Double {
        Double(groupSeconds[urgency] ?? defaultGroupSeconds)
    }

    /// `override`'s values where it sets them, these elsewhere.
    public func overridden(by override: NotificationTuningOverride?) -> NotificationTuning {
        guard let o = override else { return self }
        var t = self
        for (u, s) in o.groupSeconds { t.groupSeconds[u] = s }
        if let v = o.defaultGroupSeconds { t.defaultGroupSeconds = v }
        if let v = o.maxMessagesPerHour { t.maxMessagesPerHour = v }
        if let v = o.immediateDeadlineMinutes { t.immediateDeadlineMinutes = v }
        return t
    }
}

/// What a customer's `notify_options` changes of the `[notify]` tuning.
public struct NotificationTuningOverride: Sendable, Equatable {
    public var groupSeconds: [Urgency: Int] = [:]
    public var defaultGroupSeconds: Int?
    public var maxMessagesPerHour: Int?
    public var immediateDeadlineMinutes: Int?
    public init() {}
}
