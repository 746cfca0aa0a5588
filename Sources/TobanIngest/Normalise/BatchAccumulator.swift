import Foundation
import TobanCore

/// Gathers one batch: folds repeated detections within the aggregation window (so a burst
/// of 10,000 identical alerts becomes one row with count 10,000 before the store sees it),
/// and context events into per-endpoint hourly buckets.
///
/// Context outlives a batch: its buckets keep filling until a batch takes them along
/// (`take(checkpoints:context:)`), every few seconds. Written with every batch, a followed
/// file's small batches made nearly one stored row per context event.
public struct BatchAccumulator: Sendable {
    public let aggregationWindow: TimeInterval
    private var detections: [Detection] = []
    private var openByKey: [AggregationKey: Int] = [:]
    /// Buckets in the order they were first touched, and where each key's bucket is.
    private var buckets: [ContextBucket] = []
    private var bucketIndex: [BucketKey: Int] = [:]
    /// Customers of the buckets, by the number their keys use (see `BucketKey`).
    private var customerNumbers: RecentStrings<Int32> = RecentStrings()
    public private(set) var counters = IngestCounters()
    /// Latest sign of life per sensor, and where each sensor's entry is.
    private var health: [SensorHealthSample] = []
    private var healthIndex: RecentStrings<Int> = RecentStrings()

    /// A customer by a number rather than its name, and one hash word for the key: a key is
    /// looked up for nearly every line, and hashing a name and an address cost ~600
    /// instructions.
    struct BucketKey: Hashable, Sendable {
        var customer: Int32
        var endpoint: IPAddress
        var bucket: Int64

        func hash(into hasher: inout Hasher) {
            hasher.combine((endpoint.low ^ endpoint.high &* 0x9E37_79B9_7F4A_7C15) &+ UInt64(bitPattern: bucket) &* 0xC2B2_AE3D_27D4_EB4F
                           &+ UInt64(UInt32(bitPattern: customer)))
        }
    }

    static let reservedDetections = 4_096
    static let samplesPerNewBucket = 4
    /// About what a summary takes on the benchmark files.
    static let bytesPerSummary = 40
    static let reservedBuckets = 16_384

    public init(aggregationWindow: TimeInterval) {
        self.aggregationWindow = aggregationWindow
    }

    public var detectionCount: Int { detections.count }
    /// Context held for a later batch: buckets, and the examples they keep.
    public var bucketCount: Int { buckets.count }
    public private(set) var sampleCount = 0
    public var hasContext: Bool { !buckets.isEmpty }
    /// Nothing but context gathered since the last `take`.
    public var isEmpty: Bool { detections.isEmpty && health.isEmpty && counters == IngestCounters() }

    /// Consumed: the normaliser's new detection moves into the batch rather than being copied.
    public mutating func add(detection: consuming Detection) {
        counters.detections += 1
        let key = detection.aggregationKey
        if let i = openByKey[key], detection.eventTime.timeIntervalSince(detections[i].lastSeen) <= aggregationWindow,
           detection.eventTime >= detections[i].firstSeen.addingTimeInterval(-aggregationWindow) {
            detections[i].count += detection.count
            if detection.lastSeen > detections[i].lastSeen { detections[i].lastSeen = detection.lastSeen }
            if detection.firstSeen < detections[i].firstSeen { detections[i].firstSeen = detection.firstSeen }
            return
        }
        openByKey[key] = detections.count
        detections.append(detection)
    }

    /// Adds a context event, and as an example (while its bucket has room for one) the
    /// summary `writeSummary` appends to the buffer it is given: written where the bucket
    /// keeps it, with no string made. `counted` false for an event counted before (read
    /// again after a restart). Inlined, so the closure's captures (the whole parsed event)
    /// are not copied.
    @inline(__always)
    public mutating func add(context kind: ContextKind, customerID: String, endpoint: IPAddress, time: Date, counted: Bool = true,
                             peer: IPAddress?, writeSummary: (inout [UInt8]) -> Void) {
        let i = bucket(customerID: customerID, endpoint: endpoint, time: time, counted: counted)
        let kept = buckets[i].examples.count
        buckets[i].add(kind: kind, time: time, peer: peer, writeSummary: writeSummary)
        sampleCount += buckets[i].examples.count - kept
    }

