import Foundation
import Testing
@testable import TobanCore
import TobanTestSupport

/// Parses "2026-03-06T18:30:00Z"-style instants for readable tests.
func instant(_ text: String) -> Date {
    let f = ISO8601DateFormatter()
    f.formatOptions = [.withInternetDateTime]
    return f.date(from: text)!
}

@Suite struct CalendarTests {
    let tokyo = CustomerCalendar(timeZone: TimeZone(identifier: "Asia/Tokyo")!, businessHours: .weekdaysNineToSix, holidays: .japan)
    let newYork = CustomerCalendar(timeZone: TimeZone(identifier: "America/New_York")!, businessHours: .weekdaysNineToSix, holidays: .none)

    @Test func businessHoursInTokyo() {
        #expect(tokyo.isWithinBusinessHours(instant("2026-11-20T00:00:00Z")))   // Fri 09:00 JST
        #expect(!tokyo.isWithinBusinessHours(instant("2026-11-19T23:59:00Z")))  // Thu... Fri 08:59 JST
        #expect(!tokyo.isWithinBusinessHours(instant("2026-11-20T09:00:00Z")))  // Fri 18:00 JST: closed
        #expect(tokyo.isWithinBusinessHours(instant("2026-11-20T08:59:00Z")))   // Fri 17:59 JST
        #expect(!tokyo.isWithinBusinessHours(instant("2026-11-21T03:00:00Z")))  // Saturday
        #expect(!tokyo.isWithinBusinessHours(instant("2026-11-23T03:00:00Z")))  // 勤労感謝の日 (Mon)
    }

    @Test func nextBusinessDayOpeningSkipsWeekendsAndHolidays() {
        // Friday 2026-11-20 19:00 JST → Saturday, Sunday, Monday is 勤労感謝の日 → Tuesday 09:00 JST.
        let next = tokyo.nextBusinessOpening(after: instant("2026-11-20T10:00:00Z"))
        #expect(next == instant("2026-11-24T00:00:00Z"))
        // Early on a business day: today's opening.
        #expect(tokyo.nextBusinessOpening(after: instant("2026-11-24T22:00:00Z")) == instant("2026-11-25T00:00:00Z"))
        // Golden Week 2026: 5/2 Sat … 5/6 振替休日 → Thursday 5/7 09:00.
        #expect(tokyo.nextBusinessOpening(after: instant("2026-05-01T10:00:00Z")) == instant("2026-05-07T00:00:00Z"))
        // Within hours, "next business time" is now.
        let open = instant("2026-11-25T02:00:00Z")
        #expect(tokyo.nextBusinessTime(from: open) == open)
    }

    @Test func nextOpeningAcrossDaylightSavingStart() {
        // New York springs forward on Sunday 2026-03-08. Friday 18:30 EST → Monday 09:00 EDT (13:00Z, not 14:00Z).
        let next = newYork.nextBusinessOpening(after: instant("2026-03-06T23:30:00Z"))
        #expect(next == instant("2026-03-09T13:00:00Z"))
        // And back on Sunday 2026-11-01: Friday → Monday 09:00 EST = 14:00Z.
        #expect(newYork.nextBusinessOpening(after: instant("2026-10-30T23:00:00Z")) == instant("2026-11-02T14:00:00Z"))
        #expect(newYork.isWithinBusinessHours(instant("2026-03-09T13:30:00Z")))
        #expect(!newYork.isWithinBusinessHours(instant("2026-03-09T12:30:00Z")))
    }

    @Test func digestSlotsAreLocalMinutes() {
        #expect(tokyo.nextSlot(after: instant("2026-11-20T01:07:12Z"), minutes: [0, 30]) == instant("2026-11-20T01:30:00Z"))
        #expect(tokyo.nextSlot(after: instant("2026-11-20T01:30:00Z"), minutes: [0, 30]) == instant("2026-11-20T02:00:00Z"))
        // Kathmandu is UTC+05:45: its :00 is UTC :15.
        let kathmandu = CustomerCalendar(timeZone: TimeZone(identifier: "Asia/Kathmandu")!, businessHours: .weekdaysNineToSix, holidays: .none)
        #expect(kathmandu.nextSlot(after: instant("2026-11-20T01:00:00Z"), minutes: [0]) == instant("2026-11-20T01:15:00Z"))
        // India +05:30: :00 and :30 fall on UTC :30 and :00.
        let kolkata = CustomerCalendar(timeZone: TimeZone(identifier: "Asia/Kolkata")!, businessHours: .weekdaysNineToSix, holidays: .none)
        #expect(kolkata.nextSlot(after: instant("2026-11-20T01:10:00Z"), minutes: [0]) == instant("2026-11-20T01:30:00Z"))
        #expect(tokyo.nextSlot(after: instant("2026-11-20T01:10:00Z"), minutes: []) == nil)
    }

    @Test func monthlyMaintenanceWindows() {
        let third = MaintenanceWindow(recurrence: .monthlyOnWeekday(nth: 3, weekday: .wednesday), starts: TimeOfDay(hour: 2, minute: 0), durationMinutes: 120)
        let lastDay = MaintenanceWindow(recurrence: .monthlyOnDay(31), starts: TimeOfDay(hour: 23, minute: 0), durationMinutes: 180)
        let cal = CustomerCalendar(timeZone: TimeZone(identifier: "Asia/Tokyo")!, businessHours: .weekdaysNineToSix, holidays: .japan,
                                   maintenanceWindows: [third, lastDay])
        // 3rd Wednesday of November 2026 is the 18th: 02:00–04:00 JST = 17th 17:00Z–19:00Z.
        #expect(cal.maintenanceWindow(at: instant("2026-11-17T17:30:00Z")) == third)
        #expect(cal.maintenanceWindow(at: instant("2026-11-17T19:00:00Z")) == nil)
        #expect(cal.maintenanceWindow(at: instant("2026-11-10T17:30:00Z")) == nil) // 2nd Wednesday
        // Day 31 in November means its last day, the 30th, 23:00 JST, running past midnight.
        #expect(cal.isInMaintenance(instant("2026-11-30T15:30:00Z")))  // 11-30 00:30... = 12-01 00:30 JST
        #expect(!cal.isInMaintenance(instant("2026-11-30T17:00:00Z"))) // 12-01 02:00 JST, ended
    }

    @Test func holidayTableCoversThreeYears() {
        let byYear = Dictionary(grouping: HolidayCalendar.japaneseHolidays.keys, by: \.year).mapValues(\.count)
        #expect(byYear[2025] == 19)
        #expect(byYear[2026] == 18)
        #expect(byYear[2027] == 17)
        // Every 振替休日 is a Monday or follows a Sunday holiday chain, never a weekend.
        let cal = tokyo
        for (date, name) in HolidayCalendar.japaneseHolidays where name == "振替休日" {
            let w = cal.weekday(of: date)
            #expect(w != .saturday && w != .sunday, "\(date)")
        }
    }
}
