import Foundation
import Testing
import TobanCore
@testable import TobanIngest
import TobanTestSupport

private func ip(_ s: String) -> IPAddress { IPAddress(s)! }

private let acme = Customer(id: "acme", displayName: "株式会社アクメ", networks: [try! CIDR(parsing: "10.0.0.0/16")],
                            sensors: ["sensor-acme-0"], contract: ContractOptions(silenceMinutes: 15))
private let kobe = Customer(id: "kobe", displayName: "神戸精工", networks: [try! CIDR(parsing: "10.1.0.0/16"), try! CIDR(parsing: "10.1.5.0/24")],
                            sensors: ["sensor-kobe-0"],
                            maintenanceWindows: [MaintenanceWindow(recurrence: .monthlyOnDay(1), starts: TimeOfDay(hour: 1, minute: 0), durationMinutes: 60)])

@Suite struct CustomerDirectoryTests {
    let directory = CustomerDirectory(customers: [acme, kobe])

    @Test func sensorNameWinsOverNetworks() {
        let a = directory.assign(sourceCustomer: nil, sensor: "sensor-acme-0", source: ip("10.1.2.3"), destination: ip("8.8.8.8"))
        #expect(a.customerID == "acme")
        // The endpoint must be internal to the assigned customer; 10.1.2.3 is not acme's, but it is private.
        #expect(a.endpoint == ip("10.1.2.3"))
    }

    @Test func configuredSourceCustomerWinsOverSensor() {
        let a = directory.assign(sourceCustomer: "kobe", sensor: "sensor-acme-0", source: ip("10.1.2.3"), destination: nil)
        #expect(a.customerID == "kobe")
        #expect(a.endpoint == ip("10.1.2.3"))
    }

    @Test func networksDecideWhenSensorIsUnknownAndDestinationMayBeTheEndpoint() {
        let a = directory.assign(sourceCustomer: nil, sensor: "unknown", source: ip("203.0.113.9"), destination: ip("10.0.4.4"))
        #expect(a == CustomerDirectory.Assignment(customerID: "acme", endpoint: ip("10.0.4.4")))
    }

    @Test func unclaimedEventsAreUnassignedNotDropped() {
        let a = directory.assign(sourceCustomer: nil, sensor: "stranger", source: ip("192.168.1.5"), destination: ip("1.1.1.1"))
        #expect(a.isUnassigned)
        #expect(a.endpoint == ip("192.168.1.5"))
        let none = directory.assign(sourceCustomer: nil, sensor: nil, source: nil, destination: nil)
        #expect(none.isUnassigned && none.endpoint == nil)
    }
}

@Suite struct UnconfiguredCustomerTests {
    /// Sensor and file names name no customer: guessing one from `file:notice.log` made up
    /// customers ("filenotice.log"), so what nothing configured claims stays unassigned.
    @Test func withoutConfigurationSensorNamesNameNoCustomer() {
        let directory = CustomerDirectory(customers: [])
        for sensor in ["sensor-acme-0", "fw-sendai", "file:notice.log", "unknown", "\u{1b}[2J"] {
            let a = directory.assign(sourceCustomer: nil, sensor: sensor, source: ip("10.0.0.5"), destination: nil)
            #expect(a == CustomerDirectory.Assignment(customerID: Customer.unassignedID, endpoint: ip("10.0.0.5")), "\(sensor)")
        }
        #expect(CustomerDirectory(customers: [acme]).assign(sourceCustomer: nil, sensor: "sensor-zzz-0", source: nil, destination: nil).isUnassigned)
    }

    /// A source's customer is never ignored: the pipeline does not start with one the
    /// directory does not hold.
    @Test func aSourceNamingAnUnknownCustomerIsRefused() throws {
        let dir = TemporaryDirectory(prefix: "toban-source-customer")
        let path = dir.file("eve.json")
        writeFile(path, "")
        #expect(throws: UnknownSourceCustomer(customerID: "acme", path: path)) {
            try IngestPipeline(sources: [SourceSettings(path: path, customerID: "acme")], directory: CustomerDirectory(customers: []),
                               rules: .default, options: IngestOptions(quarantinePath: dir.file("q.jsonl")), sink: MemorySink(),
                               clock: ManualClock())
        }
        let owned = CustomerDirectory(customers: [Customer(id: "acme", displayName: "acme")])
        #expect(owned.assign(sourceCustomer: "acme", sensor: "sensor-zzz-0", source: ip("203.0.113.9"), destination: nil).customerID == "acme")
    }
}

