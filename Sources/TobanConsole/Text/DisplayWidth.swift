/// How many terminal cells text occupies.
///
/// Deliberately independent of `wcwidth(3)` and the process locale: the analyst's SSH
/// session may arrive with `LANG=C`, and column alignment of Japanese customer names must
/// not depend on that. Wide ranges follow Unicode East Asian Width W/F (Unicode 15);
/// zero width comes from the standard library's general categories (Mn, Me, Cf), which are
/// locale-free too. East Asian *Ambiguous* characters count as 1, as in most Western
/// terminal configurations.
public enum DisplayWidth {
    /// The ellipsis marking truncated text. One cell (it is EAW Ambiguous, treated as narrow).
    public static let ellipsis: Character = "…"

    /// Cells one scalar takes on its own: 0, 1 or 2.
    public static func of(_ scalar: Unicode.Scalar) -> Int {
        let v = scalar.value
        if v >= 0x20 && v < 0x7F { return 1 }          // the common case first
        if v < 0x20 || (v >= 0x7F && v < 0xA0) { return 0 }
        if v < 0x300 { return 1 }
        if isZeroWidth(v, scalar) { return 0 }
        return isWide(v) ? 2 : 1
    }

    /// Cells one grapheme cluster takes.
    ///
    /// Emoji sequences (ZWJ families, skin tones, flags, keycaps, VS16 presentation) are one
    /// two-cell glyph in current terminals. Any other cluster is as wide as the sum of its
    /// scalars, because terminals advance per scalar: `ﾌﾞ` (halfwidth kana + halfwidth voiced
    /// mark, one cluster for Swift) takes 2 cells, Devanagari `कि` takes 2.
    public static func of(_ character: Character) -> Int {
        let scalars = character.unicodeScalars
        if scalars.count == 1 { return of(scalars.first!) }
        if isEmojiSequence(scalars) { return 2 }
        var total = 0
        for s in scalars { total += of(s) }
        return total
    }

    /// How a cluster occupies cells: one piece for ordinary and emoji clusters; several when
    /// the cluster holds more than one spacing scalar (`ﾌﾞ` → `ﾌ`, `ﾞ`), so each piece can
    /// sit in its own cell the way the terminal will draw it. Zero-width scalars stay with
    /// the piece before them.
    public static func pieces(of character: Character) -> [(character: Character, width: Int)] {
        let scalars = character.unicodeScalars
        if scalars.count == 1 || isEmojiSequence(scalars) { return [(character, of(character))] }
        var out: [(String.UnicodeScalarView, Int)] = []
        for s in scalars {
            let w = of(s)
            if w == 0, !out.isEmpty { out[out.count - 1].0.append(s); continue }
            if w == 0 { continue } // leading mark with no base: nothing to draw
            out.append((String.UnicodeScalarView([s]), w))
        }
        if out.count <= 1 { return [(character, of(character))] }
        return out.map { view, w in
            let str = String(view)
            return (str.count == 1 ? Character(str) : Character(String(str.unicodeScalars.first!)), w)
        }
    }

    static func isEmojiSequence(_ scalars: Character.UnicodeScalarView) -> Bool {
        var regionalIndicators = 0
        var first = true
        var firstIsEmoji = false
        for s in scalars {
            let v = s.value
            if first { firstIsEmoji = s.properties.isEmoji; first = false }
            if v >= 0x1F1E6 && v <= 0x1F1FF { regionalIndicators += 1 }
            if (v == 0x200D || v == 0xFE0F || v == 0x20E3 || (v >= 0x1F3FB && v <= 0x1F3FF)) && firstIsEmoji { return true }
        }
        return regionalIndicators >= 2
    }

    /// Cells a whole string takes.
    public static func of(_ string: String) -> Int {
        // Printable ASCII is one cell per byte; most log text never leaves this loop.
        var allASCII = true
        for b in string.utf8 where b < 0x20 || b >= 0x7F { allASCII = false; break }
        if allASCII { return string.utf8.count }
        var total = 0
        for c in string { total += of(c) }
        return total
    }

    /// Shortens `string` to at most `width` cells. When anything is cut, the result ends in
    /// `…` and is exactly `width` cells: a wide character that would straddle the limit is
    /// dropped whole and the gap padded with a space after the ellipsis.
    public static func truncate(_ string: String, to width: Int) -> String {
        guard width > 0 else { return "" }
        if of(string) <= width { return string }
        let budget = width - 1 // one cell for the ellipsis
        var out = ""
        var used = 0
        for c in string {
            let w = of(c)
            if used + w > budget { break }
            out.append(c)
            used += w
        }
        out.append(ellipsis)
        used += 1
        if used < width { out.append(String(repeating: " ", count: width - used)) }
        return out
    }

    public enum Alignment: Sendable, Equatable {
        case left, right, center
    }

    /// Exactly `width` cells: truncated with an ellipsis if too long, padded with spaces otherwise.
    public static func fit(_ string: String, to width: Int, alignment: Alignment = .left) -> String {
        guard width > 0 else { return "" }
        let t = truncate(string, to: width)
        let gap = width - of(t)
        guard gap > 0 else { return t }
        switch alignment {
        case .left: return t + String(repeating: " ", count: gap)
        case .right: return String(repeating: " ", count: gap) + t
        case .center:
            let left = gap / 2
            return String(repeating: " ", count: left) + t + String(repeating: " ", count: gap - left)
        }
    }

    /// Pads (never truncates) to at least `width` cells.
    public static func pad(_ string: String, to width: Int, alignment: Alignment = .left) -> String {
        let w = of(string)
        return w >= width ? string : fit(string, to: width, alignment: alignment)
    }

