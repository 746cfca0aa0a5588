import Foundation
import GRDB
import Testing
import TobanCore
@testable import TobanStore
import TobanTestSupport

@Suite struct BatchCommitTests {
    let rules = UrgencyRules(base: UrgencyRules.default.base, raisingCategories: UrgencyRules.default.raisingCategories,
                             loweringCategories: UrgencyRules.default.loweringCategories, corroborationThreshold: 2, repeatThreshold: 3)

    @Test func foldsRepeatsWithinTheWindowAndInsertsOutsideIt() throws {
        let f = try StoreFixture()
        let hour: TimeInterval = 3600
        var r = try f.store.commit(IngestBatch(detections: [makeDetection(at: t0)]), customers: [acme], rules: rules, aggregationWindow: hour, now: t0)
        #expect(r.inserted == 1 && r.folded == 0)
        let first = try #require(try f.store.detections().first)
        #expect(first.urgency == .p3)

        // Same key 10 minutes later, in another batch: folded into the stored row.
        r = try f.store.commit(IngestBatch(detections: [makeDetection(at: t0 + 600)]), customers: [acme], rules: rules, aggregationWindow: hour, now: t0 + 600)
        #expect(r.inserted == 0 && r.folded == 1)
        var row = try #require(try f.store.detection(id: first.id))
        #expect(row.count == 2)
        #expect(row.lastSeen == t0 + 600)
        #expect(row.firstSeen == t0)
        #expect(row.urgency == .p3)

        // A third occurrence in the same batch as a folded pair: count reaches the repeat threshold → urgency re-evaluated.
        r = try f.store.commit(IngestBatch(detections: [makeDetection(at: t0 + 900)]), customers: [acme], rules: rules, aggregationWindow: hour, now: t0 + 900)
        row = try #require(try f.store.detection(id: first.id))
        #expect(row.count == 3)
        #expect(row.urgency == .p2)
        #expect(row.urgencyReason.contains("repeated 3 times"))

        // Outside the window: a new detection.
        r = try f.store.commit(IngestBatch(detections: [makeDetection(at: t0 + 900 + 2 * hour)]), customers: [acme], rules: rules, aggregationWindow: hour, now: t0 + 3 * hour)
        #expect(r.inserted == 1 && r.folded == 0)
        #expect(try f.count("SELECT COUNT(*) FROM detections") == 2)

        // A different destination is a different key.
        r = try f.store.commit(IngestBatch(detections: [makeDetection(dst: "198.51.100.1", at: t0 + 901)]), customers: [acme], rules: rules, aggregationWindow: hour, now: t0 + 3 * hour)
        #expect(r.inserted == 1)
    }

    @Test func foldsWithinOneBatchAndIgnoresClosedRows() throws {
        let f = try StoreFixture()
        let batch = IngestBatch(detections: (0..<5).map { makeDetection(at: t0 + Double($0) * 60, offset: Int64($0) * 100) })
        let r = try f.store.commit(batch, customers: [acme], rules: rules, now: t0)
        #expect(r.inserted == 1 && r.folded == 4)
        let d = try #require(try f.store.detections().first)
        #expect(d.count == 5)
        #expect(d.sourcePosition.offset == 0)
        try f.store.dispose([d.id], disposition: .noAction, actor: "yamada", at: t0 + 400)
        // A repeat after the analyst closed it opens a new row instead of vanishing into the closed one.
        try f.store.commit(IngestBatch(detections: [makeDetection(at: t0 + 500)]), customers: [acme], rules: rules, now: t0 + 500)
        #expect(try f.count("SELECT COUNT(*) FROM detections") == 2)
        #expect(try f.store.detections().map(\.count) == [1])
    }

