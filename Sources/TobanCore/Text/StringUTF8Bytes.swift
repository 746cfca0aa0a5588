extension String {
    /// Calls `body` with the string's UTF-8 bytes: in place when they are contiguous (a
    /// native string's always are), else from a contiguous copy. `withUTF8` needs a mutable
    /// string, and the copy made for it retained and released the storage on every call: a
    /// few times per line on ingest's hot paths.
    @inlinable
    public func withUTF8Bytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        if let result = try utf8.withContiguousStorageIfAvailable(body) { return result }
        var copy = self
        return try copy.withUTF8(body)
    }
}
