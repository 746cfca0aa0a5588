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

    mutating func append(_ buffer: UnsafeBufferPointer<UInt8>) { bytes.append(contentsOf: buffer) }

    /// Appends `text` as a JSON string literal (see `JSONStringLiteral`).
    mutating func appendQuoted(_ text: String) {
        JSONStringLiteral.append(text, to: &bytes)
    }

    /// Valid UTF-8 bytes as a JSON string literal, as `appendQuoted(_:)` writes a string.
    mutating func appendQuoted(utf8 text: [UInt8]) {
        text.withUnsafeBufferPointer { JSONStringLiteral.append(utf8: $0, to: &bytes) }
    }

    mutating func appendDecimal(_ value: Int64) {
        DecimalDigits.append(value, to: &bytes)
    }

    mutating func appendDecimal(_ value: UInt64) {
        DecimalDigits.append(value, to: &bytes)
    }

    /// Writes milliseconds since 1970 as seconds with three decimals (`1790000000.123`),
    /// the number `ContextSample` decodes as its time, at `target`, which has room for
    /// `maxSecondsLength` bytes; returns the bytes written.
    static func writeSeconds(milliseconds: Int64, to target: UnsafeMutablePointer<UInt8>) -> Int {
        var n = 0
        if milliseconds < 0 { target[0] = 0x2D; n = 1 } // -
        let magnitude = milliseconds.magnitude
        let fraction = magnitude % 1000
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            let first = DecimalDigits.write(magnitude / 1000, endingAt: 20, in: digits)
            (target + n).update(from: digits.baseAddress! + first, count: 20 - first)
            n += 20 - first
        }
        target[n] = 0x2E
        target[n + 1] = 0x30 + UInt8(fraction / 100)
        target[n + 2] = 0x30 + UInt8(fraction / 10 % 10)
        target[n + 3] = 0x30 + UInt8(fraction % 10)
        return n + 4
    }

    /// A minus sign, the whole seconds of `Int64.min` milliseconds (16 digits), a point and
    /// three decimals.
    static let maxSecondsLength = 21

    /// Writes an address as its canonical text, quoted (it has nothing to escape: digits,
    /// hex digits, dots and colons), at `target`, which has room for `maxQuotedAddressLength`
    /// bytes; returns the bytes written.
    static func writeQuoted(_ address: IPAddress, to target: UnsafeMutablePointer<UInt8>) -> Int {
        target[0] = 0x22
        var n = 1
        if let written = address.writeIPv4Text(to: target + 1) {
            n += written
        } else {
            address.description.withUTF8Bytes { text in
                (target + 1).update(from: text.baseAddress!, count: text.count)
                n += text.count
            }
        }
        target[n] = 0x22
        return n + 1
    }

    /// Two quotes around the longest IPv6 text (an IPv4-mapped address, 45 bytes).
    static let maxQuotedAddressLength = 47
}
