import Foundation
import TobanCore

/// A complete mail message for the sendmail program: headers built from structured,
/// validated fields, and a UTF-8 body in base64.
///
/// Everything in a message may descend from a log line, which an attacker wrote. A CR or
/// LF reaching a header would let them add headers (a `Bcc:` becomes a real recipient
/// under `sendmail -t`); so addresses and ids are validated and rejected, and free text
/// (the subject) is sanitised and then encoded. The body is base64, so no line of it can
/// be read as a header or end the message, and terminal escapes in it are already made
/// visible (`␛`) by the renderer.
public struct MailMessage: Sendable, Equatable {
    public var from: String
    public var to: [String]
    public var cc: [String]
    public var subject: String
    public var date: Date
    public var timeZone: TimeZone
    public var messageID: String
    /// The incident's first message, for threading.
    public var inReplyTo: String?
    public var body: String

    public init(from: String, to: [String], cc: [String] = [], subject: String, date: Date, timeZone: TimeZone,
                messageID: String, inReplyTo: String? = nil, body: String) {
        self.from = from
        self.to = to
        self.cc = cc
        self.subject = subject
        self.date = date
        self.timeZone = timeZone
        self.messageID = messageID
        self.inReplyTo = inReplyTo
        self.body = body
    }

    public struct InvalidField: Error, Equatable, CustomStringConvertible {
        public var field: String
        public var reason: String
        public var description: String { "\(field): \(reason)" }
    }

    /// Every envelope recipient (To and Cc), for the sendmail command line.
    public var recipients: [String] { to + cc }

    /// The message with CRLF line ends, or the first field that cannot be sent safely.
    public func rendered() throws -> String {
        try Self.checkAddress(from, field: "From")
        guard !to.isEmpty else { throw InvalidField(field: "To", reason: "no recipient") }
        for a in to { try Self.checkAddress(a, field: "To") }
        for a in cc { try Self.checkAddress(a, field: "Cc") }
        try Self.checkMessageID(messageID, field: "Message-ID")
        if let inReplyTo { try Self.checkMessageID(inReplyTo, field: "In-Reply-To") }

        var headers: [String] = [
            "From: \(from)",
            "To: \(to.joined(separator: ",\r\n "))",
        ]
        if !cc.isEmpty { headers.append("Cc: \(cc.joined(separator: ",\r\n "))") }
        headers += [
            // One line: every control, invisible or reordering character made a visible stand-in.
            "Subject: " + EncodedWord.encode(Sanitizer.sanitize(subject), headerName: "Subject"),
            "Date: \(MailDate.format(date, in: timeZone))",
            "Message-ID: \(messageID)",
        ]
        if let inReplyTo {
            headers.append("In-Reply-To: \(inReplyTo)")
            headers.append("References: \(inReplyTo)")
        }
        headers += [
            "Auto-Submitted: auto-generated",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=UTF-8",
            "Content-Transfer-Encoding: base64",
        ]
        let normalised = body.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n")
        let encoded = Data(normalised.utf8).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
        return headers.joined(separator: "\r\n") + "\r\n\r\n" + encoded + "\r\n"
    }

    /// A plain `local@domain` address: no display names, spaces, angle brackets, commas or
    /// control characters, so it can neither add a header nor a recipient.
    static func checkAddress(_ address: String, field: String) throws {
        let scalars = address.unicodeScalars
        guard !address.isEmpty, scalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }),
              !address.contains(where: { "<>(),;:\"[]\\".contains($0) }) else {
            throw InvalidField(field: field, reason: "'\(Sanitizer.sanitize(address))' is not a plain address")
        }
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, !address.hasPrefix("-") else {
            throw InvalidField(field: field, reason: "'\(address)' is not a plain address")
        }
    }

    static func checkMessageID(_ id: String, field: String) throws {
        guard id.hasPrefix("<"), id.hasSuffix(">"), id.count > 4, id.contains("@"),
              id.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F && $0 != " " }) else {
            throw InvalidField(field: field, reason: "'\(Sanitizer.sanitize(id))' is not a message id")
        }
    }
}
