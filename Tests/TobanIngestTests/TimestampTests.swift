import Testing
import TobanCore
@testable import TobanIngest
import TobanTestSupport

private func iso(_ s: String, _ off: Int = 0) -> Double? {
    Array(s.utf8).withUnsafeBufferPointer { Timestamps.iso8601($0.baseAddress!, $0.count, defaultOffset: off) }
}

private func cef(_ s: String, year: Int = 2020, off: Int = 0) -> Double? {
    Array(s.utf8).withUnsafeBufferPointer { Timestamps.cef($0.baseAddress!, $0.count, year: year, offset: off) }
}

private func bsd(_ s: String, year: Int, off: Int = 0) -> Double? {
    Array(s.utf8).withUnsafeBufferPointer { Timestamps.bsd($0.baseAddress!, $0.count, year: year, offset: off)?.0 }
}

@Suite("Timestamps")
struct TimestampTests {
    @Test("ISO 8601 offsets", arguments: [
        ("2018-07-05T19:01:09.820189+0200", 1_530_810_069.820189),
        ("2018-07-05T19:01:09.820189+02:00", 1_530_810_069.820189),
        ("2018-07-05T17:01:09.820189Z", 1_530_810_069.820189),
        ("2018-07-05T17:01:09.820189", 1_530_810_069.820189),
        ("2018-07-05T13:01:09.820189-0400", 1_530_810_069.820189),
        ("2018-07-05 17:01:09", 1_530_810_069),
        ("1970-01-01T00:00:00Z", 0),
        ("2000-02-29T00:00:00Z", 951_782_400),
        ("2100-03-01T00:00:00+00", 4_107_542_400),
        ("1969-12-31T23:59:59Z", -1),
    ])
    func isoOffsets(text: String, want: Double) {
        let got = iso(text)
        #expect(got != nil && abs(got! - want) < 1e-6, "\(text) → \(String(describing: got))")
    }

    @Test("invalid ISO", arguments: [
        "2018-13-01T00:00:00Z", "2018-02-30T00:00:00Z", "2019-02-29T00:00:00Z", "2018-01-01T24:00:00Z",
        "2018-01-01T00:60:00Z", "2018-01-01T00:00:00+2500", "2018-01-01T00:00:00+02:0", "2018-01-01",
        "2018-01-01T00:00:00.Z", "2018-01-01T00:00:00Zjunk", "XXXXXXXXXX.XXXXXX", "",
    ])
    func invalidISO(text: String) {
        #expect(iso(text) == nil)
    }

    /// The last microsecond of year 9999 stays in year 9999 (a Double cannot hold it next
    /// to so many seconds; adding it rounded up into the year 10000), and the first second
    /// of year 1 is the first second of year 1.
    @Test func timesAtTheEdgesOfTheCalendarStayInTheirSecond() throws {
        let last = try #require(iso("9999-12-31T23:59:59.999999Z"))
        #expect(last < EventTime.end && EventTime.problem(last) == nil)
        #expect(UTCTimestamp.iso8601(seconds: last) == "9999-12-31T23:59:59Z")
        let zeek = try #require(Array("253402300799.999999".utf8).withUnsafeBufferPointer { Timestamps.epochNumber($0.baseAddress!, $0.count) })
        #expect(zeek < EventTime.end && UTCTimestamp.iso8601(seconds: zeek) == "9999-12-31T23:59:59Z")
        let cefLast = try #require(cef("Dec 31 9999 23:59:59.999999 UTC"))
        #expect(UTCTimestamp.iso8601(seconds: cefLast) == "9999-12-31T23:59:59Z")
        let first = try #require(iso("0001-01-01T00:00:00Z"))
        #expect(EventTime.problem(first) == nil)
        #expect(UTCTimestamp.iso8601(seconds: first) == "0001-01-01T00:00:00Z")
        // Ordinary fractions are untouched.
        #expect(iso("2026-11-20T12:00:00.250Z") == 1_795_176_000.25)
    }

    @Test func zoneLessUsesConfiguredOffset() {
        #expect(iso("2018-07-05T19:01:09", 2 * 3600) == 1_530_810_069)
    }

    @Test func bsdAndCEFForms() {
        #expect(bsd("Feb  4 11:14:27", year: 2026) == 1_770_203_667)
        #expect(bsd("Feb 4 11:14:27", year: 2026) == 1_770_203_667)
        #expect(bsd("Feb 29 00:00:00", year: 2023) == nil) // no such day that year
        #expect(bsd("Dec 31 23:00:00", year: 2026, off: -3600) == 1_798_761_600) // 2027-01-01T00:00Z
        #expect(bsd("Foo 31 23:00:00", year: 2026) == nil)
        #expect(cef("1543270652000") == 1_543_270_652)
        #expect(cef("1543270652") == 1_543_270_652)
        #expect(cef("Jan 17 2020 08:52:10") == 1_579_251_130)
        #expect(cef("Jan 17 2020 08:52:10.250 +0100") == 1_579_247_530.25)
        #expect(cef("Jan 17 2020 08:52:10 UTC") == 1_579_251_130)
        #expect(cef("Jan 17 08:52:10", year: 2020) == 1_579_251_130)
        #expect(cef("2020-01-17T08:52:10Z") == 1_579_251_130)
        #expect(cef("99999999999999999999999") == nil || cef("99999999999999999999999")!.isFinite)
        #expect(cef("Jan 17 2020 25:52:10") == nil)
    }

    @Test func prefixCacheGivesIdenticalResults() {
        var cache = Timestamps.Cache()
        let texts = [
            "2026-12-31T23:59:58.5+0900", "2026-12-31T23:59:59.999999+0900", "2026-12-31T23:59:60Z",
            "2026-12-31T23:59:61Z", "2026-12-31T23:59:5xZ", "2027-01-01T00:00:00-0100", "2027-01-01T00:00:00.",
            "2027-01-01T00:00:07", "2027-01-01T00:00:07+25:00", "2027-01-01T00:01:00Z", "2027-02-29T00:01:00Z",
            "2027-02-29T00:01:01Z", "2024-02-29T00:01:01Z", "2024-02-29T00:01:02+05:30",
        ]
        for t in texts {
            let bytes = Array(t.utf8)
            let cached = bytes.withUnsafeBufferPointer {
                Timestamps.iso8601($0.baseAddress!, $0.count, defaultOffset: 3600, cache: &cache)
            }
            #expect(cached == iso(t, 3600), "\(t)")
        }
    }

    @Test func daysFromCivilMatchesIterativeCount() {
        // Independent check: count days year by year.
        var days = 0
        for y in 1970..<2400 {
            #expect(UTCTimestamp.days(fromCivilYear: y, month: 1, day: 1) == days)
            days += Timestamps.isLeap(y) ? 366 : 365
        }
    }
}
