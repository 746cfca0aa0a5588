import Foundation
import Testing
import TobanIngest
@testable import toban
import TobanTestSupport

/// Zone-less dates of a source without a `timezone` are read in the ingest host's zone:
/// per date where that zone keeps daylight saving, by its fixed offset where it keeps none.
@Suite struct HostZoneTests {
    @Test func aHostZoneWithDaylightSavingIsReadPerDate() throws {
        let newYork = try #require(TimeZone(identifier: "America/New_York"))
        let january = Date(timeIntervalSince1970: 1_768_467_600) // 2026-01-15 09:00 UTC
        let options = IngestCommand.parserOptions(hostZone: newYork, now: january)
        #expect(options.localTimeZone == newYork)
        // A July line read by January's run still gets July's offset (−4 h).
        var parser = SyslogParser(options: options)
        let line = "<13>Jul 15 09:00:00 fw01 kernel: drop"
        guard case .event(let e) = Array(line.utf8).withUnsafeBufferPointer({ parser.parse($0) }) else {
            Issue.record("not parsed")
            return
        }
        #expect(abs((e.timestamp ?? 0) - 1_784_120_400) < 0.001) // 2026-07-15 13:00 UTC
    }

    @Test func aHostZoneWithoutDaylightSavingKeepsItsOffset() throws {
        let tokyo = try #require(TimeZone(identifier: "Asia/Tokyo"))
        let options = IngestCommand.parserOptions(hostZone: tokyo)
        #expect(options.localTimeZone == nil)
        #expect(options.localUTCOffsetSeconds == 9 * 3600)
    }
}
