import Foundation

/// The range of event times Toban stores and shows: years 1 to 9999, the years a
/// calendar date is written with four digits. A log line carrying a time outside it (an
/// overflowed counter, `1e300`, a 19-digit epoch) is quarantined with the reason, so no
/// later conversion to an integer or a date can trap on it.
enum EventTime {
    /// 0001-01-01T00:00:00Z
    static let earliest: Double = -62_135_596_800
    /// 10000-01-01T00:00:00Z, the first time past the range (9999-12-31T23:59:59.999 is in).
    static let end: Double = 253_402_300_800

    static func problem(_ seconds: Double) -> String? {
        guard seconds.isFinite else { return "time \(seconds) is not a number" }
        guard seconds >= earliest, seconds < end else { return "time \(seconds) s since 1970 is outside the years 1–9999" }
        return nil
    }

    /// Whole seconds of a time already checked by `problem` (clamped, so it never traps).
    static func wholeSeconds(_ seconds: Double) -> Int64 {
        guard seconds.isFinite else { return 0 }
        return Int64(min(max(seconds.rounded(.down), earliest), end - 1))
    }
}
