import Foundation
import TobanCore

/// Hands back the same `String` for the same bytes, from a small table. An alert's
/// signature name and category come back on every alert of that signature: each made a
/// string of its own (an allocation, a copy, and a free when its batch went), and the
/// store's signature lists per endpoint then kept one of them alive for every endpoint.
/// Texts of up to 15 bytes are left alone: a `String` holds them inline.
///
/// The table has a fixed number of slots, picked by a hash of the bytes, and a slot holds
/// the last text that landed in it. A text that misses, or collides with another however
/// the log chose them, costs one string made, as without the table, and never more.
struct StringInterner: Sendable {
    private var slots: [String?] = Array(repeating: nil, count: StringInterner.slotCount)
    static let slotCount = 256 // a power of two

    /// A string of `bytes` (valid UTF-8, or replaced as `String(decoding:)` does).
    mutating func string(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        guard bytes.count > 15, let base = bytes.baseAddress else { return String(decoding: bytes, as: UTF8.self) }
        var hash = FNV1a()
        hash.add(bytes)
        let slot = Int(truncatingIfNeeded: hash.value ^ (hash.value >> 29)) & (Self.slotCount - 1)
        if let known = slots[slot],
           known.withUTF8Bytes({ $0.count == bytes.count && $0.baseAddress.map { memcmp($0, base, bytes.count) == 0 } == true }) {
            return known
        }
        let made = String(decoding: bytes, as: UTF8.self)
        slots[slot] = made
        return made
    }
}
