import Foundation
import Testing
import TobanCore
@testable import TobanIngest
import TobanTestSupport

/// An event time far in the future is flagged, kept, and does not jump the queue.
@Suite struct ImplausibleTimeTests {
    static let now = Date(timeIntervalSince1970: 1_795_176_000) // 2026-11-20T12:00:00Z

    static func alert(_ timestamp: String, signature: Int) -> String {
        #"{"timestamp":"\#(timestamp)","event_type":"alert","host":"sensor-acme-0","src_ip":"10.0.0.2","src_port":40000,"dest_ip":"203.0.113.5","dest_port":443,"proto":"TCP","alert":{"signature_id":\#(signature),"signature":"SIG \#(signature)","category":"c","severity":1}}"#
    }

    func ingest(_ lines: [String], marginMinutes: Int = 60) throws -> [Detection] {
        let scratch = TemporaryDirectory(prefix: "toban-time")
        let log = scratch.url.appendingPathComponent("eve.json")
        try (lines.joined(separator: "\n") + "\n").write(to: log, atomically: false, encoding: .utf8)
        let sink = MemorySink()
        let acme = Customer(id: "acme", displayName: "Acme", networks: [try CIDR(parsing: "10.0.0.0/16")], sensors: ["sensor-acme-0"])
        let options = IngestOptions(settings: IngestSettings(futureTimeMarginMinutes: marginMinutes))
        _ = try IngestPipeline(sources: [SourceSettings(path: log.path)], directory: CustomerDirectory(customers: [acme]),
                               rules: .default, options: options, sink: sink, clock: ManualClock(Self.now)).runOnce()
        return sink.committed.flatMap(\.detections)
    }

    @Test func aFutureTimeIsDatedAtArrivalAndKept() throws {
        let detections = try ingest([
            Self.alert("2100-01-01T00:00:00.000000+0000", signature: 1),
            Self.alert("9999-12-31T23:59:59.999999+0000", signature: 2),
            Self.alert("2026-11-20T12:10:00.000000+0000", signature: 3), // 10 minutes ahead: clock skew
            Self.alert("2026-11-20T11:00:00.000000+0000", signature: 4),
        ])
        let bySignature = Dictionary(uniqueKeysWithValues: detections.map { ($0.signature.id, $0) })
        let far = try #require(bySignature["1"])
        #expect(far.eventTime == Self.now)
        #expect(far.evidence.claimedTime == "2100-01-01T00:00:00.000Z")
        #expect(far.raw.contains("2100-01-01T00:00:00"))
        #expect(bySignature["2"]?.evidence.claimedTime == "9999-12-31T23:59:59.999Z")
        #expect(bySignature["2"]?.eventTime == Self.now)
        #expect(bySignature["3"]?.evidence.claimedTime == nil)
        #expect(bySignature["3"]?.eventTime == Self.now.addingTimeInterval(600))
        #expect(bySignature["4"]?.evidence.claimedTime == nil)
        // None sorts ahead of what arrived with it by more than the margin.
        #expect(detections.allSatisfy { $0.eventTime <= Self.now.addingTimeInterval(3600) })
    }

    @Test func theMarginIsConfigurable() throws {
        let detections = try ingest([Self.alert("2026-11-20T12:10:00.000000+0000", signature: 3)], marginMinutes: 5)
        #expect(detections.first?.evidence.claimedTime == "2026-11-20T12:10:00.000Z")
        #expect(detections.first?.eventTime == Self.now)
    }
}
