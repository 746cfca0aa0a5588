import Foundation

/// The store's one time representation: INTEGER milliseconds since 1970 UTC.
extension Date {
    var storeMilliseconds: Int64 { Int64((timeIntervalSince1970 * 1000).rounded()) }
    init(storeMilliseconds ms: Int64) { self.init(timeIntervalSince1970: Double(ms) / 1000) }
}

extension TimeInterval {
    var milliseconds: Int64 { Int64((self * 1000).rounded()) }
}
