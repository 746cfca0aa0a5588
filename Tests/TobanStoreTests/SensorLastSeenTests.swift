import Foundation
import Testing
import TobanCore
@testable import TobanStore
import TobanTestSupport

@Suite struct SensorLastSeenTests {
    /// A sensor that only sends heartbeats (`stats`) on a quiet network is alive, and the
    /// latest of its events and heartbeats is what counts.
    @Test func heartbeatsAndEventsBothCount() throws {
        let f = try StoreFixture()
        try f.store.commit(IngestBatch(detections: [makeDetection(sensor: "s1", at: t0)],
                                       sensorHealth: [SensorHealthSample(sensor: "s2", customerID: "acme", at: t0 + 600, isHeartbeat: true),
                                                      SensorHealthSample(sensor: "s1", customerID: "acme", at: t0 + 60, isHeartbeat: true)]),
                           customers: [acme], now: t0)
        let seen = try f.store.sensorLastSeen()
        #expect(seen["s1"] == t0 + 60)
        #expect(seen["s2"] == t0 + 600)
        #expect(seen["never"] == nil)
    }
}