    // MARK: - Tables

    private static func isZeroWidth(_ v: UInt32, _ scalar: Unicode.Scalar) -> Bool {
        // Hangul medial vowels and final consonants combine with the preceding initial.
        if (v >= 0x1160 && v <= 0x11FF) || (v >= 0xD7B0 && v <= 0xD7FF) { return true }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark:
            return true
        case .format:
            // Prepended concatenation marks (Arabic number signs etc.) are visible.
            if (v >= 0x0600 && v <= 0x0605) || v == 0x06DD || v == 0x070F || v == 0x08E2 || v == 0x110BD || v == 0x110CD {
                return false
            }
            return v != 0x00AD // soft hyphen: terminals draw it
        default:
            return false
        }
    }

    private static func isWide(_ v: UInt32) -> Bool {
        if v < 0x1100 { return false }
        // Binary search over sorted, non-overlapping closed ranges.
        var lo = 0
        var hi = wideRanges.count - 1
        while lo <= hi {
            let mid = (lo + hi) / 2
            let r = wideRanges[mid]
            if v < r.lowerBound { hi = mid - 1 } else if v > r.upperBound { lo = mid + 1 } else { return true }
        }
        return false
    }

    /// East Asian Width W and F, Unicode 15.0, merged where adjacent.
    static let wideRanges: [ClosedRange<UInt32>] = [
        0x1100...0x115F, 0x231A...0x231B, 0x2329...0x232A, 0x23E9...0x23EC, 0x23F0...0x23F0,
        0x23F3...0x23F3, 0x25FD...0x25FE, 0x2614...0x2615, 0x2648...0x2653, 0x267F...0x267F,
        0x2693...0x2693, 0x26A1...0x26A1, 0x26AA...0x26AB, 0x26BD...0x26BE, 0x26C4...0x26C5,
        0x26CE...0x26CE, 0x26D4...0x26D4, 0x26EA...0x26EA, 0x26F2...0x26F3, 0x26F5...0x26F5,
        0x26FA...0x26FA, 0x26FD...0x26FD, 0x2705...0x2705, 0x270A...0x270B, 0x2728...0x2728,
        0x274C...0x274C, 0x274E...0x274E, 0x2753...0x2755, 0x2757...0x2757, 0x2795...0x2797,
        0x27B0...0x27B0, 0x27BF...0x27BF, 0x2B1B...0x2B1C, 0x2B50...0x2B50, 0x2B55...0x2B55,
        0x2E80...0x2E99, 0x2E9B...0x2EF3, 0x2F00...0x2FD5, 0x2FF0...0x2FFF, 0x3000...0x303E,
        0x3041...0x3096, 0x3099...0x30FF, 0x3105...0x312F, 0x3131...0x318E, 0x3190...0x31E3,
        0x31EF...0x321E, 0x3220...0x3247, 0x3250...0x4DBF, 0x4E00...0xA48C, 0xA490...0xA4C6,
        0xA960...0xA97C, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE10...0xFE19, 0xFE30...0xFE52,
        0xFE54...0xFE66, 0xFE68...0xFE6B, 0xFF01...0xFF60, 0xFFE0...0xFFE6,
        0x16FE0...0x16FE4, 0x16FF0...0x16FF1, 0x17000...0x187F7, 0x18800...0x18CD5,
        0x18D00...0x18D08, 0x1AFF0...0x1AFF3, 0x1AFF5...0x1AFFB, 0x1AFFD...0x1AFFE,
        0x1B000...0x1B122, 0x1B132...0x1B132, 0x1B150...0x1B152, 0x1B155...0x1B155,
        0x1B164...0x1B167, 0x1B170...0x1B2FB, 0x1F004...0x1F004, 0x1F0CF...0x1F0CF,
        0x1F18E...0x1F18E, 0x1F191...0x1F19A, 0x1F200...0x1F202, 0x1F210...0x1F23B,
        0x1F240...0x1F248, 0x1F250...0x1F251, 0x1F260...0x1F265, 0x1F300...0x1F320,
        0x1F32D...0x1F335, 0x1F337...0x1F37C, 0x1F37E...0x1F393, 0x1F3A0...0x1F3CA,
        0x1F3CF...0x1F3D3, 0x1F3E0...0x1F3F0, 0x1F3F4...0x1F3F4, 0x1F3F8...0x1F43E,
        0x1F440...0x1F440, 0x1F442...0x1F4FC, 0x1F4FF...0x1F53D, 0x1F54B...0x1F54E,
        0x1F550...0x1F567, 0x1F57A...0x1F57A, 0x1F595...0x1F596, 0x1F5A4...0x1F5A4,
        0x1F5FB...0x1F64F, 0x1F680...0x1F6C5, 0x1F6CC...0x1F6CC, 0x1F6D0...0x1F6D2,
        0x1F6D5...0x1F6D7, 0x1F6DC...0x1F6DF, 0x1F6EB...0x1F6EC, 0x1F6F4...0x1F6FC,
        0x1F7E0...0x1F7EB, 0x1F7F0...0x1F7F0, 0x1F90C...0x1F93A, 0x1F93C...0x1F945,
        0x1F947...0x1F9FF, 0x1FA70...0x1FA7C, 0x1FA80...0x1FA88, 0x1FA90...0x1FABD,
        0x1FABF...0x1FAC5, 0x1FACE...0x1FADB, 0x1FAE0...0x1FAE8, 0x1FAF0...0x1FAF8,
        0x20000...0x2FFFD, 0x30000...0x3FFFD,
    ]
}
