import Foundation

/// The store's one time representation: INTEGER milliseconds since 1970 UTC.
extension Date {
    /// Saturating: a time too far out for 64-bit milliseconds (ingest quarantines those,
    /// this is the second line of defence) is stored at the limit instead of trapping.
    var storeMilliseconds: Int64 { timeIntervalSince1970.saturatingMilliseconds }
    init(storeMilliseconds ms: Int64) { self.init(timeIntervalSince1970: Double(ms) / 1000) }
}

extension TimeInterval {
    var milliseconds: Int64 { saturatingMilliseconds }

    /// The millisecond the time falls in (rounded down, so 23:59:59.9999 stays in its
    /// second and its year), allowing for the binary error of `self * 1000` (0.123 s is
    /// 122.99999999999999 ms).
    var saturatingMilliseconds: Int64 {
        let ms = (self * 1000 + 0.001).rounded(.down)
        guard ms.isFinite else { return ms.isNaN ? 0 : (ms > 0 ? .max : .min) }
        if ms >= 9.2e18 { return .max }
        if ms <= -9.2e18 { return .min }
        return Int64(ms)
    }
}
