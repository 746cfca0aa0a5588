/// FNV-1a, 64-bit: a hash that comes out the same in every process and every version, for
/// what is stored or compared across restarts (a followed file's fingerprint, the store's
/// aggregation and endpoint hashes). Swift's `Hasher` is seeded per process, so what it
/// gives cannot be kept.
public struct FNV1a: Sendable {
    public static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    public static let prime: UInt64 = 0x0000_0100_0000_01b3

    /// The hash of the bytes added so far.
    public var value: UInt64

    /// `continuing`: the hash of bytes that came before, to add more to it.
    @inlinable
    public init(continuing value: UInt64 = FNV1a.offsetBasis) {
        self.value = value
    }

    @inlinable
    public mutating func add(_ byte: UInt8) {
        value = (value ^ UInt64(byte)) &* Self.prime
    }

    @inlinable
    public mutating func add<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        for byte in bytes { add(byte) }
    }

    /// A string's UTF-8 bytes, read where they lie: through `utf8`'s iterator each byte
    /// cost five times more.
    @inlinable
    public mutating func add(_ text: String) {
        text.withUTF8Bytes { add($0) }
    }
}
