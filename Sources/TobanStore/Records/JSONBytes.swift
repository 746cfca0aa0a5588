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

    /// Milliseconds since 1970 as seconds with three decimals (`1790000000.123`), the
    /// number `ContextSample` decodes as its time.
    mutating func appendSeconds(milliseconds: Int64) {
        if milliseconds < 0 { bytes.append(0x2D) }
        let magnitude = milliseconds.magnitude
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { buffer in
            let fraction = magnitude % 1000
            buffer[20] = 0x2E
            buffer[21] = 0x30 + UInt8(fraction / 100)
            buffer[22] = 0x30 + UInt8(fraction / 10 % 10)
            buffer[23] = 0x30 + UInt8(fraction % 10)
            let at = DecimalDigits.write(magnitude / 1000, endingAt: 20, in: buffer)
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[at...]))
        }
    }

    /// An address as its canonical text, quoted (it has nothing to escape: digits, hex
    /// digits, dots and colons).
    mutating func appendQuoted(_ address: IPAddress) {
        bytes.append(0x22)
        address.appendText(to: &bytes)
        bytes.append(0x22)
    }

}
