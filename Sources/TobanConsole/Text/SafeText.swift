import TobanCore

/// Text that is safe to hand to the terminal.
///
/// Everything shown in the console may come from a log line, and log lines are written by
/// whoever is attacking the customer: an ESC can clear the screen, set the clipboard
/// (OSC 52), retitle the window, or hide a detection; a bidi override can make
/// `exe.txt` read as `txt.exe`. The only way into the cell grid is through `SafeText`,
/// whose initialisers always sanitise, so no view can forget to.
///
/// Guarantees: the text holds no scalar below U+0020, no U+007F, no U+0080…U+009F, no bidi
/// embedding/override/isolate/mark, no zero-width or invisible format character that could
/// hide content (other than ZWJ/ZWNJ and variation selectors, which emoji and Indic text
/// need), and no noncharacter. Each is replaced by a visible, inert placeholder so the
/// analyst can see that something was there.
public struct SafeText: Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The sanitised text.
    public let string: String

    public init(_ raw: String) { string = Sanitizer.sanitize(raw) }

    /// Decodes raw bytes as UTF-8 (invalid sequences become U+FFFD) and sanitises them.
    public init<Bytes: Collection>(bytes: Bytes) where Bytes.Element == UInt8 {
        string = Sanitizer.sanitize(bytes: bytes)
    }

    public init(stringLiteral value: String) { self.init(value) }

    public static let empty = SafeText("")

    public var description: String { string }
    public var isEmpty: Bool { string.isEmpty }
    /// Cells this text takes on screen.
    public var width: Int { DisplayWidth.of(string) }

    /// Concatenating two safe texts is safe: neither can start an escape sequence.
    public static func + (a: SafeText, b: SafeText) -> SafeText { SafeText(trusted: a.string + b.string) }

    /// A truncated copy (ellipsis, never splitting a wide character).
    public func truncated(to width: Int) -> SafeText { SafeText(trusted: DisplayWidth.truncate(string, to: width)) }

    /// Exactly `width` cells.
    public func fitted(to width: Int, alignment: DisplayWidth.Alignment = .left) -> SafeText {
        SafeText(trusted: DisplayWidth.fit(string, to: width, alignment: alignment))
    }

    /// Only for strings derived from other `SafeText` values by operations that cannot
    /// introduce unsafe scalars (concatenation, truncation, padding with spaces).
    private init(trusted: String) { string = trusted }
}