    @Test func urgencyUsesCorroborationAndCriticalAssets() throws {
        let f = try StoreFixture()
        var dc = acme
        dc.criticalAssets = [CriticalAsset(network: try CIDR(parsing: "10.0.9.0/24"), weight: 9, label: "DC")]
        try f.store.commit(IngestBatch(detections: [
            makeDetection(signature: "1", name: "sig one", severity: .low, endpoint: "10.0.0.5", at: t0),
            makeDetection(signature: "2", name: "sig two", severity: .low, endpoint: "10.0.0.5", at: t0 + 60),
        ]), customers: [dc], rules: rules, now: t0 + 60)
        // Third signature on the same endpoint within 24 h: two others corroborate (+1).
        try f.store.commit(IngestBatch(detections: [makeDetection(signature: "3", name: "sig three", severity: .low, endpoint: "10.0.0.5", at: t0 + 3600)]),
                           customers: [dc], rules: rules, now: t0 + 3600)
        let third = try #require(try f.store.detections(DetectionFilter(signature: "sig three")).first)
        #expect(third.urgency == .p3)
        #expect(third.urgencyReason.contains("corroborated by 2 other signatures"))
        // Endpoint on a weight-9 critical asset: +2.
        try f.store.commit(IngestBatch(detections: [makeDetection(signature: "4", name: "sig four", severity: .low, src: "10.0.9.10", endpoint: "10.0.9.10", at: t0)]),
                           customers: [dc], rules: rules, now: t0)
        let onAsset = try #require(try f.store.detections(DetectionFilter(signature: "sig four")).first)
        #expect(onAsset.urgency == .p2)
        #expect(onAsset.urgencyReason.contains("critical asset DC"))
    }

    /// A detection is corroborated by what came before it on its endpoint, never by what
    /// followed it: the same lines give the same urgencies in one batch as in one batch
    /// per line (a backlog and a followed file split a log differently).
    @Test func corroborationDoesNotDependOnWhereBatchesSplit() throws {
        let lines = [
            makeDetection(signature: "1", name: "sig one", severity: .low, endpoint: "10.0.0.5", at: t0, offset: 0),
            makeDetection(signature: "2", name: "sig two", severity: .low, endpoint: "10.0.0.5", at: t0 + 60, offset: 100),
            // The same second as the next line: line order decides which came first.
            makeDetection(signature: "3", name: "sig three", severity: .low, endpoint: "10.0.0.5", at: t0 + 120, offset: 200),
            makeDetection(signature: "4", name: "sig four", severity: .low, endpoint: "10.0.0.5", at: t0 + 120, offset: 300),
            // A repeat of the first: its row is re-evaluated at its last activity.
            makeDetection(signature: "1", name: "sig one", severity: .low, endpoint: "10.0.0.5", at: t0 + 180, offset: 400),
        ]
        func stored(_ batches: [[Detection]]) throws -> [String: (Urgency, String)] {
            let f = try StoreFixture()
            for batch in batches {
                try f.store.commit(IngestBatch(detections: batch), customers: [acme], rules: rules, now: t0 + 180)
            }
            return Dictionary(uniqueKeysWithValues: try f.store.detections().map { ($0.signature.id, ($0.urgency, $0.urgencyReason)) })
        }
        let whole = try stored([lines])
        let split = try stored(lines.map { [$0] })
        #expect(whole.count == 4)
        for id in ["1", "2", "3", "4"] {
            #expect(whole[id]?.0 == split[id]?.0, "signature \(id)")
            #expect(whole[id]?.1 == split[id]?.1, "signature \(id)")
        }
        // One other signature before the second (threshold 2: no raise); two before the
        // third, not the fourth of the same second, which follows it; three before the
        // fourth, and before the repeat of the first.
        #expect(whole["2"]?.1.contains("corroborated") == false)
        #expect(whole["3"]?.1.contains("corroborated by 2 other signatures") == true)
        #expect(whole["4"]?.1.contains("corroborated by 3 other signatures") == true)
        #expect(whole["1"]?.1.contains("corroborated by 3 other signatures") == true)
        #expect(whole["2"]?.0 == .p4 && whole["3"]?.0 == .p3)
    }

