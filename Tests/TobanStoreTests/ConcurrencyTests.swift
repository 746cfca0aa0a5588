import Foundation
import Testing
import TobanCore
@testable import TobanStore
import TobanTestSupport

@Suite struct ConcurrencyTests {
    /// Ingest and a console on one file through two separate pools: the reader never fails
    /// and always sees whole batches (multiples of the batch size), never going backwards.
    @Test func twoStoresOnOneFileWriteAndReadConcurrently() async throws {
        let f = try StoreFixture()
        let console = try TobanStore(path: f.path)
        let batches = 30, size = 200
        let writer = f.store
        /// Set when the writer ends, by success or by error: the reader stops then too, so
        /// a failing writer fails the test instead of leaving the reader waiting forever.
        final class Flag: @unchecked Sendable {
            private let lock = NSLock()
            private var value = false
            var isSet: Bool { lock.withLock { value } }
            func set() { lock.withLock { value = true } }
        }
        let writerEnded = Flag()
        let writing = Task { defer { writerEnded.set() }; try await onThread {
            for b in 0..<batches {
                let detections = (0..<size).map { i in
                    makeDetection(signature: "sig-\(b)-\(i)", src: "172.16.\(b).\(i)", endpoint: "10.0.0.\(i % 20 + 1)", at: t0 + Double(b))
                }
                try writer.commit(IngestBatch(detections: detections, checkpoints: [checkpoint(offset: Int64((b + 1) * size))]),
                                  customers: [acme], now: t0 + Double(b))
            }
        } }
        let reading = Task { try await onThread { () throws -> (Int, Int, Bool) in
            var last = 0, reads = 0, overlapped = false
            while true {
                let writerHadEnded = writerEnded.isSet
                let n = try console.countNewer(than: 0)
                let page = try console.detections(limit: 50)
                let offset = try console.checkpoint(sourceID: "eve")?.offset ?? 0
                #expect(n % size == 0, "saw a partial batch: \(n)")
                #expect(n >= last, "count went backwards: \(last) → \(n)")
                #expect(Int(offset) >= n, "checkpoint behind rows")
                #expect(page.count >= min(50, n), "page read after the count saw fewer rows")  // separate read transactions
                last = n
                reads += 1
                if n > 0 && n < batches * size { overlapped = true }
                if n == batches * size || writerHadEnded { return (last, reads, overlapped) }
            }
        } }
        try await writing.value
        let (seen, reads, overlapped) = try await reading.value
        #expect(seen == batches * size)
        #expect(reads > 1 && overlapped, "reads: \(reads)")
        #expect(try console.countNewer(than: 0) == batches * size)
        try console.close()
    }
}
