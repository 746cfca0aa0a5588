import Foundation

/// Instants written in configuration: ISO 8601 / RFC 3339 with a zone offset or Z
/// ("2026-12-24T18:00:00+09:00"), optionally with fractional seconds. A time without an
/// offset is refused: it would mean a different instant on every machine.
public enum ISO8601Instant {
    public static func parse(_ text: String) -> Date? {
        // The formatter may roll an impossible day over (2026-02-30 → March 2): the calendar
        // date it starts with must exist.
        guard LocalDate(text: String(text.prefix(10))) != nil else { return nil }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }
}

extension ISO8601Instant {
    /// `instant` in UTC, whole seconds ("2026-12-24T09:00:00Z").
    public static func text(_ instant: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: instant)
    }
}