    /// The writer stores an endpoint's explanation as JSON written from the scorer's bytes:
    /// the text `JSONText.array` makes of the scorer's lines, whatever the names hold.
    @Test func storedExplanationIsTheScorersLinesAsJSON() throws {
        let f = try StoreFixture()
        var dc = acme
        dc.criticalAssets = [CriticalAsset(network: try CIDR(parsing: "10.0.0.0/24"), weight: 3, label: "財務 \"DC\"")]
        let names = ["quote \" back \\ slash", "line\nbreak\ttab\u{1}\u{1F}", "本番 ⟦seen 0⟧ ×9", "ET TROJAN \u{1B}[2J beacon"]
        let detections = names.enumerated().map { i, name in
            makeDetection(signature: "\(i + 1)", name: name, severity: .high, endpoint: "10.0.0.5", at: t0 + Double(i))
        }
        try f.store.commit(IngestBatch(detections: detections), customers: [dc], rules: rules, now: t0 + 10)
        let stored = try f.store.detections()
        let signals = stored.map { EndpointSignal(signatureID: $0.signature.id, signatureName: $0.signature.name, urgency: $0.urgency,
                                                  count: $0.count, lastSeen: $0.lastSeen) }
            .sorted { $0.signatureID < $1.signatureID }
        let expected = EndpointRiskScorer.score(signals: signals, asset: dc.criticalAssets.first, now: t0 + 10)
        #expect(expected.explanation.count == names.count + 2) // a line each, distinct signatures, the asset
        let text = try f.store.pool.read { db in
            try String.fetchOne(db, sql: "SELECT risk_explanation FROM endpoints WHERE customer_id = 'acme' AND ip = '10.0.0.5'")
        }
        #expect(text == JSONText.array(expected.explanation))
        let endpoint = try #require(try f.store.endpoint(customer: "acme", address: ip("10.0.0.5")))
        #expect(endpoint.riskExplanation == expected.explanation)
        #expect(endpoint.riskScore == expected.score)
    }

    @Test func endpointsAreUpsertedAndRescored() throws {
        let f = try StoreFixture()
        let evidence = Evidence(sourceMAC: "00:11:22:33:44:55", sourceHostname: "pc-042")
        try f.store.commit(IngestBatch(detections: [makeDetection(signature: "1", name: "one", severity: .high, at: t0, evidence: evidence)]),
                           customers: [acme], rules: rules, now: t0)
        let e1 = try #require(try f.store.endpoint(customer: "acme", address: ip("10.0.0.5")))
        #expect(e1.hostname == "pc-042" && e1.mac == "00:11:22:33:44:55")
        #expect(e1.riskScore > 0)
        #expect(e1.detectionCount == 1 && e1.distinctSignatures == 1)
        #expect(e1.riskExplanation.first?.contains("one") == true)
        try f.store.commit(IngestBatch(detections: [makeDetection(signature: "2", name: "two", severity: .high, at: t0 + 60)]),
                           customers: [acme], rules: rules, now: t0 + 60)
        let e2 = try #require(try f.store.endpoint(customer: "acme", address: ip("10.0.0.5")))
        #expect(e2.riskScore > e1.riskScore)
        #expect(e2.detectionCount == 2 && e2.distinctSignatures == 2)
        #expect(e2.hostname == "pc-042")
        #expect(e2.lastSeen == t0 + 60 && e2.firstSeen == t0)
        // Closing both detections as false positive takes the risk back to zero.
        let ids = try f.store.detections().map(\.id)
        try f.store.dispose(ids, disposition: .falsePositive, actor: "yamada", at: t0 + 120)
        #expect(try f.store.endpoint(customer: "acme", address: ip("10.0.0.5"))?.riskScore == 0)
        #expect(try f.store.endpoints().first?.address == ip("10.0.0.5"))
    }

