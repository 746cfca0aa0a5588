import Foundation
import TobanCore

/// The outcome of parsing one line (one record) of a log.
public enum LineResult: Sendable, Equatable {
    case event(ParsedEvent)
    /// Not a record: an empty line, a header or comment, a continuation line.
    case skip
    /// Not parseable; `reason` is plain text for the operator.
    case invalid(reason: String)
}

/// A parser for one log stream. Stateful parsers (Zeek TSV headers) are value types
/// driven by one follower; `mutating` keeps that state local and Sendable.
public protocol LineParser: Sendable {
    /// Parses one line without its trailing `\n`. Must not crash or trap on any byte content.
    mutating func parse(_ line: UnsafeBufferPointer<UInt8>) -> LineResult
}

/// Options that the line itself cannot tell.
public struct ParserOptions: Sendable, Equatable {
    /// The year of dates that carry none (RFC 3164, CEF `MMM dd HH:mm:ss`); a stream's
    /// parser moves it on as its dates cross New Year (`yearless(_:)`).
    public var syslogYear: Int
    /// Wall-clock seconds of when the stream was opened: its first yearless date is not
    /// read more than a month after it (a December line read in January is last year's).
    public var yearReference: Double?
    /// The stream's previous yearless date (wall-clock seconds).
    var previousYearless: Double?
    /// UTC offset in seconds for timestamps without a zone (RFC 3164, zone-less ISO 8601, CEF `MMM dd yyyy HH:mm:ss`)
    /// when no `localTimeZone` is set.
    public var localUTCOffsetSeconds: Int
    /// When set, the zone of the sensor's clock: a zone-less RFC 3164, ISO 8601 or CEF date
    /// is read in it, with the offset in force at that date (daylight saving included),
    /// instead of `localUTCOffsetSeconds`.
    public var localTimeZone: TimeZone?
    /// Lines longer than this are rejected as `.invalid` before any scanning.
    public var maxLineLength: Int

    public init(syslogYear: Int, localUTCOffsetSeconds: Int = 0, maxLineLength: Int = 1 << 20) {
        self.syslogYear = syslogYear
        self.localUTCOffsetSeconds = localUTCOffsetSeconds
        self.maxLineLength = maxLineLength
    }

    /// An ISO 8601 date. One without a zone is read like RFC 3164 dates: in the source's
    /// zone with the offset in force on that date when one is set, else with
    /// `localUTCOffsetSeconds`.
    func iso8601(_ p: UnsafePointer<UInt8>, _ count: Int) -> Double? {
        guard localTimeZone != nil, !Timestamps.hasZone(p, count) else {
            return Timestamps.iso8601(p, count, defaultOffset: localUTCOffsetSeconds)
        }
        return Timestamps.iso8601(p, count, defaultOffset: 0).map(utc(fromWallClock:))
    }

    /// `iso8601(_:_:)` with the prefix cache of consecutive records (EVE).
    func iso8601(_ p: UnsafePointer<UInt8>, _ count: Int, cache: inout Timestamps.Cache) -> Double? {
        guard localTimeZone != nil, !Timestamps.hasZone(p, count) else {
            return Timestamps.iso8601(p, count, defaultOffset: localUTCOffsetSeconds, cache: &cache)
        }
        return iso8601(p, count)
    }

    /// `t`, a date whose text has no year read in `syslogYear`, in the right year: `read`
    /// reads the text in another. `syslogYear` moves on by one when a date falls more than
    /// half a year before the stream's previous yearless one while the next year puts it
    /// within two months after it (a followed file crossing New Year), and back by one when
    /// the stream's first yearless date would lie more than a month after it was opened.
    /// Out-of-order dates that fit neither (a sample file's December line before an April
    /// one) keep the year, as other readers do. Dates that carry their year never come
    /// here, so they move nothing.
    mutating func yearless(_ t: Double, read: (Int) -> Double?) -> Double {
        var t = t
        let day = 86_400.0
        if let previous = previousYearless {
            if t < previous - 183 * day, let next = read(syslogYear + 1), next >= previous, next <= previous + 62 * day {
                syslogYear += 1
                t = next
            }
        } else if let opened = yearReference, t > opened + 31 * day, let earlier = read(syslogYear - 1) {
            syslogYear -= 1
            t = earlier
        }
        previousYearless = t
        return t
    }

    /// UTC seconds of a zone-less date read as if it were UTC (`wallClock`).
    func utc(fromWallClock wallClock: Double) -> Double {
        guard let zone = localTimeZone else { return wallClock - Double(localUTCOffsetSeconds) }
        // The offset in force at the wall-clock time: first guess from the wall clock as if
        // UTC, then from the instant that guess gives (right except within the hour of a
        // change, where the earlier offset wins, as for any ambiguous local time).
        let guess = zone.secondsFromGMT(for: Date(timeIntervalSince1970: wallClock))
        let offset = zone.secondsFromGMT(for: Date(timeIntervalSince1970: wallClock - Double(guess)))
        return wallClock - Double(offset)
    }
}

/// A parser's reason for rejecting input. `reason` is plain text shown to operators.
public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

/// Builds the parser for a format. `fileName` is used by Zeek (the log path when `_path`
/// or `#path` is absent, e.g. `conn.log` → `conn`).
public func makeParser(for format: SourceFormat, fileName: String, options: ParserOptions) -> any LineParser {
    switch format {
    case .suricataEVE: return EVEParser(options: options)
    case .zeekJSON: return ZeekJSONParser(fileName: fileName, options: options)
    case .zeekTSV: return ZeekTSVParser(fileName: fileName, options: options)
    case .cef: return CEFParser(options: options)
    case .syslog: return SyslogParser(options: options)
    }
}
