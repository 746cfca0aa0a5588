// Timestamp parsing to epoch seconds (UTC) without Foundation calendars: proleptic Gregorian
// day arithmetic, so results never depend on the machine's zone or DST rules.

import TobanCore

enum Timestamps {
    static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    static func daysInMonth(_ y: Int, _ m: Int) -> Int {
        switch m {
        case 2: return isLeap(y) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Epoch seconds for a civil date-time, validating every field; nil if out of range.
    static func epoch(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) -> Int? {
        guard year >= 1 && year <= 9999, month >= 1 && month <= 12,
              day >= 1 && day <= daysInMonth(year, month),
              hour >= 0 && hour <= 23, minute >= 0 && minute <= 59, second >= 0 && second <= 60 else { return nil }
        return UTCTimestamp.days(fromCivilYear: year, month: month, day: day) * 86400 + hour * 3600 + minute * 60 + second
    }

    @inline(__always)
    static func digits(_ p: UnsafePointer<UInt8>, _ at: Int, _ n: Int, _ end: Int) -> Int? {
        guard at + n <= end else { return nil }
        var v = 0
        for k in 0..<n {
            let d = p[at + k] &- 0x30
            if d > 9 { return nil }
            v = v * 10 + Int(d)
        }
        return v
    }

    /// Remembers the last `YYYY-MM-DDTHH:MM` prefix and its epoch, since consecutive records
    /// of a log almost always share it.
    struct Cache: Sendable {
        var w0: UInt64 = 0
        var w1: UInt64 = 0
        var minuteEpoch = 0
        var valid = false
    }

    /// `iso8601` with a prefix cache; identical results.
    static func iso8601(_ p: UnsafePointer<UInt8>, _ count: Int, defaultOffset: Int, cache: inout Cache) -> Double? {
        guard count >= 19 else { return nil }
        let w0 = UnsafeRawPointer(p).loadUnaligned(as: UInt64.self)
        let w1 = UnsafeRawPointer(p + 8).loadUnaligned(as: UInt64.self)
        if !(cache.valid && cache.w0 == w0 && cache.w1 == w1) {
            guard let full = iso8601(p, count, defaultOffset: defaultOffset) else { return nil }
            guard let y = digits(p, 0, 4, count), let mo = digits(p, 5, 2, count), let d = digits(p, 8, 2, count),
                  let h = digits(p, 11, 2, count), let mi = digits(p, 14, 2, count),
                  let e = epoch(year: y, month: mo, day: d, hour: h, minute: mi, second: 0) else { return full }
            cache = Cache(w0: w0, w1: w1, minuteEpoch: e, valid: true)
            return full
        }
        guard p[16] == ASCII.colon, let s = digits(p, 17, 2, count), s <= 60,
              let (fraction, offset) = fractionAndZone(p, count, defaultOffset: defaultOffset) else { return nil }
        return adding(fraction, to: cache.minuteEpoch + s - offset)
    }

    /// The part after `HH:MM:SS` (from index 19): an optional `.frac`/`,frac` and the zone.
    static func fractionAndZone(_ p: UnsafePointer<UInt8>, _ count: Int, defaultOffset: Int) -> (Double, Int)? {
        var i = 19
        var fraction = 0.0
        if i < count && (p[i] == ASCII.dot || p[i] == ASCII.comma) {
            i += 1
            var scale = 0.1
            let start = i
            while i < count, ASCII.isDigit(p[i]) {
                fraction += Double(p[i] &- 0x30) * scale
                scale *= 0.1
                i += 1
            }
            if i == start { return nil }
        }
        guard let offset = zoneOffset(p, i, count, defaultOffset: defaultOffset) else { return nil }
        return (fraction, offset)
    }

    /// ISO 8601 / RFC 3339: `YYYY-MM-DD[T ]HH:MM:SS[.frac][Z|±HH:MM|±HHMM|±HH]`.
    /// Without a zone, `defaultOffset` (seconds east of UTC) applies.
    static func iso8601(_ p: UnsafePointer<UInt8>, _ count: Int, defaultOffset: Int = 0) -> Double? {
        guard count >= 19,
              let y = digits(p, 0, 4, count), p[4] == ASCII.minus,
              let mo = digits(p, 5, 2, count), p[7] == ASCII.minus,
              let d = digits(p, 8, 2, count), p[10] == 0x54 || p[10] == 0x20 || p[10] == 0x74,
              let h = digits(p, 11, 2, count), p[13] == ASCII.colon,
              let mi = digits(p, 14, 2, count), p[16] == ASCII.colon,
              let s = digits(p, 17, 2, count),
              let base = epoch(year: y, month: mo, day: d, hour: h, minute: mi, second: s),
              let (fraction, offset) = fractionAndZone(p, count, defaultOffset: defaultOffset) else { return nil }
        return adding(fraction, to: base - offset)
    }

    /// Whether an ISO 8601 text carries a zone after its seconds (and fraction).
    static func hasZone(_ p: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        var i = 19
        guard count > i else { return false }
        if p[i] == ASCII.dot || p[i] == ASCII.comma {
            i += 1
            while i < count, ASCII.isDigit(p[i]) { i += 1 }
        }
        return i < count
    }

    /// Parses `Z`, `±HH:MM`, `±HHMM`, `±HH` starting at `i` to the end; empty → defaultOffset.
    static func zoneOffset(_ p: UnsafePointer<UInt8>, _ i: Int, _ count: Int, defaultOffset: Int) -> Int? {
        if i == count { return defaultOffset }
        let c = p[i]
        if (c == 0x5A || c == 0x7A) && i + 1 == count { return 0 }
        guard c == 0x2B || c == ASCII.minus, let hh = digits(p, i + 1, 2, count), hh <= 23 else { return nil }
        var mm = 0
        let rest = count - (i + 3)
        if rest == 0 {
            mm = 0
        } else if rest == 3 && p[i + 3] == ASCII.colon, let m = digits(p, i + 4, 2, count) {
            mm = m
        } else if rest == 2, let m = digits(p, i + 3, 2, count) {
            mm = m
        } else {
            return nil
        }
        guard mm <= 59 else { return nil }
        let off = hh * 3600 + mm * 60
        return c == ASCII.minus ? -off : off
    }

    /// Three-letter English month abbreviation (any case) → 1...12.
    static func month(_ p: UnsafePointer<UInt8>, _ at: Int, _ end: Int) -> Int? {
        guard at + 3 <= end else { return nil }
        let a = ASCII.lower(p[at]), b = ASCII.lower(p[at + 1]), c = ASCII.lower(p[at + 2])
        switch (a, b, c) {
        case (0x6A, 0x61, 0x6E): return 1   // jan
        case (0x66, 0x65, 0x62): return 2   // feb
        case (0x6D, 0x61, 0x72): return 3   // mar
        case (0x61, 0x70, 0x72): return 4   // apr
        case (0x6D, 0x61, 0x79): return 5   // may
        case (0x6A, 0x75, 0x6E): return 6   // jun
        case (0x6A, 0x75, 0x6C): return 7   // jul
        case (0x61, 0x75, 0x67): return 8   // aug
        case (0x73, 0x65, 0x70): return 9   // sep
        case (0x6F, 0x63, 0x74): return 10  // oct
        case (0x6E, 0x6F, 0x76): return 11  // nov
        case (0x64, 0x65, 0x63): return 12  // dec
        default: return nil
        }
    }

    /// RFC 3164 `MMM d HH:MM:SS` / `MMM dd HH:MM:SS` (day space-padded or not) at the start of
    /// the buffer. Returns the epoch and the number of bytes consumed.
    static func bsd(_ p: UnsafePointer<UInt8>, _ count: Int, year: Int, offset: Int) -> (Double, Int)? {
        guard let mo = month(p, 0, count), count > 4, p[3] == ASCII.space else { return nil }
        var i = 4
        if p[i] == ASCII.space { i += 1 }
        var day = 0
        var nd = 0
        while i < count, ASCII.isDigit(p[i]), nd < 2 { day = day * 10 + Int(p[i] &- 0x30); i += 1; nd += 1 }
        guard nd > 0, i < count, p[i] == ASCII.space else { return nil }
        i += 1
        guard let h = digits(p, i, 2, count), i + 2 < count, p[i + 2] == ASCII.colon,
              let mi = digits(p, i + 3, 2, count), i + 5 < count, p[i + 5] == ASCII.colon,
              let s = digits(p, i + 6, 2, count),
              let e = epoch(year: year, month: mo, day: day, hour: h, minute: mi, second: s) else { return nil }
        i += 8
        var fraction = 0.0
        if i < count && p[i] == ASCII.dot {
            i += 1
            var scale = 0.1
            while i < count, ASCII.isDigit(p[i]) { fraction += Double(p[i] &- 0x30) * scale; scale *= 0.1; i += 1 }
        }
        return (adding(fraction, to: e - offset), i)
    }

    /// CEF `rt` and similar: epoch milliseconds, `MMM dd yyyy HH:mm:ss[.SSS]`, `MMM dd HH:mm:ss`, or ISO 8601.
    static func cef(_ p: UnsafePointer<UInt8>, _ count: Int, year: Int, offset: Int) -> Double? {
        var usedYear = false
        return cef(p, count, year: year, offset: offset, usedYear: &usedYear)
    }

    /// As `cef(_:_:year:offset:)`; `usedYear` tells whether the text lacked a year, so
    /// that `year` was used (`MMM dd HH:mm:ss`).
    static func cef(_ p: UnsafePointer<UInt8>, _ count: Int, year: Int, offset: Int, usedYear: inout Bool) -> Double? {
        if count == 0 { return nil }
        if ASCII.isDigit(p[0]) {
            if let ms = parseUInt64(p, count) {
                // Epoch milliseconds (13 digits today); 10 digits are seconds.
                return count <= 10 ? Double(ms) : Double(ms) / 1000
            }
            return iso8601(p, count, defaultOffset: offset)
        }
        guard let mo = month(p, 0, count), count >= 20, p[3] == ASCII.space,
              let d = digits(p, 4, 2, count), p[6] == ASCII.space else {
            usedYear = true
            return bsd(p, count, year: year, offset: offset).flatMap { $0.1 == count ? $0.0 : nil }
        }
        guard let y = digits(p, 7, 4, count), p[11] == ASCII.space,
              let h = digits(p, 12, 2, count), p[14] == ASCII.colon,
              let mi = digits(p, 15, 2, count), p[17] == ASCII.colon,
              let s = digits(p, 18, 2, count),
              let e = epoch(year: y, month: mo, day: d, hour: h, minute: mi, second: s) else { return nil }
        var i = 20
        var fraction = 0.0
        if i < count && p[i] == ASCII.dot {
            i += 1
            var scale = 0.1
            while i < count, ASCII.isDigit(p[i]) { fraction += Double(p[i] &- 0x30) * scale; scale *= 0.1; i += 1 }
        }
        var off = offset
        if i < count {
            // Optional zone: " Z", " UTC", " +0200".
            while i < count && p[i] == ASCII.space { i += 1 }
            if bytesEqual(p + i, count - i, "UTC") || bytesEqual(p + i, count - i, "GMT") { off = 0 } else {
                guard let z = zoneOffset(p, i, count, defaultOffset: offset) else { return nil }
                off = z
            }
        }
        return adding(fraction, to: e - off)
    }

    /// Zeek `ts`: float or integer epoch seconds (also accepts an ISO 8601 string via `iso8601`).
    static func epochNumber(_ p: UnsafePointer<UInt8>, _ count: Int) -> Double? {
        guard let v = parseDecimal(p, count), v.isFinite else { return nil }
        // `ddd.ffffff`: the fraction stays inside its second (see `adding(_:to:)`).
        var i = 0
        var whole = 0
        while i < count, i < 15, ASCII.isDigit(p[i]) { whole = whole * 10 + Int(p[i] &- 0x30); i += 1 }
        guard i > 0, i < count, p[i] == ASCII.dot else { return v }
        return min(v, Double(whole + 1).nextDown)
    }

    /// `whole` seconds plus a fraction of a second, never rounded up into the next second:
    /// near year 9999 a Double cannot hold microseconds, and 23:59:59.999999 would become
    /// the next year's first second.
    static func adding(_ fraction: Double, to whole: Int) -> Double {
        let t = Double(whole) + fraction
        return fraction > 0 && t >= Double(whole + 1) ? Double(whole + 1).nextDown : t
    }
}