    @Test func detectionFieldsRoundTrip() throws {
        let f = try StoreFixture()
        let evidence = Evidence(url: "http://x.example/a?b=\"c\"", httpHost: "x.example", userAgent: "curl/8\n\u{1}", dnsQuery: "例え.jp")
        var d = makeDetection(src: "2001:db8::1", dst: "2001:db8::2", endpoint: "2001:db8::1", at: t0 + 0.123, evidence: evidence)
        d.raw = "line with \"quotes\" and 日本語"
        try f.store.commit(IngestBatch(detections: [d]), customers: [acme], now: t0)
        let stored = try #require(try f.store.detections().first)
        #expect(stored.evidence == evidence)
        #expect(stored.raw == d.raw)
        #expect(stored.sourceIP == ip("2001:db8::1") && stored.endpoint == ip("2001:db8::1"))
        // Times are stored in milliseconds.
        #expect(abs(stored.lastSeen.timeIntervalSince(t0) - 0.123) < 0.0005 && abs(stored.eventTime.timeIntervalSince(t0) - 0.123) < 0.0005)
        #expect(stored.sourcePort == 49152 && stored.transport == "TCP" && stored.sourceFormat == .suricataEVE)
        #expect(stored.signature == d.signature && stored.severity == d.severity && stored.vendorSeverity == "2")
    }

    @Test func contextBucketsMergeCountsAndBoundSamples() throws {
        let f = try StoreFixture()
        let start = ContextBucket.bucketStart(for: t0)
        func bucket(_ kind: ContextKind, _ n: Int, samples: Range<Int>) -> ContextBucket {
            ContextBucket(customerID: "acme", endpoint: ip("10.0.0.5"), bucketStart: start, counts: [kind: n],
                          samples: samples.map { ContextSample(time: start + Double($0), kind: kind, peer: $0 % 2 == 0 ? ip("8.8.8.8") : nil,
                                                               summary: "A \"host\($0)\".example") })
        }
        try f.store.commit(IngestBatch(context: [bucket(.dns, 2, samples: 0..<20)]), customers: [acme], now: t0)
        try f.store.commit(IngestBatch(context: [bucket(.dns, 3, samples: 10..<30), bucket(.http, 1, samples: 100..<120)]), customers: [acme], now: t0)
        // One bucket, one part per batch that touched it.
        #expect(try f.count("SELECT COUNT(DISTINCT bucket_start || endpoint) FROM context_parts") == 1)
        #expect(try f.count("SELECT COUNT(*) FROM context_parts") == 2)
        let items = try f.store.endpointTimeline(customer: "acme", address: ip("10.0.0.5"), around: t0)
        guard case .context(let merged)? = items.first else { Issue.record("no context in timeline"); return }
        #expect(merged.counts == [.dns: 5, .http: 1])
        #expect(merged.samples.count == ContextBucket.sampleLimit)
        #expect(Set(merged.samples.map(\.summary)).count == ContextBucket.sampleLimit)
        #expect(merged.samples.map(\.time) == merged.samples.map(\.time).sorted())
        #expect(merged.samples.first == ContextSample(time: start, kind: .dns, peer: ip("8.8.8.8"), summary: "A \"host0\".example"))
        #expect(merged.samples[1].peer == nil)
        // Retention pruning removes old buckets only.
        #expect(try f.store.pruneContext(retention: 72 * 3600, now: t0 + 3600) == 0)
        #expect(try f.count("SELECT COUNT(*) FROM context_parts") == 2)
        #expect(try f.store.pruneContext(retention: 72 * 3600, now: t0 + 80 * 3600) == 1)
        #expect(try f.count("SELECT COUNT(*) FROM context_parts") == 0)
    }

