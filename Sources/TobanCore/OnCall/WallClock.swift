import Foundation

/// Local wall-clock time in one zone, as whole seconds counted from 1970-01-01 00:00 on
/// that zone's clock face. Rotations step in wall time so a hand-off stays at 09:00 local
/// across daylight saving changes; only the final conversion to an instant looks at the zone.
struct WallClock: Sendable, Equatable {
    let timeZone: TimeZone

    /// Wall seconds of a local date and time of day (pure arithmetic, no zone involved).
    static func seconds(_ date: LocalDate, _ time: TimeOfDay) -> Int {
        UTCTimestamp.days(fromCivilYear: date.year, month: date.month, day: date.day) * 86_400 + time.minutesSinceMidnight * 60
    }

    /// What the clock on the wall shows at `instant`, in wall seconds.
    func seconds(at instant: Date) -> Int {
        let utc = Int((instant.timeIntervalSince1970).rounded(.down))
        return utc + timeZone.secondsFromGMT(for: instant)
    }

    /// The instant the wall clock shows `wall`. A time repeated when the clocks go back is
    /// its first occurrence (the desk hands off the first time it reads 01:30); a time
    /// skipped when they go forward is moved forward by the gap, as a person would.
    func instant(_ wall: Int) -> Date {
        let before = offset(at: wall - 86_400)
        let after = offset(at: wall + 86_400)
        let valid = Set([before, after]).map { wall - $0 }.filter { offset(at: $0) == wall - $0 }
        if let first = valid.min() { return Date(timeIntervalSince1970: TimeInterval(first)) }
        return Date(timeIntervalSince1970: TimeInterval(wall - before))
    }

    private func offset(at utcSeconds: Int) -> Int {
        timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(utcSeconds)))
    }
}

extension Int {
    /// Division rounding towards minus infinity, for shift numbers before the start date.
    func flooredDivision(by divisor: Int) -> Int {
        let q = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? q - 1 : q
    }

    /// The remainder that is never negative (for a positive divisor).
    func positiveModulo(_ divisor: Int) -> Int {
        let r = self % divisor
        return r < 0 ? r + divisor : r
    }
}
