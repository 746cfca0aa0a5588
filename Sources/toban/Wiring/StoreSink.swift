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

    init(store: TobanStore, customers: [Customer], rules: UrgencyRules, aggregationWindow: TimeInterval) {
        self.store = store
        self.customers = customers
        self.rules = rules
        self.aggregationWindow = aggregationWindow
    }

    func prepare(_ batch: inout IngestBatch) {
        TobanStore.prepare(&batch)
    }

    func commit(_ batch: IngestBatch) throws {
        try store.commit(batch, customers: customers, rules: rules, aggregationWindow: aggregationWindow, now: Date(), cache: cache)
    }

    func checkpoints() throws -> [SourceCheckpoint] { try store.checkpoints() }

    func sensorLastSeen() throws -> [String: Date] { try store.sensorLastSeen() }

    func pruneContext(olderThan date: Date) throws {
        cache.invalidate()
        try store.pruneContext(retention: Date().timeIntervalSince(date), now: Date())
    }
}
