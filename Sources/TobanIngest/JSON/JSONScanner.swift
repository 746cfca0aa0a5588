import TobanCore

/// A strict, allocation-free JSON scanner over one line of bytes (RFC 8259).
///
/// It walks the document once: callers ask for the keys they want and skip the rest;
/// skipped values are fully validated (structure, escapes, UTF-8) but never materialised.
///
/// Decisions:
/// * Invalid UTF-8 anywhere inside a string is an error (not replaced with U+FFFD), so a
///   corrupted line is reported rather than half-ingested.
/// * `\u` escapes must form valid scalars: a high surrogate must be followed by a low one;
///   a lone surrogate is an error.
/// * Nesting deeper than `maxDepth` (64) is an error; recursion is therefore bounded.
/// * Exactly one value per line; anything but whitespace after it is an error.
struct JSONScanner {
    static let maxDepth = 64

    let base: UnsafePointer<UInt8>
    let end: Int
    var pos: Int = 0
    var depth: Int = 0

    init(_ base: UnsafePointer<UInt8>, count: Int) {
        self.base = base
        self.end = count
    }

    // MARK: Tokens

    /// A string token: the raw bytes between the quotes (escapes not yet decoded).
    struct Str {
        var start: Int
        var count: Int
        var escaped: Bool
    }

    /// A number token: its raw text.
    struct Num {
        var start: Int
        var count: Int
        var isInteger: Bool
    }

    @inline(__always)
    mutating func skipWhitespace() {
        if pos < end && base[pos] > 0x20 { return }
        while pos < end {
            let b = base[pos]
            if b == 0x20 || b == 0x0A || b == 0x09 || b == 0x0D { pos += 1 } else { return }
        }
    }

    @inline(__always)
    func peek() -> UInt8? { pos < end ? base[pos] : nil }

    func error(_ what: String) -> ParseError {
        if pos >= end { return ParseError("invalid JSON: \(what) (unexpected end of line)") }
        return ParseError("invalid JSON: \(what) at byte \(pos)")
    }

    /// Checks nothing but whitespace remains.
    mutating func finish() throws(ParseError) {
        skipWhitespace()
        if pos != end { throw error("trailing characters after the JSON value") }
    }

    // MARK: Objects and arrays

    /// Consumes `{`. Pair with `nextKey` until it returns nil.
    mutating func beginObject() throws(ParseError) {
        skipWhitespace()
        guard pos < end, base[pos] == 0x7B else { throw error("expected an object") }
        depth += 1
        if depth > JSONScanner.maxDepth { throw error("nesting deeper than \(JSONScanner.maxDepth) levels") }
        pos += 1
    }

    /// The next key of the current object (positioned before its value), or nil at `}`.
    /// `first` must start true for each object.
    @inline(__always)
    mutating func nextKey(_ first: inout Bool) throws(ParseError) -> Str? {
        skipWhitespace()
        guard pos < end else { throw error("unterminated object") }
        var b = base[pos]
        if b == 0x7D {
            pos += 1
            depth -= 1
            return nil
        }
        if first {
            first = false
        } else {
            guard b == ASCII.comma else { throw error("expected ',' or '}' in object") }
            pos += 1
            skipWhitespace()
            guard pos < end else { throw error("unterminated object") }
            b = base[pos]
        }
        guard b == ASCII.quote else { throw error("expected a string key") }
        let key = try scanString()
        skipWhitespace()
        guard pos < end, base[pos] == ASCII.colon else { throw error("expected ':' after key") }
        pos += 1
        skipWhitespace()
        return key
    }

    /// Consumes `[`. Pair with `nextElement` until it returns false.
    mutating func beginArray() throws(ParseError) {
        skipWhitespace()
        guard pos < end, base[pos] == 0x5B else { throw error("expected an array") }
        depth += 1
        if depth > JSONScanner.maxDepth { throw error("nesting deeper than \(JSONScanner.maxDepth) levels") }
        pos += 1
    }

    /// True when positioned at the next element; false after consuming `]`.
    mutating func nextElement(_ first: inout Bool) throws(ParseError) -> Bool {
        skipWhitespace()
        guard pos < end else { throw error("unterminated array") }
        if base[pos] == 0x5D {
            pos += 1
            depth -= 1
            return false
        }
        if first {
            first = false
        } else {
            guard base[pos] == ASCII.comma else { throw error("expected ',' or ']' in array") }
            pos += 1
            skipWhitespace()
        }
        return true
    }

    // MARK: Values