@Suite struct FloodMeterTests {
    @Test func contextIsSampledPastTheLimitButDetectionsNever() {
        var meter = FloodMeter(limitPerSecond: 100, sampleEvery: 10)
        var kept = 0, detectionsKept = 0
        var started = 0
        for i in 0..<1000 {
            let isDetection = i % 100 == 0
            let (verdict, transition) = meter.record(second: 5, isDetection: isDetection)
            if case .floodStarted = transition { started += 1 }
            if verdict == .keep { kept += 1; if isDetection { detectionsKept += 1 } }
        }
        #expect(started == 1)
        #expect(detectionsKept == 10)
        // 100 under the limit, then ~1 in 10 of the rest.
        #expect(kept > 100 && kept < 200)
        #expect(meter.flooding)
        let (_, transition) = meter.record(second: 6, isDetection: false)
        #expect(transition == .none) // second 5 ended over the limit; still flooding
        let (_, ended) = meter.record(second: 7, isDetection: false)
        #expect(ended == .floodEnded)
    }
}

@Suite struct SilenceMonitorTests {
    let directory = CustomerDirectory(customers: [acme, kobe])

    @Test func silentSensorIsAGap() {
        let now = Date(timeIntervalSince1970: 1_800_000_000) // 2027-01-15 08:00 UTC — not kobe's maintenance
        let gaps = SilenceMonitor.gaps(lastSeen: ["sensor-acme-0": now.addingTimeInterval(-20 * 60),
                                                  "sensor-kobe-0": now.addingTimeInterval(-5 * 60)],
                                       directory: directory, now: now)
        #expect(gaps.map(\.sensor) == ["sensor-acme-0"])
        #expect(gaps.first?.silentMinutes == 20)
        let d = HealthDetections.monitoringGap(gaps[0], now: now)
        #expect(d.signature.id == HealthDetections.monitoringGapID)
        #expect(d.urgency == .p2)
    }

    @Test func silenceInsideMaintenanceIsNotAGap() {
        // 2026-12-01 01:30 JST is inside kobe's monthly window (day 1, 01:00 for 60 min).
        let f = ISO8601DateFormatter()
        let now = f.date(from: "2026-11-30T16:30:00Z")!
        let gaps = SilenceMonitor.gaps(lastSeen: ["sensor-kobe-0": now.addingTimeInterval(-3600)], directory: directory, now: now)
        #expect(gaps.isEmpty)
        let after = now.addingTimeInterval(3600)
        #expect(SilenceMonitor.gaps(lastSeen: ["sensor-kobe-0": now.addingTimeInterval(-3600)], directory: directory, now: after).count == 1)
    }

    @Test func neverSeenSensorIsNotYetAGap() {
        #expect(SilenceMonitor.gaps(lastSeen: [:], directory: directory, now: Date()).isEmpty)
    }
}

@Suite struct BatchAccumulatorTests {
    func detection(_ sig: String, at t: TimeInterval, src: String = "10.0.0.5") -> Detection {
        Detection(customerID: "acme", sensor: "s", sourceFormat: .suricataEVE, sourcePosition: SourcePosition(source: "f", offset: Int64(t)),
                  eventTime: Date(timeIntervalSince1970: t), ingestTime: Date(timeIntervalSince1970: t),
                  signature: Signature(id: sig, name: sig), vendorSeverity: "2", severity: .medium,
                  sourceIP: ip(src), destinationIP: ip("8.8.8.8"))
    }

