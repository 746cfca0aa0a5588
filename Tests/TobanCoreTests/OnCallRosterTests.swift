import Foundation
import Testing
@testable import TobanCore
import TobanTestSupport

/// Who is on call when: rotation turns at local hand-off times (also across daylight
/// saving), overrides laid on top (the later-defined winning), and the hand-offs ahead.
@Suite struct OnCallRosterTests {
    let tokyo = TimeZone(identifier: "Asia/Tokyo")!
    let newYork = TimeZone(identifier: "America/New_York")!

    /// Suzuki and Tanaka, 12-hour shifts handing off at 09:00 and 21:00 Tokyo time from 2026-12-01.
    var analysts: OnCallLayer {
        OnCallLayer(name: "analyst", rotation: OnCallRotation(
            participants: ["suzuki", "tanaka"], shiftLength: .hours(12), handOff: TimeOfDay(hour: 9, minute: 0),
            timeZone: tokyo, start: LocalDate(year: 2026, month: 12, day: 1)))
    }

    @Test func turnsFollowTheParticipantsInOrderFromTheStartDate() {
        let rotation = OnCallRotation(participants: ["suzuki", "tanaka", "sato"], shiftLength: .hours(12),
                                      handOff: TimeOfDay(hour: 9, minute: 0), timeZone: tokyo, start: LocalDate(year: 2026, month: 12, day: 1))
        #expect(rotation.login(at: instant("2026-12-01T00:00:00Z")) == "suzuki")  // 12-01 09:00 JST
        #expect(rotation.login(at: instant("2026-12-01T12:00:00Z")) == "tanaka")  // 12-01 21:00 JST
        #expect(rotation.login(at: instant("2026-12-02T00:00:00Z")) == "sato")    // 12-02 09:00 JST
        #expect(rotation.login(at: instant("2026-12-02T12:00:00Z")) == "suzuki")
        // Nine days on is shift 18: the turn has come round to the first again.
        #expect(rotation.login(at: instant("2026-12-10T01:00:00Z")) == "suzuki")
        // Before the start date the turns run backwards the same way.
        #expect(rotation.login(at: instant("2026-11-30T23:59:00Z")) == "sato")
        #expect(rotation.login(at: instant("2026-11-30T11:59:00Z")) == "tanaka")
        let shift = rotation.shift(at: instant("2026-12-10T01:00:00Z"))
        #expect(shift.from == instant("2026-12-10T00:00:00Z"))
        #expect(shift.until == instant("2026-12-10T12:00:00Z"))
    }

    @Test func theNextPersonHoldsTheShiftFromTheHandOffInstantItself() {
        let roster = OnCallRoster(layers: [analysts])
        let handOff = instant("2026-12-05T12:00:00Z")  // 21:00 JST
        #expect(roster.onCall(layer: "analyst", at: handOff.addingTimeInterval(-1))?.login == "suzuki")
        let shift = roster.onCall(layer: "analyst", at: handOff)
        #expect(shift?.login == "tanaka")
        #expect(shift?.from == handOff)
        #expect(shift?.until == instant("2026-12-06T00:00:00Z"))
        #expect(shift?.isOverride == false)
        #expect(roster.onCall(layer: "manager", at: handOff) == nil)
    }

    @Test func handOffsStayAtLocalWallTimeWhenNewYorkSpringsForward() {
        // 2027-03-14 02:00 EST the clocks go to 03:00 EDT: the night shift lasts 11 hours.
        let rotation = OnCallRotation(participants: ["alice", "bob"], shiftLength: .hours(12), handOff: TimeOfDay(hour: 9, minute: 0),
                                      timeZone: newYork, start: LocalDate(year: 2027, month: 3, day: 13))
        #expect(rotation.shiftStart(0) == instant("2027-03-13T14:00:00Z"))  // 09:00 EST
        #expect(rotation.shiftStart(1) == instant("2027-03-14T02:00:00Z"))  // 21:00 EST
        #expect(rotation.shiftStart(2) == instant("2027-03-14T13:00:00Z"))  // 09:00 EDT
        #expect(rotation.login(at: instant("2027-03-14T12:59:59Z")) == "bob")
        #expect(rotation.login(at: instant("2027-03-14T13:00:00Z")) == "alice")
        let night = rotation.shift(at: instant("2027-03-14T06:00:00Z"))
        #expect(night.until.timeIntervalSince(night.from) == 11 * 3600)
    }

