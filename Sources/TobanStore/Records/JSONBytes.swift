import TobanCore

/// JSON text built as bytes in a reused buffer: the ingest writer encodes hundreds of
/// thousands of context samples per second, and Swift `String` appends cost several times
/// what the bytes do. Bound straight into SQLite (`RawStatement.bind(_: JSONBytes)`).
struct JSONBytes {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 4096) { bytes.reserveCapacity(capacity) }

    mutating func reset() { bytes.removeAll(keepingCapacity: true) }

    mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func append(byte: UInt8) { bytes.append(byte) }

    mutating func append(_ slice: ArraySlice<UInt8>) { bytes.append(contentsOf: slice) }

    /// A JSON string literal: quotes, backslash and control characters escaped; all other
    /// text (UTF-8, already valid in a Swift string) copied as is.
    /// Appends `text` as a JSON string literal: runs of bytes that need no escape (all of
    /// them, usually) are copied in one piece.
    mutating func appendQuoted(_ text: String) {
        bytes.append(0x22)
        var text = text
        text.withUTF8 { utf8 in
            var start = 0
            for i in 0 ..< utf8.count {
                let b = utf8[i]
                guard b < 0x20 || b == 0x22 || b == 0x5C else { continue }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start ..< i]))
                appendEscaped(b)
                start = i + 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start...]))
        }
        bytes.append(0x22)
    }

    private mutating func appendEscaped(_ b: UInt8) {
        switch b {
        case 0x22: bytes.append(0x5C); bytes.append(0x22)
        case 0x5C: bytes.append(0x5C); bytes.append(0x5C)
        case 0x0A: bytes.append(0x5C); bytes.append(0x6E)
        case 0x0D: bytes.append(0x5C); bytes.append(0x72)
        case 0x09: bytes.append(0x5C); bytes.append(0x74)
        default:
            append("\\u00")
            bytes.append(Self.hex[Int(b >> 4)])
            bytes.append(Self.hex[Int(b & 0xF)])
        }
    }

    mutating func appendDecimal(_ value: Int64) {
        if value < 0 {
            bytes.append(0x2D)
            appendDecimal(UInt64(value.magnitude))
        } else {
            appendDecimal(UInt64(value))
        }
    }

    mutating func appendDecimal(_ value: UInt64) {
        if value < 10 { bytes.append(0x30 + UInt8(value)); return }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = value, count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            while n > 0 {
                buffer[count] = 0x30 + UInt8(n % 10)
                n /= 10
                count += 1
            }
            for i in stride(from: count - 1, through: 0, by: -1) { bytes.append(buffer[i]) }
        }
    }

    /// Milliseconds since 1970 as seconds with three decimals (`1790000000.123`), the
    /// number `ContextSample` decodes as its time.
    mutating func appendSeconds(milliseconds: Int64) {
        if milliseconds < 0 { bytes.append(0x2D) }
        let magnitude = milliseconds.magnitude
        appendDecimal(magnitude / 1000)
        let fraction = magnitude % 1000
        bytes.append(0x2E)
        bytes.append(0x30 + UInt8(fraction / 100))
        bytes.append(0x30 + UInt8(fraction / 10 % 10))
        bytes.append(0x30 + UInt8(fraction % 10))
    }

    /// An IPv4 address digit by digit; other addresses through their description.
    mutating func appendQuoted(_ address: IPAddress) {
        guard let v4 = address.ipv4Value else { appendQuoted(address.description); return }
        bytes.append(0x22)
        for shift in stride(from: 24, through: 0, by: -8) {
            appendDecimal(UInt64((v4 >> UInt32(shift)) & 0xFF))
            if shift > 0 { bytes.append(0x2E) }
        }
        bytes.append(0x22)
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)
}
