import Foundation
import TobanCore

/// The part of committing a batch that needs no database: keys, hashes, address texts,
/// evidence JSON, context buckets merged and their samples encoded. Made by
/// `TobanStore.prepare(_:)` on the thread that read the batch (ingest's reading thread,
/// through `IngestSink.prepare`) while the previous batch commits, so the single SQLite
/// writer only binds and steps.
public struct PreparedIngestBatch: Sendable {
    struct DetectionText: Sendable {
        /// The aggregation key as folding knows it (`OpenAggregates.Key`, from its text);
        /// its `hash` is stored, the text is not (`DetectionRow.aggregationKeySQL`).
        var aggregate: OpenAggregates.Key
        var endpoint: EndpointSignals.Key?
        /// `EndpointHash` of the customer and the endpoint, which the endpoint index holds.
        var endpointHash: Int64
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
        /// their JSON objects: example `i`'s is `encoded[start ..< ends[i]]`, where `start` is
        /// the previous example's end, or `encodedStart` for the first. `encoded` is one
        /// buffer shared by all the batch's buckets, and the two lists are slices of lists
        /// shared the same way: a bucket costs no allocation of its own.
        var sampleKeys: ArraySlice<Int>
        var ends: ArraySlice<Int>
        var encoded: [UInt8]
        var encodedStart: Int
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
        // Each detection is lent in place, not copied (dozens of strings): see `prepare(detection:)`.
        let texts = batch.detections.withUnsafeBufferPointer { buffer in
            let detections = UnsafeMutablePointer(mutating: buffer.baseAddress)
            return buffer.indices.map { prepare(detection: &detections![$0]) }
        }
        let (members, ends) = foldGroups(texts.map(\.aggregate), firstSeen: batch.detections.map(\.firstSeen))
        var latestContextTime: Date?
        for bucket in batch.context.indices {
            for entry in batch.context[bucket].examples.entries where latestContextTime.map({ entry.time > $0 }) ?? true {
                latestContextTime = entry.time
            }
        }
        return PreparedIngestBatch(detections: texts, foldMembers: members, foldEnds: ends, buckets: prepare(context: batch.context),
                                   latestContextTime: latestContextTime)
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

    /// `inout` only to be lent the detection where it lies; it is not changed. Read from an
    /// array and passed by value, a detection is copied before the call (every one of its
    /// strings retained and released again); an inout argument is passed by address.
    static func prepare(detection d: inout Detection) -> PreparedIngestBatch.DetectionText {
        // Each address is written out once: the key, the columns and the endpoint share it.
        let source = d.sourceIP?.description, destination = d.destinationIP?.description
        let endpoint: String? = switch d.endpoint {
        case nil: nil
        case d.sourceIP: source
        case d.destinationIP: destination
        case let other?: other.description
        }
        let key = AggregationKey.text(customerID: d.customerID, sensor: d.sensor, signatureID: d.signature.id,
                                      source: source, destination: destination)
        return PreparedIngestBatch.DetectionText(
            aggregate: OpenAggregates.Key(text: key),
            endpoint: endpoint.map { EndpointSignals.Key(customerID: d.customerID, endpoint: $0) },
            endpointHash: EndpointHash.of(customerID: d.customerID, endpoint: endpoint),
            tally: QueueAggregates.TallyStrings(signatureID: d.signature.id, endpoint: endpoint ?? "-", customer: d.customerID),
            sourceIP: source, destinationIP: destination,
            evidence: FastText.evidenceJSON(d.evidence))
    }

    /// A little more than an encoded example takes on the benchmark files (about 90 bytes).
    static let bytesPerEncodedSample = 112

    static func prepare(context: [ContextBucket]) -> [PreparedIngestBatch.Bucket] {
        typealias Key = IngestWriteCache.BucketKey
        // A batch's buckets come from one accumulator, each key once; one that comes twice
        // is merged into its first.
        var buckets = context
        var keys: [Key] = []
        var first: [Key: Int] = [:]
        var kept: [Int] = [] // each key's first bucket, in order
        keys.reserveCapacity(buckets.count)
        first.reserveCapacity(buckets.count)
        kept.reserveCapacity(buckets.count)
        for i in buckets.indices {
            let key = Key(customerID: buckets[i].customerID, endpoint: buckets[i].endpoint, start: buckets[i].bucketStart.storeMilliseconds)
            if let j = first[key] {
                buckets[j] = ContextMerge.merge(buckets[j], buckets[i])
            } else {
                first[key] = i
                kept.append(i)
            }
            keys.append(key)
        }
        // Sized for the batch at once: grown by doubling, the buffer was reallocated and
        // copied a dozen times per batch, each time into pages the system had to provide.
        var sampleCount = 0
        for i in buckets.indices { sampleCount += buckets[i].examples.count }
        var json = JSONBytes(capacity: sampleCount * Self.bytesPerEncodedSample)
        var sampleKeys: [Int] = []
        var ends: [Int] = []
        sampleKeys.reserveCapacity(sampleCount)
        ends.reserveCapacity(sampleCount)
        var ranges: [(index: Int, samples: Range<Int>, encodedStart: Int)] = []
        ranges.reserveCapacity(buckets.count)
        for i in kept {
            let examples = buckets[i].examples
            let from = sampleKeys.count
            let encodedStart = json.bytes.count
            examples.entries.withUnsafeBufferPointer { entries in
                // Usually already in time order (file order); sorted only when not.
                let order = entries.indices.dropFirst().contains { entries[$0].time < entries[$0 - 1].time }
                    ? entries.indices.sorted { entries[$0].time < entries[$1].time } : nil
                examples.text.withUnsafeBufferPointer { text in
                    for n in entries.indices {
                        let example = order?[n] ?? n
                        let k = entries[example].identity
                        if sampleKeys[from...].contains(k) { continue }
                        sampleKeys.append(k)
                        let summary = UnsafeBufferPointer(rebasing: text[ContextExamples.summaryRange(example, in: entries)])
                        ContextMerge.encode(entries[example], summary: summary, into: &json)
                        ends.append(json.bytes.count)
                    }
                }
            }
            ranges.append((i, from ..< sampleKeys.count, encodedStart))
        }
        let encoded = json.bytes
        return ranges.map { r in
            let bucket = buckets[r.index]
            return PreparedIngestBatch.Bucket(key: keys[r.index], endpointText: bucket.endpoint.description, counts: bucket.countsByKind,
                                              sampleKeys: sampleKeys[r.samples], ends: ends[r.samples], encoded: encoded,
                                              encodedStart: r.encodedStart)
        }
    }
}