    @Test func aRepeatedHourHandsOffAtItsFirstOccurrenceAndASkippedOneAfterTheGap() {
        // 2027-11-07 02:00 EDT the clocks go back to 01:00 EST: 01:30 happens twice.
        let autumn = OnCallRotation(participants: ["alice", "bob"], shiftLength: .days(1), handOff: TimeOfDay(hour: 1, minute: 30),
                                    timeZone: newYork, start: LocalDate(year: 2027, month: 11, day: 6))
        #expect(autumn.login(at: instant("2027-11-07T05:29:59Z")) == "alice")
        #expect(autumn.login(at: instant("2027-11-07T05:30:00Z")) == "bob")    // 01:30 EDT
        #expect(autumn.login(at: instant("2027-11-08T06:29:59Z")) == "bob")    // a 25-hour day
        #expect(autumn.login(at: instant("2027-11-08T06:30:00Z")) == "alice")  // 01:30 EST
        // 2027-03-14 02:30 does not exist: that hand-off happens at 03:30 EDT.
        let spring = OnCallRotation(participants: ["alice", "bob"], shiftLength: .days(1), handOff: TimeOfDay(hour: 2, minute: 30),
                                    timeZone: newYork, start: LocalDate(year: 2027, month: 3, day: 13))
        #expect(spring.shiftStart(1) == instant("2027-03-14T07:30:00Z"))
        #expect(spring.shiftStart(2) == instant("2027-03-15T06:30:00Z"))
    }

