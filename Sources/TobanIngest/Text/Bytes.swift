import TobanCore

// Small byte helpers shared by the parsers. All take raw pointers and explicit counts
// and never read outside [start, start + count).

typealias Bytes = UnsafeBufferPointer<UInt8>

enum ASCII {
    static let tab: UInt8 = 0x09
    static let lf: UInt8 = 0x0A
    static let cr: UInt8 = 0x0D
    static let space: UInt8 = 0x20
    static let quote: UInt8 = 0x22
    static let hash: UInt8 = 0x23
    static let comma: UInt8 = 0x2C
    static let minus: UInt8 = 0x2D
    static let dot: UInt8 = 0x2E
    static let slash: UInt8 = 0x2F
    static let zero: UInt8 = 0x30
    static let colon: UInt8 = 0x3A
    static let lt: UInt8 = 0x3C
    static let equals: UInt8 = 0x3D
    static let gt: UInt8 = 0x3E
    static let backslash: UInt8 = 0x5C
    static let pipe: UInt8 = 0x7C

    @inline(__always) static func isDigit(_ b: UInt8) -> Bool { b &- 0x30 < 10 }
    @inline(__always) static func lower(_ b: UInt8) -> UInt8 { (b >= 0x41 && b <= 0x5A) ? b | 0x20 : b }
}

/// A String from bytes already known to be valid UTF-8 (or where U+FFFD replacement is wanted).
@inline(__always)
func makeString(_ bytes: Bytes) -> String {
    String(decoding: bytes, as: UTF8.self)
}