    /// New parts are inserted `insertChunk` to a statement that skips a part already
    /// stored. A writer whose cache is wrong about a bucket's next part still loses
    /// nothing: the skipped part is merged into the stored one, the others inserted.
    @Test func aPartTheCacheWronglyThoughtNewIsMergedNotLost() throws {
        let f = try StoreFixture()
        let cache = IngestWriteCache()
        let start = ContextBucket.bucketStart(for: t0)
        func buckets(_ round: Int) -> [ContextBucket] {
            (0..<(BatchWriter.insertChunk + 5)).map { i in
                ContextBucket(customerID: "acme", endpoint: ip("10.0.1.\(i + 1)"), bucketStart: start, counts: [.dns: 1],
                              samples: [ContextSample(time: start + Double(round), kind: .dns, peer: nil, summary: "A round\(round)")])
            }
        }
        func commit(_ round: Int) throws {
            var batches = [IngestBatch(context: buckets(round))][...]
            try f.store.commitGroup({ batches.popFirst() }, customers: [acme], now: { t0 }, cache: cache)
        }
        try commit(0)
        #expect(try f.count("SELECT COUNT(*) FROM context_parts WHERE part = 0") == BatchWriter.insertChunk + 5)
        // The cache forgets the parts of three buckets of the next statement's 32: it takes
        // their next part to be 0 again, which is stored.
        for key in Array(cache.buckets.keys).sorted(by: { $0.endpoint.description < $1.endpoint.description }).prefix(3) { cache.buckets[key]!.nextPart = 0 }
        try commit(1)
        #expect(try f.count("SELECT COUNT(*) FROM context_parts") == 2 * (BatchWriter.insertChunk + 5) - 3)
        #expect(try f.count("SELECT COUNT(*) FROM context_parts WHERE part = 0 AND dns = 2") == 3, "counts summed")
        #expect(try f.count("SELECT SUM(dns) FROM context_parts") == 2 * (BatchWriter.insertChunk + 5))
        let merged = try f.store.pool.read { db in
            try String.fetchAll(db, sql: "SELECT samples FROM context_parts WHERE dns = 2 ORDER BY endpoint")
        }
        #expect(merged.count == 3 && merged.allSatisfy { $0.contains("A round0") && $0.contains("A round1") }, "examples appended")
    }

    @Test func pruningKeepsAMonthOfArrivalCounts() throws {
        let f = try StoreFixture()
        try f.store.commit(IngestBatch(detections: [makeDetection(at: t0)]), customers: [acme], now: t0)
        try f.store.commit(IngestBatch(detections: [makeDetection(signature: "2", at: t0 + 40 * 86_400)]), customers: [acme], now: t0 + 40 * 86_400)
        #expect(try f.count("SELECT COUNT(*) FROM detection_arrivals") == 2)
        try f.store.pruneContext(now: t0 + 40 * 86_400)
        #expect(try f.count("SELECT COUNT(*) FROM detection_arrivals") == 1)
        let recent = try f.store.detectionRate(span: 3600, now: t0 + 40 * 86_400 + 60)
        #expect(recent.map(\.count).reduce(0, +) == 1)
    }