    @Test func repeatsWithinTheWindowFoldIntoOne() {
        var acc = BatchAccumulator(aggregationWindow: 600)
        for i in 0..<100 { acc.add(detection: detection("1", at: 1000 + Double(i))) }
        acc.add(detection: detection("1", at: 1099 + 601)) // past the window: a new row
        acc.add(detection: detection("2", at: 1050))
        acc.add(detection: detection("1", at: 1050, src: "10.0.0.6"))
        let batch = acc.take(checkpoints: [], context: false)
        #expect(batch.detections.count == 4)
        #expect(batch.detections[0].count == 100)
        #expect(batch.detections[0].firstSeen == Date(timeIntervalSince1970: 1000))
        #expect(batch.detections[0].lastSeen == Date(timeIntervalSince1970: 1099))
        #expect(batch.counters.detections == 103)
        #expect(acc.take(checkpoints: [], context: false).detections.isEmpty)
    }

    @Test func contextGoesIntoHourlyBucketsPerEndpoint() {
        var acc = BatchAccumulator(aggregationWindow: 600)
        let t0 = 7200.0
        for i in 0..<50 {
            acc.add(context: .dns, customerID: "acme", endpoint: ip("10.0.0.5"), time: Date(timeIntervalSince1970: t0 + Double(i)),
                    peer: nil) { $0.append(contentsOf: Array("A host\(i % 40).example".utf8)) }
        }
        acc.add(context: .tls, customerID: "acme", endpoint: ip("10.0.0.5"), time: Date(timeIntervalSince1970: t0 + 3600),
                peer: nil) { $0.append(contentsOf: Array("tls sni=-".utf8)) }
        let batch = acc.take(checkpoints: [], context: true)
        #expect(batch.context.count == 2)
        #expect(batch.context[0].counts[.dns] == 50)
        #expect(batch.context[0].samples.count == ContextBucket.sampleLimit)
        #expect(batch.context[1].bucketStart == Date(timeIntervalSince1970: t0 + 3600))
        #expect(batch.counters.contextEvents == 51)
        #expect(!acc.hasContext && acc.sampleCount == 0)
    }

    /// Context is held across batches until one takes it: its events are counted by the
    /// batch they arrived in, its buckets go with the batch that takes the context.
    @Test func contextWaitsForTheBatchThatTakesIt() {
        var acc = BatchAccumulator(aggregationWindow: 600)
        func dns(_ i: Int) {
            let time = Date(timeIntervalSince1970: 7200 + Double(i))
            acc.add(context: .dns, customerID: "acme", endpoint: ip("10.0.0.5"), time: time, peer: nil) {
                $0.append(contentsOf: Array("A host\(i).example".utf8))
            }
        }
        dns(0); dns(1)
        acc.add(detection: detection("1", at: 7201))
        let first = acc.take(checkpoints: [], context: false)
        #expect(first.context.isEmpty && first.detections.count == 1 && first.counters.contextEvents == 2)
        #expect(acc.isEmpty && acc.hasContext && acc.sampleCount == 2)
        dns(2); dns(1)
        let second = acc.take(checkpoints: [], context: true)
        #expect(second.counters.contextEvents == 2)
        #expect(second.context.count == 1)
        #expect(second.context[0].counts[.dns] == 4)
        #expect(second.context[0].samples.map(\.summary) == ["A host0.example", "A host1.example", "A host2.example"])
        #expect(!acc.hasContext)
    }
}

/// The short list in front of the dictionary must not change what a key maps to, whether
/// the key is among the last few or long gone from them.
@Suite struct RecentStringsTests {
    @Test func keysKeepTheirFirstValue() {
        var map = RecentStrings<Int>()
        var made = 0
        for round in 0..<3 {
            for i in 0..<40 {
                let value = map.value(for: "sensor-\(i)") { n in made += 1; return n }
                #expect(value == i, "round \(round), key \(i)")
            }
        }
        #expect(made == 40 && map.count == 40)
        // Interleaved with a recent key, far keys still find their value.
        for i in stride(from: 39, through: 0, by: -7) {
            #expect(map.value(for: "sensor-3") { _ in -1 } == 3)
            #expect(map.value(for: "sensor-\(i)") { _ in -1 } == i)
        }
    }
}
