import TobanCore

/// Log text made safe for a message: nothing in it can act (a terminal escape, a bidi
/// override) or change the message's structure (a line break where one line is expected).
enum Sanitized {
    /// One line: line breaks too become visible stand-ins (`␊`).
    static func line(_ text: String) -> String { Sanitizer.sanitize(text) }

    /// Several lines: each line sanitised, the breaks between them kept.
    static func lines(_ text: String) -> String {
        text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
            .map { Sanitizer.sanitize(String($0)) }.joined(separator: "\n")
    }
}
