/// An IPv4 or IPv6 address as a 128-bit value. IPv4 is kept as its IPv4-mapped IPv6 form
/// (::ffff:a.b.c.d) so one comparison and one CIDR check serve both families.
public struct IPAddress: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let high: UInt64
    public let low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    public init(ipv4 value: UInt32) {
        self.high = 0
        self.low = 0x0000_FFFF_0000_0000 | UInt64(value)
    }

    public var isIPv4: Bool { high == 0 && (low >> 32) == 0x0000_FFFF }

    public var ipv4Value: UInt32? { isIPv4 ? UInt32(truncatingIfNeeded: low) : nil }

    /// Parses dotted IPv4 or any RFC 4291 IPv6 text form (compressed, fully expanded,
    /// with an embedded IPv4 tail, with a `%zone` suffix which is ignored).
    public init?<S: StringProtocol>(_ text: S) {
        var bytes = Array(text.utf8)
        if let percent = bytes.firstIndex(of: UInt8(ascii: "%")) { bytes.removeSubrange(percent...) }
        guard let parsed = bytes.withUnsafeBufferPointer({ IPAddress.parse($0) }) else { return nil }
        self = parsed
    }

    /// Parses from raw UTF-8 bytes without building a String (the ingest hot path).
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> IPAddress? {
        if bytes.isEmpty || bytes.count > 45 { return nil }
        if !bytes.contains(UInt8(ascii: ":")) {
            guard let v4 = parseIPv4(bytes[...]) else { return nil }
            return IPAddress(ipv4: v4)
        }
        return parseIPv6(bytes)
    }

    static func parseIPv4(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> UInt32? {
        var result: UInt32 = 0
        var octet: UInt32 = 0
        var digits = 0
        var parts = 0
        for b in bytes {
            if b >= 48 && b <= 57 {
                if digits > 0 && octet == 0 { return nil } // no leading zeros (ambiguous octal)
                octet = octet * 10 + UInt32(b - 48)
                digits += 1
                if digits > 3 || octet > 255 { return nil }
            } else if b == UInt8(ascii: ".") {
                if digits == 0 || parts == 3 { return nil }
                result = result << 8 | octet
                octet = 0; digits = 0; parts += 1
            } else {
                return nil
            }
        }
        if digits == 0 || parts != 3 { return nil }
        return result << 8 | octet
    }

    static func parseIPv6(_ bytes: UnsafeBufferPointer<UInt8>) -> IPAddress? {
        var groups = [UInt16](repeating: 0, count: 8)
        var count = 0
        var compressAt = -1
        var i = 0
        let n = bytes.count
        if n >= 2 && bytes[0] == UInt8(ascii: ":") {
            guard bytes[1] == UInt8(ascii: ":") else { return nil }
            compressAt = 0
            i = 2
            if i == n { return IPAddress(high: 0, low: 0) }
        }
        while i < n {
            if count == 8 { return nil }
            // Find the end of this group.
            var j = i
            var value: UInt32 = 0
            var hasDot = false
            while j < n && bytes[j] != UInt8(ascii: ":") {
                let b = bytes[j]
                if b == UInt8(ascii: ".") { hasDot = true }
                j += 1
            }
            if hasDot {
                // Embedded IPv4 tail: must be last and takes two groups.
                guard j == n, count <= 6, let v4 = parseIPv4(bytes[i..<j]) else { return nil }
                groups[count] = UInt16(v4 >> 16); groups[count + 1] = UInt16(v4 & 0xFFFF)
                count += 2
                i = j
                break
            }
            let length = j - i
            if length == 0 || length > 4 { return nil }
            for k in i..<j {
                guard let digit = hexValue(bytes[k]) else { return nil }
                value = value << 4 | UInt32(digit)
            }
            groups[count] = UInt16(value)
            count += 1
            i = j
            if i < n {
                // At a colon.
                i += 1
                if i < n && bytes[i] == UInt8(ascii: ":") {
                    if compressAt >= 0 { return nil }
                    compressAt = count
                    i += 1
                } else if i == n {
                    return nil // trailing single colon
                }
            }
        }
        if compressAt >= 0 {
            if count == 8 { return nil }
            let tail = Array(groups[compressAt..<count])
            for k in compressAt..<8 { groups[k] = 0 }
            for (k, g) in tail.enumerated() { groups[8 - tail.count + k] = g }
        } else if count != 8 {
            return nil
        }
        var high: UInt64 = 0, low: UInt64 = 0
        for k in 0..<4 { high = high << 16 | UInt64(groups[k]) }
        for k in 4..<8 { low = low << 16 | UInt64(groups[k]) }
        return IPAddress(high: high, low: low)
    }

    @inline(__always) static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case 48...57: return b - 48
        case 65...70: return b - 55
        case 97...102: return b - 87
        default: return nil
        }
    }

    /// An IPv4 address's dotted quad as UTF-8 bytes, handed to `body` without building a
    /// string (the store writes it straight into JSON); nil for IPv6.
    @inlinable
    public func withIPv4Text<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R? {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 16) { buffer in
            writeIPv4Text(to: buffer.baseAddress!).map { body(UnsafeBufferPointer(rebasing: buffer[..<$0])) }
        }
    }

    /// Writes an IPv4 address's dotted quad at `target`, which has room for 15 bytes;
    /// returns the bytes written, or nil (nothing written) for IPv6. Written digit by digit:
    /// ingest renders an address for nearly every event, and interpolating four integers
    /// cost several times as much.
    @inlinable
    public func writeIPv4Text(to target: UnsafeMutablePointer<UInt8>) -> Int? {
        guard let v4 = ipv4Value else { return nil }
        var n = 0
        for shift in stride(from: 24, through: 0, by: -8) {
            let octet = Int((v4 >> UInt32(shift)) & 0xFF)
            if octet >= 100 { target[n] = UInt8(48 + octet / 100); n += 1 }
            if octet >= 10 { target[n] = UInt8(48 + (octet / 10) % 10); n += 1 }
            target[n] = UInt8(48 + octet % 10); n += 1
            if shift > 0 { target[n] = 0x2E; n += 1 }
        }
        return n
    }

    /// `description`'s UTF-8 appended to `bytes`: an IPv4 address straight from its digits,
    /// with no string in between (the writers of context examples and summaries add one
    /// per event).
    @inlinable
    public func appendText(to bytes: inout [UInt8]) {
        if withIPv4Text({ bytes.append(contentsOf: $0) }) == nil { bytes.append(contentsOf: description.utf8) }
    }

    /// Dotted quad for IPv4; RFC 5952 canonical text for IPv6 (lowercase, longest zero run compressed).
    public var description: String {
        if let text = withIPv4Text({ String(decoding: $0, as: UTF8.self) }) { return text }
        var groups = [UInt16]()
        for k in (0..<4).reversed() { groups.append(UInt16(truncatingIfNeeded: high >> (UInt64(k) * 16))) }
        for k in (0..<4).reversed() { groups.append(UInt16(truncatingIfNeeded: low >> (UInt64(k) * 16))) }
        var bestStart = -1, bestLength = 0, runStart = -1
        for k in 0...8 {
            if k < 8 && groups[k] == 0 {
                if runStart < 0 { runStart = k }
            } else if runStart >= 0 {
                if k - runStart > bestLength && k - runStart >= 2 { bestStart = runStart; bestLength = k - runStart }
                runStart = -1
            }
        }
        func hex(_ range: Range<Int>) -> String {
            range.map { String(groups[$0], radix: 16) }.joined(separator: ":")
        }
        if bestStart < 0 { return hex(0..<8) }
        return hex(0..<bestStart) + "::" + hex((bestStart + bestLength)..<8)
    }

    public static func < (a: IPAddress, b: IPAddress) -> Bool {
        a.high != b.high ? a.high < b.high : a.low < b.low
    }
}

