import Foundation

/// Calendar math in a customer's own time zone: business hours, the next opening of the
/// contact desk, digest slots, maintenance windows. Pure: every "now" is passed in.
/// Works in any IANA zone, including ones with daylight saving time and half-hour offsets.
public struct CustomerCalendar: Sendable {
    public let timeZone: TimeZone
    public let businessHours: BusinessHours
    public let holidays: HolidayCalendar
    public let maintenanceWindows: [MaintenanceWindow]
    private let calendar: Calendar

    public init(timeZone: TimeZone, businessHours: BusinessHours, holidays: HolidayCalendar,
                maintenanceWindows: [MaintenanceWindow] = []) {
        self.timeZone = timeZone
        self.businessHours = businessHours
        self.holidays = holidays
        self.maintenanceWindows = maintenanceWindows
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = timeZone
        self.calendar = cal
    }

    public init(customer: Customer) {
        self.init(timeZone: customer.timeZone, businessHours: customer.businessHours,
                  holidays: customer.holidays, maintenanceWindows: customer.maintenanceWindows)
    }

    // MARK: Local dates

    public func localDate(of instant: Date) -> LocalDate {
        let c = calendar.dateComponents([.year, .month, .day], from: instant)
        return LocalDate(year: c.year!, month: c.month!, day: c.day!)
    }

    public func weekday(of date: LocalDate) -> Weekday {
        Weekday(rawValue: calendar.component(.weekday, from: noon(of: date)))!
    }

    /// The instant a wall-clock time happens on a local date. In a spring-forward gap the
    /// clock time does not exist; Foundation moves it forward, which is what a desk would do.
    public func instant(_ date: LocalDate, _ time: TimeOfDay) -> Date {
        var c = DateComponents()
        c.year = date.year
        c.month = date.month
        c.day = date.day
        c.hour = time.hour == 24 ? 0 : time.hour
        c.minute = time.minute
        let base = calendar.date(from: c)!
        return time.hour == 24 ? calendar.date(byAdding: .day, value: 1, to: base)! : base
    }

    func noon(of date: LocalDate) -> Date { instant(date, TimeOfDay(hour: 12, minute: 0)) }

    func adding(days: Int, to date: LocalDate) -> LocalDate {
        localDate(of: calendar.date(byAdding: .day, value: days, to: noon(of: date))!)
    }

    // MARK: Business hours

    public func isBusinessDay(_ date: LocalDate) -> Bool {
        businessHours.days.contains(weekday(of: date)) && !holidays.isHoliday(date)
    }

    /// Whether the customer's contact desk is open at `instant`.
    public func isWithinBusinessHours(_ instant: Date) -> Bool {
        let day = localDate(of: instant)
        guard isBusinessDay(day) else { return false }
        return instant >= self.instant(day, businessHours.opens) && instant < self.instant(day, businessHours.closes)
    }

    /// The first desk opening strictly after `instant` ("next business day 09:00", or today's
    /// 09:00 when it is still early). Looks ahead up to 60 days (Golden Week, year-end).
    public func nextBusinessOpening(after instant: Date) -> Date? {
        var day = localDate(of: instant)
        for _ in 0..<60 {
            if isBusinessDay(day) {
                let opening = self.instant(day, businessHours.opens)
                if opening > instant { return opening }
            }
            day = adding(days: 1, to: day)
        }
        return nil
    }

    /// `instant` itself when the desk is open, else its next opening.
    public func nextBusinessTime(from instant: Date) -> Date? {
        isWithinBusinessHours(instant) ? instant : nextBusinessOpening(after: instant)
    }

    // MARK: Digest slots

    /// The first instant strictly after `instant` whose local minute-of-hour is one of
    /// `minutes` (e.g. [0, 30] for :00/:30 digests), with seconds zero. Local, because a
    /// customer in a +05:30 or +05:45 zone expects its own :00, not UTC's.
    public func nextSlot(after instant: Date, minutes: [Int]) -> Date? {
        let wanted = Set(minutes.filter { (0..<60).contains($0) })
        guard !wanted.isEmpty else { return nil }
        let wholeMinute = (instant.timeIntervalSince1970 / 60).rounded(.down) * 60
        var candidate = Date(timeIntervalSince1970: wholeMinute + 60)
        for _ in 0..<(2 * 60 + 1) {
            if wanted.contains(calendar.component(.minute, from: candidate)) { return candidate }
            candidate = candidate.addingTimeInterval(60)
        }
        return nil
    }

    // MARK: Maintenance

    /// The maintenance window covering `instant`, if any.
    public func maintenanceWindow(at instant: Date) -> MaintenanceWindow? {
        let today = localDate(of: instant)
        for window in maintenanceWindows {
            let spanDays = window.durationMinutes / (24 * 60) + 1
            for back in 0...spanDays {
                let day = adding(days: -back, to: today)
                guard occurs(window.recurrence, on: day) else { continue }
                let start = self.instant(day, window.starts)
                let end = start.addingTimeInterval(TimeInterval(window.durationMinutes * 60))
                if instant >= start && instant < end { return window }
            }
        }
        return nil
    }

    public func isInMaintenance(_ instant: Date) -> Bool { maintenanceWindow(at: instant) != nil }

    func occurs(_ recurrence: MaintenanceWindow.Recurrence, on day: LocalDate) -> Bool {
        switch recurrence {
        case .weekly(let w):
            return weekday(of: day) == w
        case .monthlyOnDay(let d):
            let last = daysInMonth(year: day.year, month: day.month)
            return day.day == Swift.min(d, last)
        case .monthlyOnWeekday(let nth, let w):
            guard weekday(of: day) == w else { return false }
            if nth == -1 { return day.day + 7 > daysInMonth(year: day.year, month: day.month) }
            return (day.day - 1) / 7 + 1 == nth
        }
    }

    func daysInMonth(year: Int, month: Int) -> Int {
        var c = DateComponents()
        c.year = year
        c.month = month
        c.day = 1
        c.hour = 12
        let date = calendar.date(from: c)!
        return calendar.range(of: .day, in: .month, for: date)!.count
    }
}
