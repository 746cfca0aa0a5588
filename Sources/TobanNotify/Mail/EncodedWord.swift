import Foundation

/// RFC 2047 encoded-words for header text that is not plain ASCII (a Japanese subject):
/// UTF-8, base64 ("B") encoding, each word at most 75 characters with its delimiters, so
/// at most 45 bytes of text a word, and split between characters, never inside one (a
/// character cut in two shows as garbage in every mail client).
public enum EncodedWord {
    static let prefix = "=?UTF-8?B?"
    static let suffix = "?="
    /// 75 − 12 delimiter characters leave 63 for base64: 15 groups of 4, 45 bytes.
    static let maxBytesPerWord = 45

    /// The header value as it goes on the wire: unchanged when it is printable ASCII
    /// without anything that looks like an encoded-word, else encoded-words separated by
    /// CRLF + space (folding), `headerName` counted on the first line.
    public static func encode(_ text: String, headerName: String) -> String {
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) && !text.contains("=?") {
            return fold(text, firstLineUsed: headerName.count + 2)
        }
        return words(text).joined(separator: "\r\n ")
    }

    /// The encoded-words for `text`, each whole characters only.
    public static func words(_ text: String) -> [String] {
        var out: [String] = []
        var chunk: [UInt8] = []
        for character in text {
            let bytes = Array(String(character).utf8)
            if !chunk.isEmpty && chunk.count + bytes.count > maxBytesPerWord {
                out.append(word(chunk))
                chunk = []
            }
            // A single character longer than a word (a long emoji sequence) is split between
            // its scalars, the smallest unit a decoder can take apart.
            if bytes.count > maxBytesPerWord {
                for scalar in String(character).unicodeScalars {
                    let s = Array(String(scalar).utf8)
                    if chunk.count + s.count > maxBytesPerWord { out.append(word(chunk)); chunk = [] }
                    chunk += s
                }
                continue
            }
            chunk += bytes
        }
        if !chunk.isEmpty || out.isEmpty { out.append(word(chunk)) }
        return out
    }

    static func word(_ bytes: [UInt8]) -> String {
        prefix + Data(bytes).base64EncodedString() + suffix
    }

    /// Folds plain ASCII at spaces so no line passes 78 characters where a space allows.
    static func fold(_ text: String, firstLineUsed: Int) -> String {
        var lines: [String] = []
        var line = ""
        var used = firstLineUsed
        for word in text.split(separator: " ", omittingEmptySubsequences: false) {
            let piece = line.isEmpty ? String(word) : " " + word
            if !line.isEmpty && used + line.count + piece.count > 78 {
                lines.append(line)
                line = String(word)
                used = 1
            } else {
                line += piece
            }
        }
        lines.append(line)
        return lines.joined(separator: "\r\n ")
    }
}
