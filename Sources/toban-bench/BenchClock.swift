import Foundation
import TobanCore

/// Real time, moved so that it starts at a chosen date: the benchmark's store was seeded
/// around that date, and ages on screen stay those an analyst would see, while intervals
/// and waits run at real speed.
struct BenchClock: TobanClock {
    let startsAt: Date
    private let started = ContinuousClock.now

    init(startingAt date: Date) { startsAt = date }

    var now: Date { startsAt.addingTimeInterval(uptime.timeInterval) }

    var uptime: Duration { ContinuousClock.now - started }

    func wait(on condition: NSCondition, for duration: Duration) -> Bool {
        condition.wait(until: Date().addingTimeInterval(max(0, duration.timeInterval)))
    }
}
