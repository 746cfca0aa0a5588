import Foundation
import Testing
@testable import TobanCore
import TobanTestSupport

/// When the customer's rule lets an item go and by when it must have gone, in the
/// customer's own zone and calendar.
@Suite struct NotificationTimingTests {
    static func date(_ iso: String) -> Date {
        let f = ISO8601DateFormatter()
        return f.date(from: iso)!
    }

    static let tokyo = CustomerCalendar(timeZone: TimeZone(identifier: "Asia/Tokyo")!, businessHours: .weekdaysNineToSix, holidays: .japan)

    @Test func immediateGoesAtConfirmationAndIsDueFifteenMinutesAfterArrival() throws {
        let arrived = Self.date("2027-01-08T01:00:00Z"), confirmed = Self.date("2027-01-08T01:04:00Z")
        let t = try #require(NotificationTiming.of(.immediate, arrivedAt: arrived, confirmedAt: confirmed, calendar: Self.tokyo, tuning: .standard))
        #expect(t.deliveryClass == .prompt)
        #expect(t.sendAfter == confirmed)
        #expect(t.deadline == arrived.addingTimeInterval(15 * 60))
        var tuning = NotificationTuning.standard
        tuning.immediateDeadlineMinutes = 5
        #expect(NotificationTiming.of(.immediate, arrivedAt: arrived, confirmedAt: confirmed, calendar: Self.tokyo, tuning: tuning)?.deadline
                == arrived.addingTimeInterval(300))
    }

    @Test func withinCountsFromArrival() throws {
        let arrived = Self.date("2027-01-08T01:00:00Z")
        let t = try #require(NotificationTiming.of(.within(minutes: 30), arrivedAt: arrived, confirmedAt: arrived + 600,
                                                   calendar: Self.tokyo, tuning: .standard))
        #expect(t.deliveryClass == .prompt && t.sendAfter == arrived + 600 && t.deadline == arrived + 1800)
    }

    @Test func digestSlotsAreTheCustomersOwnMinutes() throws {
        // 10:07 JST → 10:30 JST; exactly on a slot → that slot.
        let t = try #require(NotificationTiming.of(.digest(minutes: [0, 30]), arrivedAt: Self.date("2027-01-08T01:00:00Z"),
                                                   confirmedAt: Self.date("2027-01-08T01:07:00Z"), calendar: Self.tokyo, tuning: .standard))
        #expect(t.deliveryClass == .digest && t.sendAfter == Self.date("2027-01-08T01:30:00Z") && t.deadline == t.sendAfter)
        #expect(NotificationTiming.of(.digest(minutes: [0, 30]), arrivedAt: Self.date("2027-01-08T01:00:00Z"),
                                      confirmedAt: Self.date("2027-01-08T01:30:00Z"), calendar: Self.tokyo, tuning: .standard)?.sendAfter
                == Self.date("2027-01-08T01:30:00Z"))
        // India is UTC+05:30: its :00 is UTC's :30.
        let india = CustomerCalendar(timeZone: TimeZone(identifier: "Asia/Kolkata")!, businessHours: .weekdaysNineToSix, holidays: .none)
        #expect(NotificationTiming.of(.digest(minutes: [0]), arrivedAt: Self.date("2027-01-08T01:00:00Z"),
                                      confirmedAt: Self.date("2027-01-08T01:05:00Z"), calendar: india, tuning: .standard)?.sendAfter
                == Self.date("2027-01-08T01:30:00Z"))
    }

    /// The example: a P4 arriving on Friday 2027-01-08 goes out on Tuesday
    /// 2027-01-12 at 09:00 JST, because Monday is 成人の日.
    @Test func nextBusinessDaySkipsTheWeekendAndAHoliday() throws {
        let friday = Self.date("2027-01-08T06:00:00Z") // 15:00 JST
        let t = try #require(NotificationTiming.of(.nextBusinessDay, arrivedAt: friday, confirmedAt: friday, calendar: Self.tokyo, tuning: .standard))
        #expect(t.deliveryClass == .daily)
        #expect(t.sendAfter == Self.date("2027-01-12T00:00:00Z"))
        #expect(t.deadline == t.sendAfter)
        // A customer's extra holiday (年末年始) is skipped too.
        let yearEnd = CustomerCalendar(timeZone: TimeZone(identifier: "Asia/Tokyo")!, businessHours: .weekdaysNineToSix,
                                       holidays: HolidayCalendar.japan.adding([LocalDate(text: "2026-12-29")!, LocalDate(text: "2026-12-30")!,
                                                                               LocalDate(text: "2026-12-31")!]))
        #expect(NotificationTiming.of(.nextBusinessDay, arrivedAt: Self.date("2026-12-28T10:00:00Z"), confirmedAt: Self.date("2026-12-28T10:00:00Z"),
                                      calendar: yearEnd, tuning: .standard)?.sendAfter == Self.date("2027-01-04T00:00:00Z"))
    }

    /// Across a daylight-saving change the business morning stays 09:00 local: in New York
    /// the opening after the spring-forward weekend is 13:00 UTC, the one before 14:00 UTC.
    @Test func businessMorningsFollowDaylightSaving() throws {
        let ny = CustomerCalendar(timeZone: TimeZone(identifier: "America/New_York")!, businessHours: .weekdaysNineToSix, holidays: .none)
        let friday = Self.date("2027-03-12T20:00:00Z") // Fri 15:00 EST
        #expect(NotificationTiming.of(.nextBusinessDay, arrivedAt: friday, confirmedAt: friday, calendar: ny, tuning: .standard)?.sendAfter
                == Self.date("2027-03-15T13:00:00Z")) // Mon 09:00 EDT
        let thursday = Self.date("2027-03-11T20:00:00Z")
        #expect(NotificationTiming.of(.nextBusinessDay, arrivedAt: thursday, confirmedAt: thursday, calendar: ny, tuning: .standard)?.sendAfter
                == Self.date("2027-03-12T14:00:00Z")) // Fri 09:00 EST
        // Digest minutes on the night of the change: 01:30 EST is followed by 03:00 EDT (02:xx does not exist).
        let night = Self.date("2027-03-14T06:35:00Z") // 01:35 EST
        #expect(NotificationTiming.of(.digest(minutes: [0]), arrivedAt: night, confirmedAt: night, calendar: ny, tuning: .standard)?.sendAfter
                == Self.date("2027-03-14T07:00:00Z")) // 03:00 EDT
    }

    @Test func noneIsNeverSent() {
        #expect(NotificationTiming.of(.none, arrivedAt: t0, confirmedAt: t0, calendar: Self.tokyo, tuning: .standard) == nil)
    }

    @Test func tuningOverridesOnlyWhatTheCustomerSets() {
        var o = NotificationTuningOverride()
        o.groupSeconds = [.p2: 30]
        o.maxMessagesPerHour = 3
        let t = NotificationTuning.standard.overridden(by: o)
        #expect(t.groupWindow(for: .p1) == 60 && t.groupWindow(for: .p2) == 30 && t.groupWindow(for: .p3) == 120)
        #expect(t.maxMessagesPerHour == 3 && t.immediateDeadlineMinutes == 15)
        #expect(NotificationTuning.standard.overridden(by: nil) == .standard)
    }
}