    /// Skips any value, validating it fully. Containers are walked iteratively: the open
    /// containers are a bit stack (1 = object), so depth is bounded by `maxDepth` without recursion.
    mutating func skipValue() throws(ParseError) {
        skipWhitespace()
        guard pos < end else { throw error("expected a value") }
        let c = base[pos]
        if c != 0x7B && c != 0x5B { return try skipScalar() }

        var stack: UInt64 = 0   // bit k set: container at relative depth k+1 is an object
        var level = 0           // open containers opened by this call
        var expectValue = true  // true: a value comes next; false: ',' or a close comes next
        while true {
            skipWhitespace()
            guard pos < end else { throw error("unterminated container") }
            let b = base[pos]
            if expectValue {
                if b == 0x7B || b == 0x5B {
                    depth += 1
                    if depth > JSONScanner.maxDepth { throw error("nesting deeper than \(JSONScanner.maxDepth) levels") }
                    let isObject = b == 0x7B
                    stack = (stack << 1) | (isObject ? 1 : 0)
                    level += 1
                    pos += 1
                    skipWhitespace()
                    guard pos < end else { throw error("unterminated container") }
                    if base[pos] == (isObject ? 0x7D : 0x5D) {
                        pos += 1
                        depth -= 1
                        stack >>= 1
                        level -= 1
                        if level == 0 { return }
                        expectValue = false
                        continue
                    }
                    if isObject { try skipKeyAndColon() }
                    continue
                }
                try skipScalar()
                expectValue = false
                continue
            }
            let inObject = stack & 1 == 1
            if b == ASCII.comma {
                pos += 1
                if inObject { skipWhitespace(); try skipKeyAndColon() }
                expectValue = true
            } else if b == (inObject ? 0x7D : 0x5D) {
                pos += 1
                depth -= 1
                stack >>= 1
                level -= 1
                if level == 0 { return }
            } else {
                throw error(inObject ? "expected ',' or '}' in object" : "expected ',' or ']' in array")
            }
        }
    }

    /// Positioned at an object key: validates `"key" :`.
    @inline(__always)
    mutating func skipKeyAndColon() throws(ParseError) {
        guard pos < end, base[pos] == ASCII.quote else { throw error("expected a string key") }
        _ = try scanString()
        skipWhitespace()
        guard pos < end, base[pos] == ASCII.colon else { throw error("expected ':' after key") }
        pos += 1
    }

    /// A string, number or literal.
    @inline(__always)
    mutating func skipScalar() throws(ParseError) {
        guard pos < end else { throw error("expected a value") }
        switch base[pos] {
        case ASCII.quote: _ = try scanString()
        case 0x74: try literal("true")
        case 0x66: try literal("false")
        case 0x6E: try literal("null")
        case ASCII.minus, 0x30...0x39: _ = try scanNumber()
        default: throw error("unexpected character")
        }
    }

    mutating func literal(_ word: StaticString) throws(ParseError) {
        let n = word.utf8CodeUnitCount
        guard pos + n <= end, bytesEqual(base + pos, n, word) else { throw error("invalid literal") }
        pos += n
    }

    /// Reads `true`/`false`; nil (after skipping) for any other value.
    mutating func readBool() throws(ParseError) -> Bool? {
        guard let b = peek() else { throw error("expected a value") }
        if b == 0x74 { try literal("true"); return true }
        if b == 0x66 { try literal("false"); return false }
        try skipValue()
        return nil
    }

    /// Reads a string; nil (after skipping) if the value is of another type.
    @inline(__always)
    mutating func readString() throws(ParseError) -> Str? {
        guard pos < end else { throw error("expected a value") }
        if base[pos] == ASCII.quote { return try scanString() }
        try skipValue()
        return nil
    }

    /// Reads a number token; nil (after skipping) if the value is of another type.
    mutating func readNumber() throws(ParseError) -> Num? {
        guard pos < end else { throw error("expected a value") }
        let b = base[pos]
        if b == ASCII.minus || ASCII.isDigit(b) { return try scanNumber() }
        try skipValue()
        return nil
    }

    /// A non-negative integer value (number, or digits in a string), nil for anything else or overflow.
    mutating func readUInt64() throws(ParseError) -> UInt64? {
        guard pos < end else { throw error("expected a value") }
        if base[pos] == ASCII.quote {
            let s = try scanString()
            return s.escaped ? nil : parseUInt64(base + s.start, s.count)
        }
        guard let n = try readNumber(), n.isInteger else { return nil }
        return parseUInt64(base + n.start, n.count)
    }

    // MARK: Scanning