    @Test func anOverrideReplacesTheRotationWhileItLasts() {
        let roster = OnCallRoster(layers: [analysts], overrides: [
            OnCallOverride(layer: "analyst", login: "sato", from: instant("2026-12-24T09:00:00Z"), to: instant("2026-12-25T00:00:00Z")),
        ])
        // 2026-12-24: Suzuki from 09:00 JST; Sato 18:00 JST to 09:00 JST on the 25th, over Tanaka's night.
        let before = roster.onCall(layer: "analyst", at: instant("2026-12-24T08:59:00Z"))
        #expect(before == OnCallShift(layer: "analyst", login: "suzuki", from: instant("2026-12-24T00:00:00Z"),
                                      until: instant("2026-12-24T09:00:00Z"), isOverride: false))
        let during = roster.onCall(layer: "analyst", at: instant("2026-12-24T13:00:00Z"))
        #expect(during == OnCallShift(layer: "analyst", login: "sato", from: instant("2026-12-24T09:00:00Z"),
                                      until: instant("2026-12-25T00:00:00Z"), isOverride: true))
        let after = roster.onCall(layer: "analyst", at: instant("2026-12-25T00:00:00Z"))
        #expect(after == OnCallShift(layer: "analyst", login: "suzuki", from: instant("2026-12-25T00:00:00Z"),
                                     until: instant("2026-12-25T12:00:00Z"), isOverride: false))
        #expect(roster.handOffs(after: instant("2026-12-24T03:00:00Z"), limit: 4) == [
            OnCallHandOff(at: instant("2026-12-24T09:00:00Z"), layer: "analyst", from: "suzuki", to: "sato"),
            OnCallHandOff(at: instant("2026-12-25T00:00:00Z"), layer: "analyst", from: "sato", to: "suzuki"),
            OnCallHandOff(at: instant("2026-12-25T12:00:00Z"), layer: "analyst", from: "suzuki", to: "tanaka"),
            OnCallHandOff(at: instant("2026-12-26T00:00:00Z"), layer: "analyst", from: "tanaka", to: "suzuki"),
        ])
    }

    @Test func theLaterDefinedOverrideWinsWhereTwoOverlap() {
        let long = OnCallOverride(layer: "analyst", login: "sato", from: instant("2026-12-24T09:00:00Z"), to: instant("2026-12-25T00:00:00Z"))
        let short = OnCallOverride(layer: "analyst", login: "kato", from: instant("2026-12-24T11:00:00Z"), to: instant("2026-12-24T14:00:00Z"))
        let shortWins = OnCallRoster(layers: [analysts], overrides: [long, short])
        #expect(shortWins.onCall(layer: "analyst", at: instant("2026-12-24T12:00:00Z"))?.login == "kato")
        #expect(shortWins.handOffs(after: instant("2026-12-24T03:00:00Z"), limit: 4).map { "\($0.from)>\($0.to)" }
                == ["suzuki>sato", "sato>kato", "kato>sato", "sato>suzuki"])
        let longWins = OnCallRoster(layers: [analysts], overrides: [short, long])
        #expect(longWins.onCall(layer: "analyst", at: instant("2026-12-24T12:00:00Z"))?.login == "sato")
        let sato = longWins.onCall(layer: "analyst", at: instant("2026-12-24T12:00:00Z"))
        #expect(sato?.from == instant("2026-12-24T09:00:00Z"))
        #expect(sato?.until == instant("2026-12-25T00:00:00Z"))
        #expect(longWins.handOffs(after: instant("2026-12-24T03:00:00Z"), limit: 2).map { "\($0.from)>\($0.to)" }
                == ["suzuki>sato", "sato>suzuki"])
    }

    @Test func anOverrideOfThePersonAlreadyOnIsNoHandOff() {
        let roster = OnCallRoster(layers: [analysts], overrides: [
            OnCallOverride(layer: "analyst", login: "suzuki", from: instant("2026-12-24T03:00:00Z"), to: instant("2026-12-24T06:00:00Z")),
        ])
        let shift = roster.onCall(layer: "analyst", at: instant("2026-12-24T04:00:00Z"))
        #expect(shift?.isOverride == true)
        #expect(shift?.from == instant("2026-12-24T00:00:00Z"))
        #expect(shift?.until == instant("2026-12-24T12:00:00Z"))
        #expect(roster.handOffs(after: instant("2026-12-24T01:00:00Z"), limit: 1).first?.at == instant("2026-12-24T12:00:00Z"))
    }

    @Test func handOffsOfAllLayersComeInTimeOrderThenLayerOrder() {
        let leads = OnCallLayer(name: "shift_lead", rotation: OnCallRotation(
            participants: ["tanaka", "kato"], shiftLength: .days(7), handOff: TimeOfDay(hour: 9, minute: 0),
            timeZone: tokyo, start: LocalDate(year: 2026, month: 12, day: 1)))
        let manager = OnCallLayer(name: "manager", rotation: .fixed("yamada"))
        let roster = OnCallRoster(layers: [manager, analysts, leads], overrides: [
            OnCallOverride(layer: "shift_lead", login: "ito", from: instant("2026-12-07T14:00:00Z"), to: instant("2026-12-07T15:00:00Z")),
        ])
        // From Monday 2026-12-07 22:00 JST: Ito stands in for an hour, then both rotations turn at Tuesday 09:00 JST.
        #expect(roster.handOffs(after: instant("2026-12-07T13:00:00Z"), limit: 5) == [
            OnCallHandOff(at: instant("2026-12-07T14:00:00Z"), layer: "shift_lead", from: "tanaka", to: "ito"),
            OnCallHandOff(at: instant("2026-12-07T15:00:00Z"), layer: "shift_lead", from: "ito", to: "tanaka"),
            OnCallHandOff(at: instant("2026-12-08T00:00:00Z"), layer: "analyst", from: "tanaka", to: "suzuki"),
            OnCallHandOff(at: instant("2026-12-08T00:00:00Z"), layer: "shift_lead", from: "tanaka", to: "kato"),
            OnCallHandOff(at: instant("2026-12-08T12:00:00Z"), layer: "analyst", from: "suzuki", to: "tanaka"),
        ])
        #expect(roster.handOffs(after: instant("2026-12-07T13:00:00Z"), limit: 0).isEmpty)
        let now = roster.onCall(at: instant("2026-12-07T13:00:00Z"))
        #expect(now.map(\.layer) == ["manager", "analyst", "shift_lead"])
        #expect(now.map(\.login) == ["yamada", "tanaka", "tanaka"])
        // A fixed person never hands over: no bounds either way.
        #expect(now[0].from == nil && now[0].until == nil)
    }

    @Test func everyHandOffAgreesWithWhoIsOnCallEitherSideOfIt() {
        // Three people, 8-hour shifts from 07:00 New York time, through the spring change,
        // with overlapping overrides across it: each hand-off must be what onCall sees.
        let layer = OnCallLayer(name: "analyst", rotation: OnCallRotation(
            participants: ["alice", "bob", "carol"], shiftLength: .hours(8), handOff: TimeOfDay(hour: 7, minute: 0),
            timeZone: newYork, start: LocalDate(year: 2027, month: 3, day: 1)))
        let roster = OnCallRoster(layers: [layer], overrides: [
            OnCallOverride(layer: "analyst", login: "dave", from: instant("2027-03-13T20:00:00Z"), to: instant("2027-03-14T10:00:00Z")),
            OnCallOverride(layer: "analyst", login: "erin", from: instant("2027-03-14T04:00:00Z"), to: instant("2027-03-14T05:30:00Z")),
            OnCallOverride(layer: "analyst", login: "bob", from: instant("2027-03-14T09:00:00Z"), to: instant("2027-03-14T19:00:00Z")),
        ])
        let handOffs = roster.handOffs(after: instant("2027-03-13T12:00:00Z"), limit: 12)
        #expect(handOffs.count == 12)
        #expect(zip(handOffs, handOffs.dropFirst()).allSatisfy { $0.at < $1.at })
        for (i, h) in handOffs.enumerated() {
            #expect(h.from != h.to)
            #expect(roster.onCall(layer: "analyst", at: h.at.addingTimeInterval(-1))?.login == h.from, "\(h)")
            let shift = roster.onCall(layer: "analyst", at: h.at)
            #expect(shift?.login == h.to, "\(h)")
            #expect(shift?.from == h.at, "\(h)")
            if i + 1 < handOffs.count { #expect(shift?.until == handOffs[i + 1].at, "\(h)") }
        }
        #expect(handOffs.map(\.to).contains("erin"))
    }
}
