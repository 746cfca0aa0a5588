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
    /// Year for RFC 3164 timestamps, which carry none.
    public var syslogYear: Int
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
