/// A recurring planned-maintenance slot in the customer's time zone (the service terms
/// have a monthly one). Sensor silence inside it is expected, not a monitoring gap.
public struct MaintenanceWindow: Sendable, Equatable, CustomStringConvertible {
    public enum Recurrence: Sendable, Equatable {
        /// The given day of every month (a day past the month's end means its last day).
        case monthlyOnDay(Int)
        /// The nth (1–5, or -1 for last) given weekday of every month, e.g. the 3rd Wednesday.
        case monthlyOnWeekday(nth: Int, weekday: Weekday)
        case weekly(Weekday)
    }

    public var recurrence: Recurrence
    public var starts: TimeOfDay
    public var durationMinutes: Int

    public init(recurrence: Recurrence, starts: TimeOfDay, durationMinutes: Int) {
        self.recurrence = recurrence
        self.starts = starts
        self.durationMinutes = durationMinutes
    }

    public var description: String {
        let when: String
        switch recurrence {
        case .monthlyOnDay(let d): when = "monthly on day \(d)"
        case .monthlyOnWeekday(let n, let w): when = "monthly on the \(n == -1 ? "last" : "#\(n)") \(w)"
        case .weekly(let w): when = "weekly on \(w)"
        }
        return "\(when) at \(starts) for \(durationMinutes) min"
    }
}
