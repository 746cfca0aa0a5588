import Foundation
import TobanCore

/// The part of committing a batch that needs no database: keys, hashes, address texts,
/// evidence JSON, context buckets merged and their samples encoded. Made by
/// `TobanStore.prepare(_:)` on the thread that read the batch (ingest's reading thread,
/// through `IngestSink.prepare`) while the previous batch commits, so the single SQLite
/// writer only binds and steps.
public struct PreparedIngestBatch: Sendable {
    struct DetectionText: Sendable {
        var key: String
        /// The key as folding knows it (`OpenAggregates.Key`); its `hash` is also stored.
        var aggregate: OpenAggregates.Key
        var endpoint: EndpointSignals.Key?
        /// The queue groups it joins, their strings hashed here rather than by the writer.
        var tally: QueueAggregates.TallyStrings
        var sourceIP: String?
        var destinationIP: String?
        var evidence: String
    }

    struct Bucket: Sendable {
        var key: IngestWriteCache.BucketKey
        var endpointText: String
        /// Per `ContextColumns.kinds`.
        var counts: [Int]
        /// The batch's examples, distinct and earliest first, with their identities and
        /// their JSON objects (`encoded[ends[i-1] ..< ends[i]]`).
        var sampleKeys: [Int]
        var encoded: [UInt8]
        var ends: [Int]
    }

    /// Parallel to the batch's detections.
    var detections: [DetectionText]
    /// The detections grouped by aggregation key, for folding: keys in the order they first
    /// appear (ids follow file order), each key's detections earliest first. Group `g` is
    /// `foldMembers[foldEnds[g-1] ..< foldEnds[g]]`.
    var foldMembers: [Int]
    var foldEnds: [Int]
    var buckets: [Bucket]
    /// The latest context example's time (the source's last event, for its counters).
    var latestContextTime: Date?
}

extension TobanStore {
    /// Everything of `batch`'s commit that does not touch the database; pure, callable on
    /// any thread. `commit` uses it when the batch carries it, else prepares inline.
    public static func prepare(_ batch: IngestBatch) -> PreparedIngestBatch {
        // By index: each detection is read in place, not copied (dozens of strings).
        let detections = batch.detections.indices
        let texts = detections.map { prepare(detection: batch.detections[$0]) }
        let (members, ends) = foldGroups(texts.map(\.aggregate), firstSeen: detections.map { batch.detections[$0].firstSeen })
        return PreparedIngestBatch(detections: texts, foldMembers: members, foldEnds: ends, buckets: prepare(context: batch.context),
                                   latestContextTime: batch.context.lazy.flatMap { $0.samples.lazy.map(\.time) }.max())
    }

    /// See `PreparedIngestBatch.foldMembers`. The accumulator already folded repeats within
    /// the batch, so nearly every group has one member.
    static func foldGroups(_ keys: [OpenAggregates.Key], firstSeen: [Date]) -> (members: [Int], ends: [Int]) {
        var first: [OpenAggregates.Key: Int] = [:]
        first.reserveCapacity(keys.count)
        var later: [Int: [Int]] = [:]
        for (i, key) in keys.enumerated() {
            if let g = first[key] { later[g, default: []].append(i) } else { first[key] = i }
        }
        var members: [Int] = []
        var ends: [Int] = []
        members.reserveCapacity(keys.count)
        ends.reserveCapacity(first.count)
        for (i, key) in keys.enumerated() where first[key] == i {
            if let more = later[i] {
                members += ([i] + more).sorted { firstSeen[$0] < firstSeen[$1] }
            } else {
                members.append(i)
            }
            ends.append(members.count)
        }
        return (members, ends)
    }

    /// Prepares `batch` in place and drops its context buckets, which the prepared form
    /// replaces (so a queued batch does not hold its samples twice).
    public static func prepare(_ batch: inout IngestBatch) {
        batch.prepared = prepare(batch)
        batch.context = []
    }

    static func prepare(detection d: borrowing Detection) -> PreparedIngestBatch.DetectionText {
        let key = d.aggregationKey.text
        let endpoint = d.endpoint?.description
        return PreparedIngestBatch.DetectionText(
            key: key, aggregate: OpenAggregates.Key(text: key),
            endpoint: endpoint.map { EndpointSignals.Key(customerID: d.customerID, endpoint: $0) },
            tally: QueueAggregates.TallyStrings(signatureID: d.signature.id, endpoint: endpoint ?? "-", customer: d.customerID),
            sourceIP: d.sourceIP?.description, destinationIP: d.destinationIP?.description,
            evidence: FastText.evidenceJSON(d.evidence))
    }

    static func prepare(context: [ContextBucket]) -> [PreparedIngestBatch.Bucket] {
        typealias Key = IngestWriteCache.BucketKey
        var order: [Key] = []
        var merged: [Key: ContextBucket] = [:]
        merged.reserveCapacity(context.count)
        order.reserveCapacity(context.count)
        for b in context {
            let key = Key(customerID: b.customerID, endpoint: b.endpoint, start: b.bucketStart.storeMilliseconds)
            if let existing = merged[key] {
                merged[key] = ContextMerge.merge(existing, b)
            } else {
                order.append(key)
                merged[key] = b
            }
        }
        var json = JSONBytes()
        return order.map { key in
            let bucket = merged[key]!
            // `ContextColumns.kinds` is `ContextKind.allCases`, the buckets' own order.
            let counts = bucket.countsByKind
            // Usually already in time order (file order); sorted only when not.
            let inOrder = zip(bucket.samples, bucket.samples.dropFirst()).allSatisfy { $0.time <= $1.time }
            let samples = inOrder ? bucket.samples : bucket.samples.sorted { $0.time < $1.time }
            var keys: [Int] = []
            var ends: [Int] = []
            keys.reserveCapacity(samples.count)
            ends.reserveCapacity(samples.count)
            json.reset()
            for i in samples.indices { // by index: a sample is read in place, not copied
                let k = samples[i].identity
                if keys.contains(k) { continue }
                keys.append(k)
                ContextMerge.encode(samples[i], into: &json)
                ends.append(json.bytes.count)
            }
            // A copy of exactly the bytes written: handing out `json.bytes` itself would share
            // its buffer and make the next `reset()` allocate a fresh 4 KiB one per bucket.
            let encoded = json.bytes.withUnsafeBufferPointer { Array($0) }
            return PreparedIngestBatch.Bucket(key: key, endpointText: key.endpoint.description, counts: counts,
                                              sampleKeys: keys, encoded: encoded, ends: ends)
        }
    }
}
