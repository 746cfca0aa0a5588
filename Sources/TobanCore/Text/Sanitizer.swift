import Foundation

/// Makes attacker-controlled text (everything that comes from a log) inert wherever it is
/// shown: control characters, C1 CSI, bidi overrides and invisible format characters
/// become visible stand-ins (`␛`, `⟨9B⟩`, `⟨RLO⟩`), so a signature cannot move the
/// cursor, retitle the terminal, reorder what it shows, or hide text. The console's
/// `SafeText` is built on it; mail bodies and command-line output use it too.
public enum Sanitizer {
    /// Sanitises a string. Printable ASCII is returned unchanged without allocation.
    public static func sanitize(_ raw: String) -> String {
        if isPrintableASCII(raw.utf8) { return raw }
        var out = String.UnicodeScalarView()
        var first = true
        for scalar in raw.unicodeScalars {
            // A byte-order mark at the very start is a file-encoding artifact, not content.
            if first && scalar.value == 0xFEFF { first = false; continue }
            first = false
            if let replacement = placeholder(for: scalar) {
                out.append(contentsOf: replacement.unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    /// Decodes bytes as UTF-8 (each maximal invalid subsequence becomes U+FFFD) and sanitises.
    public static func sanitize<Bytes: Collection>(bytes: Bytes) -> String where Bytes.Element == UInt8 {
        let decoded = String(decoding: bytes, as: UTF8.self)
        return isPrintableASCII(decoded.utf8) ? decoded : sanitize(decoded)
    }

    /// Whether `scalar` may reach the terminal as it is.
    public static func isSafe(_ scalar: Unicode.Scalar) -> Bool { placeholder(for: scalar) == nil }

    /// The visible stand-in for an unsafe scalar, or nil if the scalar is safe.
    public static func placeholder(for scalar: Unicode.Scalar) -> String? {
        let v = scalar.value
        if v >= 0x20 && v < 0x7F { return nil }
        switch v {
        case 0x09:
            return " " // a tab's width depends on the column; a space keeps columns honest
        case 0x00..<0x20:
            // Unicode Control Pictures: U+2400 + code (␀ ␇ ␛ ␊ ␍ …).
            return String(Character(Unicode.Scalar(0x2400 + v)!))
        case 0x7F:
            return "\u{2421}" // ␡
        case 0x80...0x9F:
            // C1 controls: 0x9B is a one-byte CSI on some terminals.
            return "⟨" + hex(v, digits: 2) + "⟩"
        default:
            break
        }
        if let name = bidiControlNames[v] { return "⟨" + name + "⟩" }
        if isInvisibleFormat(v) { return "⟨" + hex(v, digits: 4) + "⟩" }
        if isNoncharacter(v) { return "\u{FFFD}" }
        return nil
    }

    // MARK: - Tables

    /// Bidirectional controls, named the way security advisories name them (CVE-2021-42574).
    public static let bidiControlNames: [UInt32: String] = [
        0x061C: "ALM", 0x200E: "LRM", 0x200F: "RLM",
        0x202A: "LRE", 0x202B: "RLE", 0x202C: "PDF", 0x202D: "LRO", 0x202E: "RLO",
        0x2066: "LRI", 0x2067: "RLI", 0x2068: "FSI", 0x2069: "PDI",
    ]

    /// Characters that draw nothing and can hide or split content (`pay\u{200B}pal`).
    private static func isInvisibleFormat(_ v: UInt32) -> Bool {
        switch v {
        case 0x115F, 0x1160, 0x3164, 0xFFA0: return true // Hangul fillers
        case 0x180E: return true // Mongolian vowel separator
        case 0x200B: return true // zero width space
        case 0x2028, 0x2029: return true // line / paragraph separator would break a row
        case 0x2060...0x2064: return true // word joiner, invisible operators
        case 0x206A...0x206F: return true // deprecated format controls
        case 0xFEFF: return true // zero width no-break space (not at start)
        case 0xFFF9...0xFFFB: return true // interlinear annotation
        case 0x1D173...0x1D17A: return true // musical format controls
        case 0xE0000...0xE007F: return true // tag characters ("ASCII smuggling")
        default: return false
        }
    }

    private static func isNoncharacter(_ v: UInt32) -> Bool {
        (v >= 0xFDD0 && v <= 0xFDEF) || (v & 0xFFFE) == 0xFFFE
    }

    private static func hex(_ v: UInt32, digits: Int) -> String {
        let s = String(v, radix: 16, uppercase: true)
        return s.count >= digits ? s : String(repeating: "0", count: digits - s.count) + s
    }

    @inline(__always)
    private static func isPrintableASCII(_ utf8: String.UTF8View) -> Bool {
        for b in utf8 where b < 0x20 || b >= 0x7F { return false }
        return true
    }
}
