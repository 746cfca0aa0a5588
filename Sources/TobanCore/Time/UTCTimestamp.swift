/// ISO 8601 text of a UTC time in the proleptic Gregorian calendar, from whole units so
/// that what is printed is exactly what is stored: no rounding carries 23:59:59.9999 into
/// the next year, and years before 1582 are not shifted by a Julian calendar switch (as
/// Foundation's formatters do, printing 0001-01-01 as 0001-01-03).
public enum UTCTimestamp {
    /// "yyyy-MM-ddTHH:mm:ss.SSSZ" for `milliseconds` since 1970; years 1 to 9999 (the years
    /// ingest accepts), others are written with as many digits as they need.
    public static func iso8601(milliseconds: Int64) -> String {
        let (seconds, millis) = floorDivide(milliseconds, 1000)
        return iso8601(seconds: seconds) + "." + pad(Int(millis), 3) + "Z"
    }

    /// "yyyy-MM-ddTHH:mm:ssZ" for a time in seconds, truncated to the whole second below.
    /// Nil for a time that is not finite or lies outside years 1 to 9999.
    public static func iso8601(seconds: Double) -> String? {
        guard seconds.isFinite, seconds >= -62_135_596_800, seconds < 253_402_300_800 else { return nil }
        return iso8601(seconds: Int64(seconds.rounded(.down))) + "Z"
    }

    private static func iso8601(seconds: Int64) -> String {
        let (days, secondOfDay) = floorDivide(seconds, 86_400)
        let (year, month, day) = civil(fromDays: days)
        let s = Int(secondOfDay)
        return pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + "T"
            + pad(s / 3600, 2) + ":" + pad(s / 60 % 60, 2) + ":" + pad(s % 60, 2)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
    /// `days_from_civil`), the inverse of `civil(fromDays:)`. Inlinable: ingest works out
    /// every event's time with it.
    @inlinable
    public static func days(fromCivilYear year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// Year, month, day of a day count since 1970-01-01 (Howard Hinnant's `civil_from_days`).
    public static func civil(fromDays z0: Int64) -> (year: Int, month: Int, day: Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (Int(yoe + era * 400 + (month <= 2 ? 1 : 0)), Int(month), Int(day))
    }

    private static func floorDivide(_ a: Int64, _ b: Int64) -> (Int64, Int64) {
        let q = a / b, r = a % b
        return r < 0 ? (q - 1, r + b) : (q, r)
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}
