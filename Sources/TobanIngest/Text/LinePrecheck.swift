/// The first steps every text-line parser (CEF, syslog) takes, in one place: the length
/// limit, frame terminators (trailing NUL or CR), blank lines, and the byte-level checks
/// that make a line `.invalid` before any field is read.
enum LinePrecheck {
    /// `.proceed(n)`: parse the first `n` bytes; `.done(result)`: the line is settled.
    enum Outcome {
        case proceed(Int)
        case done(LineResult)
    }

    /// `what` names the record in reasons ("CEF record", "syslog message");
    /// `skipIndented` skips continuation lines of multi-line messages.
    static func check(_ p: UnsafePointer<UInt8>, _ count: Int, options: ParserOptions, what: String, skipIndented: Bool = false) -> Outcome {
        if count > options.maxLineLength {
            return .done(.invalid(reason: "line too long (\(count) bytes, limit \(options.maxLineLength))"))
        }
        var n = count
        // Non-transparent framing: trailing NUL or CR terminators are not content.
        while n > 0 && (p[n - 1] == 0 || p[n - 1] == ASCII.cr) { n -= 1 }
        if n == 0 || isBlank(Bytes(start: p, count: n)) { return .done(.skip) }
        if skipIndented && (p[0] == ASCII.space || p[0] == ASCII.tab) { return .done(.skip) }
        if containsNUL(p, n) { return .done(.invalid(reason: "NUL byte inside \(what)")) }
        if !isValidUTF8(p, n) { return .done(.invalid(reason: "invalid UTF-8 in \(what)")) }
        return .proceed(n)
    }
}