    @Test func checkpointCommitsWithRowsOrNotAtAll() throws {
        let f = try StoreFixture()
        try f.store.commit(IngestBatch(detections: [makeDetection(at: t0)], checkpoints: [checkpoint(offset: 100)],
                                       counters: IngestCounters(lines: 1, detections: 1)), customers: [acme], now: t0)
        // A failure late in the batch (after detections, endpoints and context were written).
        try f.execute("CREATE TRIGGER fail_checkpoint BEFORE UPDATE ON ingest_checkpoints BEGIN SELECT RAISE(ABORT, 'disk says no'); END")
        let start = ContextBucket.bucketStart(for: t0)
        let batch = IngestBatch(
            detections: [makeDetection(signature: "9", name: "new one", at: t0 + 60), makeDetection(at: t0 + 61)],
            context: [ContextBucket(customerID: "acme", endpoint: ip("10.0.0.5"), bucketStart: start, counts: [.dns: 1])],
            sensorHealth: [SensorHealthSample(sensor: "s1", customerID: "acme", at: t0 + 62, isHeartbeat: true)],
            checkpoints: [checkpoint(offset: 300)], counters: IngestCounters(lines: 3, detections: 2, contextEvents: 1))
        #expect(throws: DatabaseError.self) { try f.store.commit(batch, customers: [acme], now: t0 + 62) }
        #expect(try f.store.checkpoint(sourceID: "eve")?.offset == 100)
        #expect(try f.count("SELECT COUNT(*) FROM detections") == 1)
        #expect(try f.count("SELECT count FROM detections") == 1)
        #expect(try f.count("SELECT COUNT(*) FROM context_parts") == 0)
        #expect(try f.count("SELECT lines FROM ingest_counters") == 1)
        #expect(try f.count("SELECT COUNT(*) FROM sensors WHERE last_heartbeat_at IS NOT NULL") == 0)
        // After the fault clears, the same batch commits exactly once.
        try f.execute("DROP TRIGGER fail_checkpoint")
        try f.store.commit(batch, customers: [acme], now: t0 + 62)
        #expect(try f.store.checkpoint(sourceID: "eve") == checkpoint(offset: 300))
        #expect(try f.count("SELECT COUNT(*) FROM detections") == 2)
        #expect(try f.count("SELECT lines FROM ingest_counters") == 4)
    }

    /// A checkpoint says how far the source's context is stored when that is behind its
    /// rows, and reading resumes there; a later checkpoint with context stored up to it
    /// clears it.
    @Test func checkpointKeepsWhereStoredContextEnds() throws {
        let f = try StoreFixture()
        var behind = checkpoint(offset: 300)
        behind.contextOffset = 120
        behind.contextFingerprint = 0xABC
        try f.store.commit(IngestBatch(checkpoints: [behind]), customers: [acme], now: t0)
        let stored = try #require(try f.store.checkpoint(sourceID: "eve"))
        #expect(stored == behind)
        #expect(stored.resumePoint.offset == 120 && stored.resumePoint.fingerprint == 0xABC && stored.resumePoint.contextOffset == nil)
        try f.store.commit(IngestBatch(checkpoints: [checkpoint(offset: 400)]), customers: [acme], now: t0)
        #expect(try f.store.checkpoint(sourceID: "eve") == checkpoint(offset: 400))
        #expect(try f.store.checkpoints().map(\.resumePoint.offset) == [400])
    }

    /// A file's format is kept with its checkpoint, so a restart reads on in it.
    @Test func checkpointKeepsTheFilesFormat() throws {
        let f = try StoreFixture()
        var zeek = checkpoint(offset: 300)
        zeek.format = .zeekTSV
        try f.store.commit(IngestBatch(checkpoints: [zeek]), customers: [acme], now: t0)
        #expect(try f.store.checkpoint(sourceID: "eve")?.format == .zeekTSV)
        #expect(try f.store.checkpoints().map(\.format) == [.zeekTSV])
    }

    /// A rotated file drained beside the new file at its path counts for that path, so
    /// the path's counters (and the lag the console shows) keep moving.
    @Test func aRotatedFileDrainedBesideItsSuccessorCountsForItsPath() throws {
        let f = try StoreFixture()
        var rotated = checkpoint(offset: 10)
        rotated.sourceID = "eve" + SourceCheckpoint.rotatedSuffix
        try f.store.commit(IngestBatch(detections: [makeDetection(at: t0)], checkpoints: [checkpoint(offset: 100), rotated],
                                       counters: IngestCounters(lines: 3, detections: 1)), customers: [acme], now: t0)
        #expect(try f.count("SELECT lines FROM ingest_counters WHERE source_id = 'eve'") == 3)
        #expect(try f.count("SELECT COUNT(*) FROM ingest_counters") == 1)
        #expect(SourceCheckpoint.pathSourceID("/l/*#/l/a#rotated-12") == "/l/*#/l/a")
        #expect(SourceCheckpoint.pathSourceID("/l/*#/l/a#rotatedX") == "/l/*#/l/a#rotatedX")
        #expect(SourceCheckpoint.pathSourceID("/l/*#/l/a#rotated-") == "/l/*#/l/a#rotated-")
    }

