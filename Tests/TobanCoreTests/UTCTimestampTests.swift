import Foundation
import Testing
import TobanCore

/// Times print exactly as stored, at both ends of the years 1–9999.
@Suite struct UTCTimestampTests {
    @Test(arguments: [
        (Int64(-62_135_596_800_000), "0001-01-01T00:00:00.000Z"),
        (Int64(253_402_300_799_999), "9999-12-31T23:59:59.999Z"),
        (Int64(0), "1970-01-01T00:00:00.000Z"),
        (Int64(-1), "1969-12-31T23:59:59.999Z"),
        (Int64(951_782_400_000), "2000-02-29T00:00:00.000Z"),
        (Int64(-12_219_292_800_000), "1582-10-15T00:00:00.000Z"),
        (Int64(-12_219_292_800_001), "1582-10-14T23:59:59.999Z"), // proleptic: no Julian days before
    ])
    func printsTheStoredMillisecond(milliseconds: Int64, text: String) {
        #expect(UTCTimestamp.iso8601(milliseconds: milliseconds) == text)
    }

    /// Every day of a sample of years across the range against the civil calendar rule.
    @Test func daysRoundTripThroughTheCivilCalendar() {
        for year in [1, 4, 100, 400, 1582, 1900, 1970, 2000, 2024, 2100, 9999] {
            var days = daysFromCivil(year, 1, 1)
            for month in 1...12 {
                let lengths = [31, isLeap(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
                for day in 1...lengths[month - 1] {
                    let civil = UTCTimestamp.civil(fromDays: Int64(days))
                    #expect(civil.year == year && civil.month == month && civil.day == day, "\(year)-\(month)-\(day)")
                    days += 1
                }
            }
        }
        #expect(UTCTimestamp.iso8601(seconds: 253_402_300_800) == nil)
        #expect(UTCTimestamp.iso8601(seconds: .infinity) == nil)
    }

    private func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    private func daysFromCivil(_ year: Int, _ month: Int, _ day: Int) -> Int {
        var days = 0
        if year >= 1970 {
            for y in 1970..<year { days += isLeap(y) ? 366 : 365 }
        } else {
            for y in year..<1970 { days -= isLeap(y) ? 366 : 365 }
        }
        let lengths = [31, isLeap(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return days + lengths.prefix(month - 1).reduce(0, +) + day - 1
    }
}
