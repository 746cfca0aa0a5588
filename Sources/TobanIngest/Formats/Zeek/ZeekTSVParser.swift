import TobanCore

/// Zeek ASCII (TSV) logs. Stateful: `#separator`, `#set_separator`, `#empty_field`,
/// `#unset_field`, `#path` and `#fields` configure the records that follow; a new header
/// block mid-file (log rotation, concatenated files) replaces the previous one.
/// `#close` is optional. Unknown `#` lines (e.g. btest banners) are skipped.
///
/// Values are unescaped (`\\` → `\`, `\xHH` → byte); bytes that are not UTF-8 after
/// unescaping become U+FFFD in the kept strings.
public struct ZeekTSVParser: LineParser {
    public var options: ParserOptions
    public private(set) var separator: [UInt8] = [ASCII.tab]
    public private(set) var setSeparator: [UInt8] = [ASCII.comma]
    public private(set) var emptyField: [UInt8] = Array("(empty)".utf8)
    public private(set) var unsetField: [UInt8] = [ASCII.minus]
    public private(set) var path: String?
    public private(set) var fieldNames: [String] = []
    var roles: [ZeekField?] = []
    let filePath: ZeekPath?

    public init(fileName: String, options: ParserOptions) {
        self.options = options
        self.filePath = ZeekPath.fromFileName(fileName)
    }

    public mutating func parse(_ line: UnsafeBufferPointer<UInt8>) -> LineResult {
        guard let base = line.baseAddress else { return .skip }
        var n = line.count
        if n > 0 && base[n - 1] == ASCII.cr { n -= 1 }
        if n == 0 { return .skip }
        if n > options.maxLineLength {
            return .invalid(reason: "line too long (\(n) bytes, limit \(options.maxLineLength))")
        }
        if containsNUL(base, n) { return .invalid(reason: "NUL byte in Zeek TSV line") }
        // Zeek writes non-UTF-8 bytes as \xHH escapes, so raw invalid UTF-8 means corruption.
        if !isValidUTF8(base, n) { return .invalid(reason: "invalid UTF-8 in Zeek TSV line") }
        if base[0] == ASCII.hash { return header(base, n) }
        guard !roles.isEmpty else { return .invalid(reason: "Zeek TSV record before any #fields header") }
        return record(base, n)
    }

    /// Splits [start, end) on `sep`, calling body(start, end) for each piece; stops if body returns false.
    static func split(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int, _ sep: [UInt8],
                      _ body: (Int, Int) -> Bool) {
        var i = start
        var fieldStart = start
        let m = sep.count
        guard m > 0, let s0 = sep.first else { _ = body(start, end); return }
        while i < end {
            if p[i] == s0 && i + m <= end && (m == 1 || sep.withUnsafeBufferPointer({ s in
                for k in 1..<m where p[i + k] != s[k] { return false }
                return true
            })) {
                if !body(fieldStart, i) { return }
                i += m
                fieldStart = i
            } else {
                i += 1
            }
        }
        _ = body(fieldStart, end)
    }

    /// Zeek's escape decoding: `\xHH` → byte, `\\` → `\`; other bytes as is.
    static func unescape(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(end - start)
        var i = start
        while i < end {
            let b = p[i]
            if b == ASCII.backslash && i + 1 < end {
                let c = p[i + 1]
                if c == ASCII.backslash { out.append(ASCII.backslash); i += 2; continue }
                if c == 0x78, i + 3 < end, let h = Hex.value(p[i + 2]), let l = Hex.value(p[i + 3]) {
                    out.append(h << 4 | l); i += 4; continue
                }
            }
            out.append(b)
            i += 1
        }
        return out
    }

    mutating func header(_ p: UnsafePointer<UInt8>, _ n: Int) -> LineResult {
        // `#separator` uses a space before its (escaped) value; every other directive the separator.
        if n > 11, bytesEqual(p, 11, "#separator ") {
            let value = ZeekTSVParser.unescape(p, 11, n)
            guard !value.isEmpty else { return .invalid(reason: "empty #separator") }
            separator = value
            return .skip
        }
        var name: (Int, Int)?
        var values: [(Int, Int)] = []
        ZeekTSVParser.split(p, 0, n, separator) { s, e in
            if name == nil { name = (s, e) } else { values.append((s, e)) }
            return values.count <= 4096
        }
        guard let (ns, ne) = name else { return .skip }
        let np = p + ns
        let nn = ne - ns
        func first() -> [UInt8]? { values.first.map { ZeekTSVParser.unescape(p, $0.0, $0.1) } }
        if bytesEqual(np, nn, "#set_separator") {
            guard let v = first(), !v.isEmpty else { return .invalid(reason: "empty #set_separator") }
            setSeparator = v
        } else if bytesEqual(np, nn, "#empty_field") {
            emptyField = first() ?? []
        } else if bytesEqual(np, nn, "#unset_field") {
            unsetField = first() ?? []
        } else if bytesEqual(np, nn, "#path") {
            path = first().map { String(decoding: $0, as: UTF8.self) }
        } else if bytesEqual(np, nn, "#fields") {
            if values.count > 4096 { return .invalid(reason: "too many #fields (limit 4096)") }
            fieldNames = values.map { makeString(p, $0.0, $0.1) }
            roles = values.map { ZeekField.from(p + $0.0, $0.1 - $0.0) }
        }
        // #types, #open, #close and unknown comment lines carry nothing the parser needs.
        return .skip
    }

    func record(_ p: UnsafePointer<UInt8>, _ n: Int) -> LineResult {
        var b = ZeekRecordBuilder()
        var index = 0
        let count = roles.count
        let options = self.options
        let unset = unsetField
        let empty = emptyField
        roles.withUnsafeBufferPointer { roles in
            ZeekTSVParser.split(p, 0, n, separator) { s, e in
                defer { index += 1 }
                guard index < count, let role = roles[index] else { return index < count }
                let len = e - s
                if len == 0 { return true }
                if len == unset.count && unset.withUnsafeBufferPointer({ u in u.baseAddress.map { bytesEqual(p + s, len, $0) } ?? false }) { return true }
                if len == empty.count && empty.withUnsafeBufferPointer({ u in u.baseAddress.map { bytesEqual(p + s, len, $0) } ?? false }) { return true }
                if indexOf(ASCII.backslash, p, from: s, end: e) != nil {
                    let v = ZeekTSVParser.unescape(p, s, e)
                    v.withUnsafeBufferPointer { u in if let a = u.baseAddress { b.set(role, a, u.count, options: options) } }
                } else {
                    b.set(role, p + s, len, options: options)
                }
                return true
            }
        }
        if index != count {
            return .invalid(reason: "Zeek TSV record has \(index) fields, #fields declares \(count)")
        }
        let fromHeader = path.map { ZeekPath(name: $0) }
        return .event(b.finish(defaultPath: fromHeader ?? filePath))
    }
}