    @Test func ingestHealthReportsLagCountersAndSilentSensors() throws {
        let f = try StoreFixture()
        var quiet = beta
        quiet.contract.silenceMinutes = 30
        try f.store.saveCustomers([acme, quiet], at: t0)
        try f.store.commit(IngestBatch(detections: [makeDetection(at: t0)],
                                       sensorHealth: [SensorHealthSample(sensor: "s1", customerID: "acme", at: t0 + 10, kernelPackets: 1000, kernelDrops: 3, isHeartbeat: true)],
                                       checkpoints: [checkpoint(offset: 42)],
                                       counters: IngestCounters(lines: 10, detections: 1, contextEvents: 5, sampledOut: 2, quarantined: 1, unassigned: 3)),
                           customers: [acme, quiet], now: t0 + 20)
        let h = try f.store.ingestHealth(now: t0 + 20 * 60)
        #expect(h.sources.map(\.sourceID) == ["eve"])
        #expect(h.sources[0].offset == 42)
        #expect(abs((h.sources[0].lag ?? 0) - 20 * 60) < 0.001)
        #expect(h.totals == IngestCounters(lines: 10, detections: 1, contextEvents: 5, sampledOut: 2, quarantined: 1, unassigned: 3))
        #expect(h.quarantined == 1 && h.unassignedEvents == 3)
        // acme/s1 last spoke 20 min ago (> 15); beta/b1 is configured and never spoke.
        #expect(h.silentSensors.map { "\($0.customerID)/\($0.sensor)" } == ["acme/s1", "beta/b1"])
        #expect(h.silentSensors[1].lastEventAt == nil && h.silentSensors[1].silenceMinutes == 30)
        #expect(try f.store.ingestHealth(now: t0 + 60).silentSensors.map(\.sensor) == ["b1"])
    }

    @Test func dataVersionMovesForOtherAndOwnCommits() throws {
        let f = try StoreFixture()
        let other = try TobanStore(path: f.path)
        let v0 = try f.store.dataVersion()
        #expect(try f.store.dataVersion() == v0)
        try other.commit(IngestBatch(detections: [makeDetection()]), customers: [acme], now: t0)
        let v1 = try f.store.dataVersion()
        #expect(v1 != v0)
        let id = try #require(try f.store.detections().first?.id)
        try f.store.acknowledge([id], actor: "yamada", at: t0)
        #expect(try f.store.dataVersion() != v1)
        try other.close()
    }

    @Test func detectionRateCountsNewRowsPerMinute() throws {
        let f = try StoreFixture()
        // Buckets are whole minutes; the last is the minute `now` is in (40 s into it here).
        let minute = (t0 + 3600).timeIntervalSince1970 - (t0 + 3600).timeIntervalSince1970.truncatingRemainder(dividingBy: 60)
        let now = Date(timeIntervalSince1970: minute + 40)
        try f.store.commit(IngestBatch(detections: (0..<6).map { makeDetection(signature: "s\($0)", at: now - 30 - Double($0 % 2) * 60) }),
                           customers: [acme], now: now)
        let rate = try f.store.detectionRate(now: now)
        #expect(rate.count == 60)
        #expect(rate.last?.count == 3 && rate[58].count == 3)
        #expect(rate.dropLast(2).allSatisfy { $0.count == 0 })
        #expect(rate.last?.start == Date(timeIntervalSince1970: minute))
        let open = try f.store.openCountsByCustomerAndUrgency()
        #expect(Set(open.map(\.customerID)) == ["acme"])
        #expect(open.map(\.count).reduce(0, +) == 6)
        #expect(open.map(\.urgency) == open.map(\.urgency).sorted())
    }
}
