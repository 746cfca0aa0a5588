/// JSON string literals written as UTF-8 bytes, for the two writers that build JSON by hand
/// rather than through an encoder: the store's context examples (hundreds of thousands a
/// second) and the ingest quarantine file.
public enum JSONStringLiteral {
    /// Appends `text` quoted: quote, backslash and control characters escaped; all other
    /// text (valid UTF-8, as every Swift string is) copied as is, the runs between escapes
    /// (all of it, usually) in one piece.
    @inlinable
    public static func append(_ text: String, to bytes: inout [UInt8]) {
        text.withUTF8Bytes { append(utf8: $0, to: &bytes) }
    }

    /// As `append(_:to:)`, for text that is already UTF-8 bytes (valid UTF-8: the caller's
    /// promise, as a Swift string's is Swift's).
    @inlinable
    public static func append(utf8: UnsafeBufferPointer<UInt8>, to bytes: inout [UInt8]) {
        bytes.append(0x22)
        forEachRun(in: utf8, run: { from, to in
            bytes.append(contentsOf: UnsafeBufferPointer(start: utf8.baseAddress! + from, count: to &- from))
        }, escape: { appendEscaped($0, to: &bytes) })
        bytes.append(0x22)
    }

    /// Writes `utf8` quoted, as `append(utf8:to:)` does, at `target`, which has room for
    /// `utf8.count * 6 + 2` bytes (every byte escaped as `\u00XX`, and the quotes); returns
    /// the bytes written. For a writer that builds a record in one buffer and appends it
    /// once: each array append costs a uniqueness and capacity check.
    @inlinable
    public static func write(utf8: UnsafeBufferPointer<UInt8>, to target: UnsafeMutablePointer<UInt8>) -> Int {
        target[0] = 0x22
        var n = 1
        forEachRun(in: utf8, run: { from, to in
            (target + n).update(from: utf8.baseAddress! + from, count: to &- from)
            n &+= to &- from
        }, escape: { n &+= writeEscaped($0, to: target + n) })
        target[n] = 0x22
        return n &+ 1
    }

    /// Walks `utf8` once: hands over each run of bytes that need no escaping (its start and
    /// end offsets; all of the text, usually) and each byte that does, in order.
    @inlinable @inline(__always) @usableFromInline
    static func forEachRun(in utf8: UnsafeBufferPointer<UInt8>, run: (Int, Int) -> Void, escape: (UInt8) -> Void) {
        guard let base = utf8.baseAddress else { return }
        let count = utf8.count
        var start = 0
        var i = 0
        while i < count {
            // Eight bytes at a time while none of them needs escaping.
            if i &+ 8 <= count, !needsEscape(UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)) {
                i &+= 8
                continue
            }
            let b = base[i]
            if b < 0x20 || b == 0x22 || b == 0x5C {
                run(start, i)
                escape(b)
                start = i &+ 1
            }
            i &+= 1
        }
        run(start, count)
    }

    /// Whether any of the eight bytes in `w` is `"`, `\` or a control character.
    @usableFromInline @inline(__always)
    static func needsEscape(_ w: UInt64) -> Bool { escapeMask(w) != 0 }

    /// High bit set in each byte of `w` that is `"`, `\` or a control character (never in a
    /// non-ASCII byte): the usual "has a zero byte" and "has a byte below n" word tests.
    /// Only the lowest flagged byte is exact (a borrow can flag bytes above it); whether
    /// any is flagged is always exact. The ingest JSON scanner finds strings' ends with it.
    @inlinable @inline(__always)
    public static func escapeMask(_ w: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let quote = w ^ (ones &* 0x22)
        let backslash = w ^ (ones &* 0x5C)
        let hasQuote = (quote &- ones) & ~quote
        let hasBackslash = (backslash &- ones) & ~backslash
        let hasControl = (w &- (ones &* 0x20)) & ~w
        return (hasQuote | hasBackslash | hasControl) & highs
    }

    /// The escape of `b` (`"`, `\\` or a control character) at `target`; returns its length.
    @usableFromInline
    static func writeEscaped(_ b: UInt8, to target: UnsafeMutablePointer<UInt8>) -> Int {
        target[0] = 0x5C
        switch b {
        case 0x22, 0x5C: target[1] = b
        case 0x0A: target[1] = 0x6E
        case 0x0D: target[1] = 0x72
        case 0x09: target[1] = 0x74
        default:
            // \u00XX, lowercase hex.
            func hex(_ nibble: UInt8) -> UInt8 { nibble < 10 ? 0x30 + nibble : 0x57 + nibble }
            target[1] = 0x75; target[2] = 0x30; target[3] = 0x30; target[4] = hex(b >> 4); target[5] = hex(b & 0xF)
            return 6
        }
        return 2
    }

    @usableFromInline
    static func appendEscaped(_ b: UInt8, to bytes: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 6) { buffer in
            let n = writeEscaped(b, to: buffer.baseAddress!)
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[..<n]))
        }
    }
}
