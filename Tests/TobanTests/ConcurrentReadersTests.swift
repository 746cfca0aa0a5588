import Foundation
import Testing
import TobanCore
import TobanStore
import TobanTestSupport

/// One writer (this process, through TobanStore) and two `toban query` reader processes on
/// the same file at once: readers never fail with SQLITE_BUSY / locked, and only ever see
/// whole batches, in growing numbers.
@Suite struct ConcurrentReadersTests {
    @Test func readersInOtherProcessesNeverFailWhileIngestWrites() async throws {
        let dir = TemporaryDirectory()
        let store = try TobanStore(path: dir.storePath)
        defer { try? store.close() }
        let batches = 20, size = 1000
        let customers = [Customer(id: "acme", displayName: "ACME")]
        let writing = Task { try await onThread {
            for b in 0..<batches {
                let detections = (0..<size).map { i in
                    let at = Date(timeIntervalSince1970: 1_790_000_000 + Double(b * size + i))
                    return Detection(customerID: "acme", sensor: "s1", sourceFormat: .suricataEVE,
                                     sourcePosition: SourcePosition(source: "eve", offset: Int64(b * size + i)),
                                     eventTime: at, ingestTime: at, signature: Signature(id: "sig-\(i % 50)", name: "signature \(i % 50)"),
                                     vendorSeverity: "2", severity: .medium, sourceIP: IPAddress(ipv4: 0xAC10_0000 + UInt32(b * size + i)),
                                     destinationIP: IPAddress("203.0.113.1"), endpoint: IPAddress("10.0.0.\(i % 100 + 1)"))
                }
                try store.commit(IngestBatch(detections: detections), customers: customers, now: Date(timeIntervalSince1970: 1_790_100_000))
            }
        } }
        func reader() -> Task<[Int], any Error> {
            Task { try await onThread {
                var seen: [Int] = []
                while true {
                    let r = try TobanBinary.run(["query", "detections", "--store", dir.storePath, "--json"], in: dir.url)
                    #expect(r.status == 0, "reader failed: \(r.stderr)")
                    #expect(!r.stderr.lowercased().contains("locked") && !r.stderr.lowercased().contains("busy"), "\(r.stderr)")
                    let n = r.lines.count
                    seen.append(n)
                    if r.status != 0 || n >= batches * size { return seen }
                }
            } }
        }
        let readers = [reader(), reader()]
        try await writing.value
        for task in readers {
            let counts = try await task.value
            print("toban query reader saw detection counts: \(counts)")
            #expect(counts.last == batches * size)
            #expect(counts == counts.sorted(), "counts went backwards: \(counts)")
            #expect(counts.allSatisfy { $0 % size == 0 }, "a reader saw a partial batch: \(counts)")
            #expect(counts.contains { $0 < batches * size }, "the reader never overlapped the writer: \(counts)")
        }
    }
}
