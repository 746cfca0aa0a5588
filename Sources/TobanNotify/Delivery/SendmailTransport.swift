#if canImport(Glibc)
import Glibc
#endif
import Foundation
import TobanCore

/// Mail through a sendmail-compatible program (sendmail, msmtp, postfix): `PROGRAM -i -f
/// SENDER -- RCPT…` with the message on standard input. Recipients go on the command line,
/// never into `-t` header parsing, so no header can add one. Exit 0 is sent; 75
/// (EX_TEMPFAIL) is a temporary failure; any other status is permanent, reported with the
/// program's standard error.
public struct SendmailTransport: NotificationTransport {
    public let program: String
    public let from: String
    /// Customers' zones (for the Date header) and Cc lists, by id.
    public let customers: [String: Customer]
    /// A program that has not finished by then is killed and the attempt retried.
    public let timeout: TimeInterval

    public init(program: String, from: String, customers: [Customer], timeout: TimeInterval = 60) {
        self.program = program
        self.from = from
        self.customers = Dictionary(customers.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        self.timeout = timeout
    }

    public func message(for n: CustomerNotification, at now: Date) -> MailMessage {
        let customer = customers[n.customerID]
        return MailMessage(from: from, to: n.recipients, cc: customer?.notificationPolicy.cc ?? [], subject: n.subject, date: now,
                           timeZone: customer?.timeZone ?? TimeZone(identifier: "UTC")!, messageID: n.messageID,
                           inReplyTo: n.inReplyTo, body: n.body)
    }

    public func deliver(_ n: CustomerNotification, items: [NotificationItem], at now: Date) -> DeliveryResult {
        let mail = message(for: n, at: now)
        let text: String
        do { text = try mail.rendered() } catch { return .permanent("not sent: \(error)") }
        // The program reads the local convention (LF) and writes CRLF on the wire itself.
        let local = text.replacingOccurrences(of: "\r\n", with: "\n")
        let run = ProgramRun.run([program, "-i", "-f", from, "--"] + mail.recipients, input: Array(local.utf8), timeout: timeout)
        switch run {
        case .failedToStart(let reason):
            return .temporary("\(program): \(reason)", retryAfter: nil)
        case .timedOut:
            return .temporary("\(program) did not finish within \(Int(timeout)) s", retryAfter: nil)
        case .exited(let status, let stderr, _):
            let said = ProgramRun.remark(stderr)
            switch status {
            case 0: return .delivered("\(program) exit 0" + said)
            case 75: return .temporary("\(program) exit 75 (EX_TEMPFAIL)" + said, retryAfter: nil)
            default: return .permanent("\(program) exit \(status)" + said)
            }
        }
    }
}
