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

    /// Appends `text` as a JSON string literal (see `JSONStringLiteral`).
    mutating func appendQuoted(_ text: String) {
        JSONStringLiteral.append(text, to: &bytes)
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
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { buffer in
            let at = Self.writeDecimal(value, endingAt: 20, in: buffer)
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[at...]))
        }
    }

    /// Writes `value`'s digits so that they end just before `end`; returns where they start.
    /// Each number is written into a small buffer on the stack and appended in one piece:
    /// appending digit by digit cost an array append (a uniqueness and capacity check) each.
    private static func writeDecimal(_ value: UInt64, endingAt end: Int, in buffer: UnsafeMutableBufferPointer<UInt8>) -> Int {
        var n = value, at = end
        repeat {
            at -= 1
            buffer[at] = 0x30 + UInt8(n % 10)
            n /= 10
        } while n > 0
        return at
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
            let at = Self.writeDecimal(magnitude / 1000, endingAt: 20, in: buffer)
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[at...]))
        }
    }

    /// An address as its canonical text: IPv4 copied straight from the bytes Core writes
    /// (no string in between, no escapes to look for), IPv6 through its description.
    mutating func appendQuoted(_ address: IPAddress) {
        let written: Void? = address.withIPv4Text { text in
            bytes.append(0x22)
            bytes.append(contentsOf: text)
            bytes.append(0x22)
        }
        if written == nil { appendQuoted(address.description) }
    }

}
