import Foundation

/// Who holds one on-call duty when: participants take turns in order, each for one shift,
/// handing off at a local wall-clock time. Deterministic from its start date: shift 0
/// begins on `start` at `handOff`, and the turns extend the same way before that date.
///
/// Shifts step in wall-clock time of `timeZone`, so a 12-hour rotation handing off at 09:00
/// always changes at 09:00 and 21:00 local; the shift that spans a daylight saving change
/// lasts 11 or 13 hours instead.
public struct OnCallRotation: Sendable, Equatable {
    public enum ShiftLength: Sendable, Equatable, CustomStringConvertible {
        case hours(Int)
        case days(Int)

        /// Length on the wall clock (a day is 24 wall hours, whatever the zone does).
        var wallSeconds: Int {
            switch self {
            case .hours(let h): return h * 3_600
            case .days(let d): return d * 86_400
            }
        }

        public var description: String {
            switch self {
            case .hours(let h): return "\(h)h"
            case .days(let d): return "\(d)d"
            }
        }
    }

    public var participants: [String]
    public var shiftLength: ShiftLength
    public var handOff: TimeOfDay
    public var timeZone: TimeZone
    public var start: LocalDate

    /// `participants` must not be empty and the shift must last at least one hour
    /// (the configuration decoder reports both; here they are preconditions).
    public init(participants: [String], shiftLength: ShiftLength, handOff: TimeOfDay, timeZone: TimeZone, start: LocalDate) {
        precondition(!participants.isEmpty, "a rotation needs participants")
        precondition(shiftLength.wallSeconds >= 3_600, "a shift lasts at least an hour")
        self.participants = participants
        self.shiftLength = shiftLength
        self.handOff = handOff
        self.timeZone = timeZone
        self.start = start
    }

    /// One person holding the duty all the time.
    public static func fixed(_ login: String, timeZone: TimeZone = TimeZone(identifier: "UTC")!) -> OnCallRotation {
        OnCallRotation(participants: [login], shiftLength: .days(1), handOff: TimeOfDay(hour: 0, minute: 0),
                       timeZone: timeZone, start: LocalDate(year: 2000, month: 1, day: 1))
    }

    /// Whether the person ever changes (a rotation of one, or of one login listed twice, never does).
    public var changesHands: Bool { Set(participants).count > 1 }

    // MARK: Shifts

    /// The number of the shift holding the duty at `instant` (0 is the one starting on `start`).
    public func shiftNumber(at instant: Date) -> Int {
        var n = (wall.seconds(at: instant) - origin).flooredDivision(by: shiftLength.wallSeconds)
        // The wall-clock estimate is off by one around a daylight saving change.
        while shiftStart(n) > instant { n -= 1 }
        while shiftStart(n + 1) <= instant { n += 1 }
        return n
    }

    /// The number of the shift that held the duty just before `instant`.
    func shiftNumber(justBefore instant: Date) -> Int {
        var n = shiftNumber(at: instant)
        while shiftStart(n) >= instant { n -= 1 }
        return n
    }

    /// When shift `n` begins. A shift wholly inside a skipped hour begins and ends at the
    /// same instant: nobody holds it.
    public func shiftStart(_ n: Int) -> Date {
        wall.instant(origin + n * shiftLength.wallSeconds)
    }

    public func login(ofShift n: Int) -> String {
        participants[n.positiveModulo(participants.count)]
    }

    /// Who holds the duty at `instant` (a shift includes its start, not its end).
    public func login(at instant: Date) -> String {
        login(ofShift: shiftNumber(at: instant))
    }

    /// The shift in progress at `instant`: who, from when, until when.
    public func shift(at instant: Date) -> (login: String, from: Date, until: Date) {
        let n = shiftNumber(at: instant)
        return (login(ofShift: n), shiftStart(n), shiftStart(n + 1))
    }

    private var wall: WallClock { WallClock(timeZone: timeZone) }
    private var origin: Int { WallClock.seconds(start, handOff) }
}
