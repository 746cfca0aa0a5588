/// Integers written as ASCII digits straight into bytes, for the writers that build text
/// as bytes (context examples in the store, context summaries in ingest, risk lines).
public enum DecimalDigits {
    /// `value`'s digits appended to `bytes`. Each number is written into a small buffer on
    /// the stack and appended in one piece: appending digit by digit cost an array append
    /// (a uniqueness and capacity check) each.
    @inlinable
    public static func append(_ value: UInt64, to bytes: inout [UInt8]) {
        if value < 10 { bytes.append(0x30 + UInt8(value)); return }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { buffer in
            let at = write(value, endingAt: 20, in: buffer)
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[at...]))
        }
    }

    /// `value` as `String(value)` writes it: a minus sign, then the magnitude's digits.
    @inlinable
    public static func append(_ value: Int64, to bytes: inout [UInt8]) {
        if value < 0 { bytes.append(0x2D) } // -
        append(value.magnitude, to: &bytes)
    }

    /// Writes `value`'s digits so that they end just before `end`; returns where they start.
    @inlinable
    public static func write(_ value: UInt64, endingAt end: Int, in buffer: UnsafeMutableBufferPointer<UInt8>) -> Int {
        var n = value, at = end
        repeat {
            at -= 1
            buffer[at] = 0x30 + UInt8(n % 10)
            n /= 10
        } while n > 0
        return at
    }
}
