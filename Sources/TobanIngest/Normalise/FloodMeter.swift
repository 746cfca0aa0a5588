/// Per-source rate metering in one-second windows of event time. The service terms allow
/// throttling a customer whose sensors flood the service: past the limit, context events
/// are sampled (1 in `sampleEvery`), detections never are. Crossing the limit is reported
/// once per flood so ingest can raise a health event.
public struct FloodMeter: Sendable {
    public let limitPerSecond: Int
    public let sampleEvery: Int
    private var windowSecond: Int64 = .min
    private var countInWindow = 0
    private var sampledCounter = 0
    public private(set) var flooding = false

    public init(limitPerSecond: Int, sampleEvery: Int = 10) {
        self.limitPerSecond = max(1, limitPerSecond)
        self.sampleEvery = max(1, sampleEvery)
    }

    public enum Verdict: Equatable, Sendable {
        case keep
        case sampleOut
    }

    public enum Transition: Equatable, Sendable {
        case none
        case floodStarted(eventsPerSecond: Int)
        case floodEnded
    }

    /// Records one event at `second` (event time, whole seconds). Detections are always kept.
    public mutating func record(second: Int64, isDetection: Bool) -> (Verdict, Transition) {
        var transition = Transition.none
        if second != windowSecond {
            if flooding && countInWindow <= limitPerSecond && second > windowSecond {
                flooding = false
                transition = .floodEnded
            }
            windowSecond = second
            countInWindow = 0
        }
        countInWindow += 1
        if countInWindow == limitPerSecond + 1 && !flooding {
            flooding = true
            transition = .floodStarted(eventsPerSecond: countInWindow)
        }
        guard countInWindow > limitPerSecond, !isDetection else { return (.keep, transition) }
        sampledCounter += 1
        return (sampledCounter % sampleEvery == 0 ? .keep : .sampleOut, transition)
    }
}
