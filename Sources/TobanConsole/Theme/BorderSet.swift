/// Characters for lines and boxes.
public struct BorderSet: Equatable, Sendable {
    public var horizontal: Character
    public var vertical: Character
    public var topLeft: Character
    public var topRight: Character
    public var bottomLeft: Character
    public var bottomRight: Character
    /// Whether block/box glyphs (▁▂▃, ─) may be used elsewhere too, e.g. in sparklines.
    public var isUnicode: Bool

    public static let boxDrawing = BorderSet(horizontal: "─", vertical: "│", topLeft: "┌", topRight: "┐",
                                             bottomLeft: "└", bottomRight: "┘", isUnicode: true)
    public static let ascii = BorderSet(horizontal: "-", vertical: "|", topLeft: "+", topRight: "+",
                                        bottomLeft: "+", bottomRight: "+", isUnicode: false)

    /// ASCII when the locale is not UTF-8 (ncurses would print box glyphs as mojibake) or on
    /// a monochrome hardware VT (no UTF-8 font); box drawing otherwise.
    public static func choose(environment env: [String: String], depth: ColorDepth) -> BorderSet {
        guard localeIsUTF8(environment: env) else { return .ascii }
        let term = (env["TERM"] ?? "").lowercased()
        if depth == .mono && (term.hasPrefix("vt") || term == "dumb" || term.isEmpty) { return .ascii }
        return .boxDrawing
    }

    /// The effective `LC_CTYPE` as POSIX resolves it (LC_ALL, then LC_CTYPE, then LANG)
    /// names a UTF-8 codeset. An unset locale is "C", which is not UTF-8.
    public static func localeIsUTF8(environment env: [String: String]) -> Bool {
        let locale = [env["LC_ALL"], env["LC_CTYPE"], env["LANG"]].compactMap { $0 }.first { !$0.isEmpty } ?? "C"
        let l = locale.lowercased()
        return l.contains("utf-8") || l.contains("utf8")
    }
}
