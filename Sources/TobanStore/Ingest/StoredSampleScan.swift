import TobanCore

/// Reads the identity (kind and summary) of each sample in a stored chunk without decoding
/// it, for chunks exactly as `ContextMerge.encode` writes them:
/// `[{"k":"dns","p":null|"…","s":"…","t":1.5},…]`. A summary holding an escape, or any
/// other layout, returns nil and the caller decodes the chunk instead; so a chunk written
/// by another version is never misread, only read more slowly.
enum StoredSampleScan {
    static func keys(_ chunk: String) -> [Int]? {
        var text = chunk
        return text.withUTF8 { bytes -> [Int]? in
            var scan = Cursor(bytes: bytes)
            var keys: [Int] = []
            guard scan.take(0x5B) else { return nil }
            if scan.take(0x5D) { return scan.atEnd ? keys : nil }
            repeat {
                guard scan.take("{\"k\":\""), let kindText = scan.plainString(), let kind = ContextKind(rawValue: kindText),
                      scan.take(",\"p\":"), scan.skipPeer(), scan.take(",\"s\":\""),
                      let summary = scan.plainBytes(), scan.take(",\"t\":"), scan.skipNumber(), scan.take(0x7D)
                else { return nil }
                keys.append(ContextSample.identity(kind: kind, summaryBytes: summary))
            } while scan.take(0x2C)
            return scan.take(0x5D) && scan.atEnd ? keys : nil
        }
    }

    private struct Cursor {
        let bytes: UnsafeBufferPointer<UInt8>
        var at = 0

        var atEnd: Bool { at == bytes.count }

        mutating func take(_ byte: UInt8) -> Bool {
            guard at < bytes.count, bytes[at] == byte else { return false }
            at += 1
            return true
        }

        mutating func take(_ literal: StaticString) -> Bool {
            let n = literal.utf8CodeUnitCount
            guard at + n <= bytes.count else { return false }
            let expected = UnsafeBufferPointer(start: literal.utf8Start, count: n)
            for i in 0 ..< n where bytes[at + i] != expected[i] { return false }
            at += n
            return true
        }

        /// The bytes up to the closing quote (the opening one already taken), or nil when
        /// the string holds an escape or control byte or is unterminated.
        mutating func plainBytes() -> UnsafeRawBufferPointer? {
            let start = at
            while at < bytes.count {
                let b = bytes[at]
                if b == 0x22 {
                    defer { at += 1 }
                    return UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[start ..< at]))
                }
                if b == 0x5C || b < 0x20 { return nil }
                at += 1
            }
            return nil
        }

        mutating func plainString() -> String? {
            guard let raw = plainBytes() else { return nil }
            return String(decoding: raw, as: UTF8.self)
        }

        /// `null` or a plain string.
        mutating func skipPeer() -> Bool {
            if take("null") { return true }
            return take(0x22) && plainBytes() != nil
        }

        mutating func skipNumber() -> Bool {
            let start = at
            while at < bytes.count, (bytes[at] >= 0x30 && bytes[at] <= 0x39) || bytes[at] == 0x2E || bytes[at] == 0x2D
                || bytes[at] == 0x65 || bytes[at] == 0x45 || bytes[at] == 0x2B { at += 1 }
            return at > start
        }
    }
}