    /// The index of the bucket of the event, added if new; counts the event.
    @inline(__always)
    private mutating func bucket(customerID: String, endpoint: IPAddress, time: Date, counted: Bool) -> Int {
        if counted { counters.contextEvents += 1 }
        let bucketStart = ContextBucket.bucketStart(for: time)
        let customer = customerNumbers.value(for: customerID) { Int32($0) }
        let key = BucketKey(customer: customer, endpoint: endpoint, bucket: Int64(bucketStart.timeIntervalSince1970))
        if let known = bucketIndex[key] { return known }
        let i = buckets.count
        var bucket = ContextBucket(customerID: customerID, endpoint: endpoint, bucketStart: bucketStart)
        // A batch gives a bucket about four examples: room for them at once, rather than
        // a reallocation and a copy of the lists as the second and the third arrive.
        bucket.examples.reserveCapacity(examples: Self.samplesPerNewBucket, bytes: Self.samplesPerNewBucket * Self.bytesPerSummary)
        buckets.append(bucket)
        bucketIndex[key] = i
        return i
    }

    /// Remembers the latest sign of life per sensor (heartbeat or any event). Called for
    /// nearly every line, so the entry is updated in place with a single lookup.
    public mutating func sawSensor(_ sample: SensorHealthSample) {
        let index = healthIndex.value(for: sample.sensor) { $0 }
        if index == health.count {
            health.append(sample)
        } else {
            health[index].merge(sample)
        }
    }

    public mutating func count(lines: Int = 0, quarantined: Int = 0, sampledOut: Int = 0, unassigned: Int = 0) {
        counters.lines += lines
        counters.quarantined += quarantined
        counters.sampledOut += sampledOut
        counters.unassigned += unassigned
    }

    /// The batch so far, with the checkpoints it reaches, and the context held so far when
    /// `context` (the checkpoints must then say that context is stored up to them). What
    /// was taken starts empty again.
    public mutating func take(checkpoints: [SourceCheckpoint], context: Bool) -> IngestBatch {
        let batch = IngestBatch(detections: detections, context: context ? buckets : [],
                                sensorHealth: health.sorted { $0.sensor < $1.sensor },
                                checkpoints: checkpoints, counters: counters)
        // The next batch is likely the size of this one: room for that many at once, rather
        // than doubling up to it (reallocating, copying, and touching fresh pages each time).
        // Bounded, so that one burst does not keep a large reservation for the small
        // batches after it.
        detections = []
        detections.reserveCapacity(min(batch.detections.count, Self.reservedDetections))
        openByKey = [:]
        openByKey.reserveCapacity(min(batch.detections.count, Self.reservedDetections))
        health = []
        healthIndex = RecentStrings()
        counters = IngestCounters()
        if context {
            buckets = []
            buckets.reserveCapacity(min(batch.context.count, Self.reservedBuckets))
            bucketIndex = [:]
            bucketIndex.reserveCapacity(min(batch.context.count, Self.reservedBuckets))
            customerNumbers = RecentStrings()
            sampleCount = 0
        }
        return batch
    }
}

extension SensorHealthSample {
    /// Folds a later report of the same sensor in: the latest time, the newest capture
    /// counters, and whether any report was a heartbeat.
    mutating func merge(_ sample: SensorHealthSample) {
        if at > sample.at && !sample.isHeartbeat { return }
        if sample.at > at { at = sample.at }
        customerID = sample.customerID
        kernelPackets = sample.kernelPackets ?? kernelPackets
        kernelDrops = sample.kernelDrops ?? kernelDrops
        isHeartbeat = isHeartbeat || sample.isHeartbeat
    }
}
