import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An edit in the analyst's editor, on a file only they can read, removed afterwards:
/// message contents are seen only by those who need them.
enum PrivateEdit {
    static func run(editor: EditorLauncher, text: String) -> String? {
        var template = Array((NSTemporaryDirectory() + "/toban-edit-XXXXXX").utf8CString)
        guard let dir = mkdtemp(&template) else { return nil }
        let directory = String(cString: dir)
        defer { rmdir(directory) }
        let path = directory + "/message.txt"
        defer { unlink(path) }
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { return nil }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        guard written == bytes.count, editor(path) == 0, let data = FileManager.default.contents(atPath: path) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    /// "Subject: …" on the first line (optional), a blank line, then the body.
    static func parse(_ text: String) -> (subject: String, body: String) {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var subject = ""
        if let first = lines.first, first.hasPrefix("Subject:") {
            subject = String(first.dropFirst("Subject:".count)).trimmingCharacters(in: .whitespaces)
            lines.removeFirst()
            if lines.first == "" { lines.removeFirst() }
        }
        while lines.last == "" { lines.removeLast() }
        return (subject, lines.joined(separator: "\n"))
    }
}
