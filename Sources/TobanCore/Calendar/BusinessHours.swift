/// When a customer's contact desk answers: days of the week and a daily span in the
/// customer's own time zone. Holidays come from the customer's `HolidayCalendar`.
public struct BusinessHours: Sendable, Equatable, CustomStringConvertible {
    public var days: Set<Weekday>
    public var opens: TimeOfDay
    public var closes: TimeOfDay

    public init(days: Set<Weekday>, opens: TimeOfDay, closes: TimeOfDay) {
        self.days = days
        self.opens = opens
        self.closes = closes
    }

    /// The service terms' desk hours: weekdays 9:00–18:00.
    public static let weekdaysNineToSix = BusinessHours(days: Weekday.weekdays,
                                                        opens: TimeOfDay(hour: 9, minute: 0),
                                                        closes: TimeOfDay(hour: 18, minute: 0))

    public var description: String {
        let names = days.sorted().map(\.description).joined(separator: ",")
        return "\(names) \(opens)–\(closes)"
    }
}
