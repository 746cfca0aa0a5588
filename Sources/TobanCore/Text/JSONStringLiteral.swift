/// JSON string literals written as UTF-8 bytes, for the two writers that build JSON by hand
/// rather than through an encoder: the store's context examples (hundreds of thousands a
/// second) and the ingest quarantine file.
public enum JSONStringLiteral {
    /// Appends `text` quoted: quote, backslash and control characters escaped; all other
    /// text (valid UTF-8, as every Swift string is) copied as is, the runs between escapes
    /// (all of it, usually) in one piece.
    @inlinable
    public static func append(_ text: String, to bytes: inout [UInt8]) {
        bytes.append(0x22)
        var text = text
        text.withUTF8 { utf8 in
            var start = 0
            for i in 0 ..< utf8.count {
                let b = utf8[i]
                guard b < 0x20 || b == 0x22 || b == 0x5C else { continue }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start ..< i]))
                appendEscaped(b, to: &bytes)
                start = i + 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start...]))
        }
        bytes.append(0x22)
    }

    @usableFromInline
    static func appendEscaped(_ b: UInt8, to bytes: inout [UInt8]) {
        switch b {
        case 0x22: bytes.append(0x5C); bytes.append(0x22)
        case 0x5C: bytes.append(0x5C); bytes.append(0x5C)
        case 0x0A: bytes.append(0x5C); bytes.append(0x6E)
        case 0x0D: bytes.append(0x5C); bytes.append(0x72)
        case 0x09: bytes.append(0x5C); bytes.append(0x74)
        default:
            // \u00XX, lowercase hex.
            func hex(_ nibble: UInt8) -> UInt8 { nibble < 10 ? 0x30 + nibble : 0x57 + nibble }
            bytes.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, hex(b >> 4), hex(b & 0xF)])
        }
    }
}
