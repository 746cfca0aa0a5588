import Foundation
import TobanCore
import TobanIngest
import TobanStore

/// Wires ingest's sink to the store: each batch, rows and checkpoints, in one transaction.
final class StoreSink: IngestSink {
    let store: TobanStore
    let customers: [Customer]
    let rules: UrgencyRules
    let aggregationWindow: TimeInterval
    /// What earlier batches wrote, so later ones need not read it back.
    let cache = IngestWriteCache()
    let clock: any TobanClock

    init(store: TobanStore, customers: [Customer], rules: UrgencyRules, aggregationWindow: TimeInterval, clock: any TobanClock) {
        self.store = store
        self.clock = clock
        self.customers = customers
        self.rules = rules
        self.aggregationWindow = aggregationWindow
    }

    func prepare(_ batch: inout IngestBatch) {
        TobanStore.prepare(&batch)
    }

    func commit(_ batch: IngestBatch) throws {
        try store.commit(batch, customers: customers, rules: rules, aggregationWindow: aggregationWindow, now: clock.now, cache: cache)
    }

    func commitGroup(_ next: () -> IngestBatch?) throws {
        let clock = clock
        try store.commitGroup(next, customers: customers, rules: rules, aggregationWindow: aggregationWindow,
                              now: { clock.now }, cache: cache)
    }

    func checkpoints() throws -> [SourceCheckpoint] { try store.checkpoints() }

    func sensorLastSeen() throws -> [String: Date] { try store.sensorLastSeen() }

    func pruneContext(olderThan date: Date) throws {
        cache.invalidate()
        let now = clock.now
        try store.pruneContext(retention: now.timeIntervalSince(date), now: now)
    }
}