/// A network prefix such as 10.0.0.0/8 or fd00::/8.
public struct CIDR: Hashable, Sendable, CustomStringConvertible {
    public let network: IPAddress
    /// Prefix length in IPv6 bits (an IPv4 /8 is stored as /104).
    public let prefixBits: Int

    public enum ParseError: Error, Equatable, CustomStringConvertible {
        case badAddress(String)
        case badPrefix(String)
        case hostBitsSet(String)
        public var description: String {
            switch self {
            case .badAddress(let t): return "'\(t)' is not an IPv4 or IPv6 address"
            case .badPrefix(let t): return "'\(t)' has a prefix length outside the address family's range"
            case .hostBitsSet(let t): return "'\(t)' has bits set after the prefix (did you mean the network address?)"
            }
        }
    }

    /// Accepts `a.b.c.d/n`, `x::/n`, or a bare address (a single host).
    public init(parsing text: String) throws(ParseError) {
        let trimmed = text.trimmingSpaces
        let parts = trimmed.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPAddress(parts[0]) else { throw .badAddress(text) }
        let maxBits = address.isIPv4 ? 32 : 128
        var bits = maxBits
        if parts.count == 2 {
            guard let b = Int(parts[1]), b >= 0, b <= maxBits else { throw .badPrefix(text) }
            bits = b
        }
        let stored = address.isIPv4 ? bits + 96 : bits
        let masked = CIDR.mask(address, bits: stored)
        guard masked == address else { throw .hostBitsSet(text) }
        self.network = masked
        self.prefixBits = stored
    }

    public init(network: IPAddress, prefixBits: Int) {
        self.prefixBits = prefixBits
        self.network = CIDR.mask(network, bits: prefixBits)
    }

    static func mask(_ a: IPAddress, bits: Int) -> IPAddress {
        let highMask: UInt64 = bits >= 64 ? ~0 : (bits == 0 ? 0 : ~0 << UInt64(64 - bits))
        let lowBits = bits - 64
        let lowMask: UInt64 = lowBits >= 64 ? ~0 : (lowBits <= 0 ? 0 : ~0 << UInt64(64 - lowBits))
        return IPAddress(high: a.high & highMask, low: a.low & lowMask)
    }

    public func contains(_ address: IPAddress) -> Bool {
        CIDR.mask(address, bits: prefixBits) == network
    }

    public var description: String {
        network.isIPv4 && prefixBits >= 96 ? "\(network)/\(prefixBits - 96)" : "\(network)/\(prefixBits)"
    }
}

extension StringProtocol {
    /// Leading and trailing ASCII spaces and tabs removed (Foundation-free).
    public var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" || f == "\n" || f == "\r" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\n" || l == "\r" { s.removeLast() }
        return String(s)
    }
}
