import Foundation

/// The escalation ladder's rule: who is paged next about a chain, and when. Pure: the
/// dispatcher asks it each pass with the chain's last page and the time.
///
/// analyst on duty → shift lead → manager (the configured levels), each given
/// `acknowledgeMinutes`; after the last level the ladder starts again from the first,
/// `repeats` times in all; then it stops paging and the chain stays on every console.
public struct PagingLadder: Sendable, Equatable {
    /// On-call layer names, lowest first.
    public var levels: [String]
    public var acknowledgeMinutes: Int
    public var repeats: Int

    public init(levels: [String], acknowledgeMinutes: Int, repeats: Int) {
        self.levels = levels
        self.acknowledgeMinutes = max(1, acknowledgeMinutes)
        self.repeats = max(1, repeats)
    }

    public struct Step: Sendable, Equatable {
        public var level: Int
        public var round: Int
        public var layer: String
        public var reason: Page.Reason
    }

    /// The first page of a new chain.
    public var first: Step? {
        levels.first.map { Step(level: 0, round: 0, layer: $0, reason: .deadlineNear) }
    }

    /// The page that follows `last` at `now`: nil while `last` still has time, was
    /// acknowledged or resolved, or when the ladder has gone round `repeats` times.
    public func next(after last: Page, at now: Date) -> Step? {
        guard last.isOpen, now >= last.acknowledgeBy, !levels.isEmpty else { return nil }
        var level = last.level + 1
        var round = last.round
        if level >= levels.count {
            level = 0
            round += 1
        }
        guard round < repeats else { return nil }
        return Step(level: level, round: round, layer: levels[level], reason: .unacknowledged)
    }

    /// When a page made at `pagedAt` must have been acknowledged.
    public func acknowledgeBy(pagedAt: Date) -> Date {
        pagedAt.addingTimeInterval(Double(acknowledgeMinutes * 60))
    }
}