@inline(__always)
func makeString(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> String {
    String(decoding: Bytes(start: base + start, count: end - start), as: UTF8.self)
}

/// Byte equality against a literal; no allocation.
@inline(__always)
func bytesEqual(_ base: UnsafePointer<UInt8>, _ count: Int, _ literal: StaticString) -> Bool {
    guard count == literal.utf8CodeUnitCount else { return false }
    let lit = literal.utf8Start
    var i = 0
    while i < count {
        if base[i] != lit[i] { return false }
        i += 1
    }
    return true
}

@inline(__always)
func bytesEqual(_ bytes: Bytes, _ literal: StaticString) -> Bool {
    guard let base = bytes.baseAddress else { return literal.utf8CodeUnitCount == 0 }
    return bytesEqual(base, bytes.count, literal)
}

/// Case-insensitive ASCII equality against a lower-case literal.
func bytesEqualLowercased(_ base: UnsafePointer<UInt8>, _ count: Int, _ literal: StaticString) -> Bool {
    guard count == literal.utf8CodeUnitCount else { return false }
    let lit = literal.utf8Start
    for i in 0..<count where ASCII.lower(base[i]) != lit[i] { return false }
    return true
}

/// Unsigned decimal integer; nil for empty, non-digits or overflow.
func parseUInt64(_ base: UnsafePointer<UInt8>, _ count: Int) -> UInt64? {
    if count == 0 || count > 20 { return nil }
    var value: UInt64 = 0
    for i in 0..<count {
        let d = base[i] &- 0x30
        if d > 9 { return nil }
        let (m, o1) = value.multipliedReportingOverflow(by: 10)
        let (a, o2) = m.addingReportingOverflow(UInt64(d))
        if o1 || o2 { return nil }
        value = a
    }
    return value
}

func parseUInt64(_ bytes: Bytes) -> UInt64? {
    guard let base = bytes.baseAddress else { return nil }
    return parseUInt64(base, bytes.count)
}

/// A port: decimal 0...65535, otherwise nil (out-of-range ports are dropped, the event is kept).
func parsePort(_ base: UnsafePointer<UInt8>, _ count: Int) -> UInt16? {
    guard count <= 5, let v = parseUInt64(base, count), v <= 65535 else { return nil }
    return UInt16(v)
}

/// Decimal number with optional sign, fraction and exponent, without Foundation. Returns nil on any
/// other byte. Integer and fraction parts are accumulated exactly up to 18 digits each.
func parseDecimal(_ base: UnsafePointer<UInt8>, _ count: Int) -> Double? {
    var i = 0
    if count == 0 { return nil }
    var negative = false
    if base[0] == ASCII.minus || base[0] == 0x2B { negative = base[0] == ASCII.minus; i = 1 }
    var intPart: Double = 0
    var digits = 0
    while i < count, ASCII.isDigit(base[i]) {
        intPart = intPart * 10 + Double(base[i] &- 0x30)
        i += 1; digits += 1
    }
    var frac: UInt64 = 0
    var fracScale: Double = 1
    if i < count, base[i] == ASCII.dot {
        i += 1
        var fd = 0
        while i < count, ASCII.isDigit(base[i]) {
            if fd < 18 { frac = frac * 10 + UInt64(base[i] &- 0x30); fracScale *= 10 }
            i += 1; fd += 1; digits += 1
        }
        if fd == 0 { return nil }
    }
    if digits == 0 { return nil }
    var value = intPart + Double(frac) / fracScale
    if i < count, base[i] == 0x65 || base[i] == 0x45 {
        i += 1
        var expNeg = false
        if i < count, base[i] == ASCII.minus || base[i] == 0x2B { expNeg = base[i] == ASCII.minus; i += 1 }
        var e = 0
        var ed = 0
        while i < count, ASCII.isDigit(base[i]) {
            if e < 10_000 { e = e * 10 + Int(base[i] &- 0x30) }
            i += 1; ed += 1
        }
        if ed == 0 { return nil }
        var p: Double = 1
        var k = 0
        while k < e && p.isFinite { p *= 10; k += 1 }
        value = expNeg ? value / p : value * p
    }
    if i != count { return nil }
    return negative ? -value : value
}

/// Lower-case transport names without allocating for the common ones.
func transportName(_ base: UnsafePointer<UInt8>, _ count: Int) -> String? {
    if count == 0 { return nil }
    if bytesEqualLowercased(base, count, "tcp") { return "tcp" }
    if bytesEqualLowercased(base, count, "udp") { return "udp" }
    if bytesEqualLowercased(base, count, "icmp") { return "icmp" }
    if bytesEqualLowercased(base, count, "ipv6-icmp") || bytesEqualLowercased(base, count, "icmpv6") { return "ipv6-icmp" }
    if bytesEqualLowercased(base, count, "sctp") { return "sctp" }
    if count > 32 { return nil }
    // IANA protocol numbers as written by some CEF producers.
    if let n = parseUInt64(base, count) {
        switch n {
        case 1: return "icmp"
        case 6: return "tcp"
        case 17: return "udp"
        case 58: return "ipv6-icmp"
        case 132: return "sctp"
        default: return String(n)
        }
    }
    return makeString(Bytes(start: base, count: count)).lowercased()
}

/// IP address from bytes, ignoring an IPv6 `%zone` suffix.
func parseIP(_ base: UnsafePointer<UInt8>, _ count: Int) -> IPAddress? {
    if let ip = IPAddress.parse(Bytes(start: base, count: count)) { return ip }
    guard let percent = indexOf(0x25, base, from: 0, end: count) else { return nil }
    return IPAddress.parse(Bytes(start: base, count: percent))
}

/// Validates UTF-8 (RFC 3629: no overlongs, no surrogates, max U+10FFFF). ASCII runs go 8 bytes at a time.
func isValidUTF8(_ base: UnsafePointer<UInt8>, _ count: Int) -> Bool {
    var i = 0
    while i < count {
        while i + 8 <= count {
            let w = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
            if w & 0x8080_8080_8080_8080 != 0 { break }
            i += 8
        }
        if i >= count { break }
        let b = base[i]
        if b < 0x80 { i += 1; continue }
        guard let n = utf8SequenceLength(base, i, count) else { return false }
        i += n
    }
    return true
}

/// Length of the valid UTF-8 multi-byte sequence starting at `i` (lead byte >= 0x80), or nil.
@inline(__always)
func utf8SequenceLength(_ base: UnsafePointer<UInt8>, _ i: Int, _ end: Int) -> Int? {
    let b0 = base[i]
    @inline(__always) func cont(_ k: Int) -> Bool { i + k < end && base[i + k] & 0xC0 == 0x80 }
    switch b0 {
    case 0xC2...0xDF:
        return cont(1) ? 2 : nil
    case 0xE0...0xEF:
        guard cont(1), cont(2) else { return nil }
        let b1 = base[i + 1]
        if b0 == 0xE0 && b1 < 0xA0 { return nil }   // overlong
        if b0 == 0xED && b1 >= 0xA0 { return nil }  // surrogate
        return 3
    case 0xF0...0xF4:
        guard cont(1), cont(2), cont(3) else { return nil }
        let b1 = base[i + 1]
        if b0 == 0xF0 && b1 < 0x90 { return nil }
        if b0 == 0xF4 && b1 >= 0x90 { return nil }
        return 4
    default:
        return nil
    }
}

/// First index of `byte` in [from, end), or nil.
@inline(__always)
func indexOf(_ byte: UInt8, _ base: UnsafePointer<UInt8>, from: Int, end: Int) -> Int? {
    var i = from
    while i < end {
        if base[i] == byte { return i }
        i += 1
    }
    return nil
}

/// Whether the buffer contains a NUL byte (memchr speed).
func containsNUL(_ base: UnsafePointer<UInt8>, _ count: Int) -> Bool {
    var i = 0
    while i + 8 <= count {
        let w = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
        if (w &- 0x0101_0101_0101_0101) & ~w & 0x8080_8080_8080_8080 != 0 { break }
        i += 8
    }
    while i < count {
        if base[i] == 0 { return true }
        i += 1
    }
    return false
}

/// Byte equality of two buffers of length `n`.
func bytesEqual(_ a: UnsafePointer<UInt8>, _ n: Int, _ b: UnsafePointer<UInt8>) -> Bool {
    for i in 0..<n where a[i] != b[i] { return false }
    return true
}

enum Hex {
    @inline(__always) static func value(_ b: UInt8) -> UInt8? {
        switch b {
        case 0x30...0x39: return b - 0x30
        case 0x41...0x46: return b - 0x37
        case 0x61...0x66: return b - 0x57
        default: return nil
        }
    }
}