    /// High bit set in every byte of `w` that is `"`, `\\`, a control character or non-ASCII.
    /// Only the lowest flagged byte is exact (borrows can flag bytes above it), which is all
    /// the scanner uses.
    @inline(__always)
    static func attentionMask(_ w: UInt64) -> UInt64 {
        JSONStringLiteral.escapeMask(w) | (w & 0x8080_8080_8080_8080)
    }

    /// Positioned at `"`: validates the string and returns its raw extent.
    @inline(__always)
    mutating func scanString() throws(ParseError) -> Str {
        let p = base
        let end = self.end
        var i = pos + 1
        let start = i
        // Fast path: plain ASCII up to the closing quote, eight bytes at a time; the first
        // byte needing attention is found from the mask without a byte loop.
        while i + 8 <= end {
            let m = JSONScanner.attentionMask(UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self).littleEndian)
            if m != 0 {
                i &+= m.trailingZeroBitCount &>> 3
                if p[i] == ASCII.quote {
                    pos = i &+ 1
                    return Str(start: start, count: i &- start, escaped: false)
                }
                pos = i
                return try scanStringSlow(start: start)
            }
            i &+= 8
        }
        while i < end {
            let b = p[i]
            if b == ASCII.quote {
                pos = i + 1
                return Str(start: start, count: i - start, escaped: false)
            }
            if b == ASCII.backslash || b < 0x20 || b >= 0x80 { break }
            i += 1
        }
        pos = i
        return try scanStringSlow(start: start)
    }

    /// The general case: escapes, non-ASCII, errors.
    mutating func scanStringSlow(start: Int) throws(ParseError) -> Str {
        var escaped = false
        while true {
            while pos + 8 <= end {
                let m = JSONScanner.attentionMask(UnsafeRawPointer(base + pos).loadUnaligned(as: UInt64.self).littleEndian)
                if m != 0 { pos += m.trailingZeroBitCount >> 3; break }
                pos += 8
            }
            guard pos < end else { throw error("unterminated string") }
            let b = base[pos]
            if b == ASCII.quote {
                let s = Str(start: start, count: pos - start, escaped: escaped)
                pos += 1
                return s
            } else if b == ASCII.backslash {
                escaped = true
                try scanEscape()
            } else if b < 0x20 {
                throw error(b == 0 ? "NUL byte in string" : "unescaped control character in string")
            } else if b >= 0x80 {
                guard let n = utf8SequenceLength(base, pos, end) else { throw error("invalid UTF-8 in string") }
                pos += n
            } else {
                pos += 1
            }
        }
    }

    /// Positioned at `\`: validates one escape (a surrogate pair counts as one).
    mutating func scanEscape() throws(ParseError) {
        guard pos + 1 < end else { throw error("unterminated escape") }
        switch base[pos + 1] {
        case ASCII.quote, ASCII.backslash, ASCII.slash, 0x62, 0x66, 0x6E, 0x72, 0x74:
            pos += 2
        case 0x75:
            guard let u = hex4(pos + 2) else { throw error("invalid \\u escape") }
            pos += 6
            if u >= 0xD800 && u <= 0xDBFF {
                guard pos + 1 < end, base[pos] == ASCII.backslash, base[pos + 1] == 0x75,
                      let lo = hex4(pos + 2), lo >= 0xDC00 && lo <= 0xDFFF else {
                    throw error("unpaired UTF-16 surrogate in \\u escape")
                }
                pos += 6
            } else if u >= 0xDC00 && u <= 0xDFFF {
                throw error("unpaired UTF-16 surrogate in \\u escape")
            }
        default:
            throw error("invalid escape")
        }
    }

    @inline(__always)
    func hex4(_ at: Int) -> UInt32? {
        guard at + 4 <= end else { return nil }
        var v: UInt32 = 0
        for k in 0..<4 {
            let b = base[at + k]
            let d: UInt8
            switch b {
            case 0x30...0x39: d = b - 0x30
            case 0x41...0x46: d = b - 0x37
            case 0x61...0x66: d = b - 0x57
            default: return nil
            }
            v = v << 4 | UInt32(d)
        }
        return v
    }

    /// Positioned at `-` or a digit: validates the RFC 8259 number grammar.
    mutating func scanNumber() throws(ParseError) -> Num {
        let start = pos
        var integer = true
        if base[pos] == ASCII.minus { pos += 1 }
        guard pos < end, ASCII.isDigit(base[pos]) else { throw error("invalid number") }
        if base[pos] == ASCII.zero {
            pos += 1
        } else {
            while pos < end, ASCII.isDigit(base[pos]) { pos += 1 }
        }
        if pos < end, base[pos] == ASCII.dot {
            integer = false
            pos += 1
            guard pos < end, ASCII.isDigit(base[pos]) else { throw error("invalid number") }
            while pos < end, ASCII.isDigit(base[pos]) { pos += 1 }
        }
        if pos < end, base[pos] == 0x65 || base[pos] == 0x45 {
            integer = false
            pos += 1
            if pos < end, base[pos] == 0x2B || base[pos] == ASCII.minus { pos += 1 }
            guard pos < end, ASCII.isDigit(base[pos]) else { throw error("invalid number") }
            while pos < end, ASCII.isDigit(base[pos]) { pos += 1 }
        }
        return Num(start: start, count: pos - start, isInteger: integer)
    }

    // MARK: Decoding

    /// The first (up to) eight bytes of an unescaped token as a little-endian word, zero-padded.
    @inline(__always)
    func firstWord(_ t: Str) -> UInt64 {
        let n = t.count
        if t.start &+ 8 <= end {
            let w = UnsafeRawPointer(base + t.start).loadUnaligned(as: UInt64.self).littleEndian
            return n >= 8 ? w : w & ((1 &<< UInt64(n &* 8)) &- 1)
        }
        var w: UInt64 = 0
        for k in 0..<min(n, 8) { w |= UInt64(base[t.start + k]) << UInt64(8 * k) }
        return w
    }

    @inline(__always)
    func keyIs(_ key: Str, _ literal: StaticString) -> Bool {
        if key.escaped { return decode(key) == literal.description }
        return bytesEqual(base + key.start, key.count, literal)
    }

    /// The decoded string (escapes resolved). Only called on tokens `scanString` validated.
    func decode(_ s: Str) -> String {
        let raw = Bytes(start: base + s.start, count: s.count)
        if !s.escaped { return makeString(raw) }
        return String(unsafeUninitializedCapacity: s.count) { out in
            var o = 0
            var i = 0
            let n = s.count
            @inline(__always) func put(_ b: UInt8) { out[o] = b; o += 1 }
            func putScalar(_ v: UInt32) {
                switch v {
                case 0..<0x80: put(UInt8(v))
                case 0x80..<0x800:
                    put(UInt8(0xC0 | (v >> 6))); put(UInt8(0x80 | (v & 0x3F)))
                case 0x800..<0x10000:
                    put(UInt8(0xE0 | (v >> 12))); put(UInt8(0x80 | ((v >> 6) & 0x3F))); put(UInt8(0x80 | (v & 0x3F)))
                default:
                    put(UInt8(0xF0 | (v >> 18))); put(UInt8(0x80 | ((v >> 12) & 0x3F)))
                    put(UInt8(0x80 | ((v >> 6) & 0x3F))); put(UInt8(0x80 | (v & 0x3F)))
                }
            }
            while i < n {
                let b = raw[i]
                if b != ASCII.backslash { put(b); i += 1; continue }
                guard i + 1 < n else { break }
                let e = raw[i + 1]
                i += 2
                switch e {
                case 0x62: put(0x08)
                case 0x66: put(0x0C)
                case 0x6E: put(0x0A)
                case 0x72: put(0x0D)
                case 0x74: put(0x09)
                case 0x75:
                    guard let u = hex4(s.start + i) else { return o }
                    i += 4
                    if u >= 0xD800 && u <= 0xDBFF, i + 6 <= n, let lo = hex4(s.start + i + 2) {
                        i += 6
                        putScalar(0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00))
                    } else {
                        putScalar(u)
                    }
                default: put(e) // " \ /
                }
            }
            return o
        }
    }

    /// Decoded string value, or nil for an empty string.
    @inline(__always)
    func text(_ s: Str) -> String? {
        s.count == 0 ? nil : decode(s)
    }

    /// Runs `body` over the decoded bytes of `s` without allocating when there are no escapes.
    @inline(__always)
    func withBytes<R>(_ s: Str, _ body: (UnsafePointer<UInt8>, Int) -> R) -> R {
        if !s.escaped { return body(base + s.start, s.count) }
        return withDecodedBytes(s, body)
    }

    func withDecodedBytes<R>(_ s: Str, _ body: (UnsafePointer<UInt8>, Int) -> R) -> R {
        var str = decode(s)
        return str.withUTF8 { u in
            guard let b = u.baseAddress else { return body(base, 0) }
            return body(b, u.count)
        }
    }
}
