import Foundation
#if canImport(Glibc)
import Glibc
#endif
import TobanCore
import TobanStore

/// The outbox: preview, edit, send now, hold and release, merge into the next digest,
/// cancel, retry. Every change is the store's audited action; the dispatcher delivers.
extension ConsoleModel {
    mutating func pushOutbox() -> [Effect] {
        let token = state.makeToken()
        var s = OutboxScreen(token: token)
        s.loading = true
        state.stack.append(.outbox(s))
        return [.background(Loaders.outbox(store, token: token, now: now))]
    }

    mutating func pushPreview(_ id: Int64) -> [Effect] {
        let token = state.makeToken()
        state.stack.append(.preview(PreviewScreen(token: token, notificationID: id)))
        return [.background(Loaders.preview(store, driver: environment.outbox, token: token, id: id, now: now))]
    }

    /// The message the keys act on: the preview's, or the outbox's selected row.
    var currentNotification: CustomerNotification? {
        switch state.top {
        case .outbox(let s): return s.selectedNotification
        case .preview(let p):
            for screen in state.stack.reversed() {
                if case .outbox(let s) = screen, let n = s.rows.first(where: { $0.id == p.notificationID }) { return n }
            }
            return nil
        default: return nil
        }
    }

    mutating func performOutbox(_ action: Action) -> [Effect] {
        guard let n = currentNotification else {
            setMessage(environment.labels("no message selected"), error: true)
            return []
        }
        let id = n.id, store = self.store, actor = environment.analyst, now = self.now, labels = environment.labels
        switch action {
        case .preview:
            return pushPreview(id)
        case .sendNow, .retryMessage:
            if action == .retryMessage && n.state != .dead {
                setMessage(labels.fill("#{} is {}; retry is for dead messages (S sends a waiting one now)", "\(id)", labels.term("n", n.state.rawValue)), error: true)
                return []
            }
            return [outboxJob(labels.fill("#{} goes at the dispatcher's next pass", "\(id)"), undoable: true) {
                try store.sendNotificationNow(id, actor: actor, at: now)
            }]
        case .holdMessage:
            state.prompt = PromptState(kind: .holdReason(id), input: TextInput())
            return []
        case .releaseMessage:
            return [outboxJob(labels.fill("#{} released", "\(id)"), undoable: true) { try store.releaseNotification(id, actor: actor, at: now) }]
        case .cancelMessage:
            state.prompt = PromptState(kind: .cancelReason(id), input: TextInput())
            return []
        case .mergeIntoDigest:
            let driver = environment.outbox
            return [.background { inbox in
                Loaders.guarded(inbox, "merge into digest") {
                    // The customer's next digest slot; without the notification side, the next :00 or :30 UTC.
                    let slot = driver?.nextDigest(customer: n.customerID, after: now) ?? {
                        let t = (now.timeIntervalSince1970 / 1800).rounded(.down) * 1800 + 1800
                        return Date(timeIntervalSince1970: t)
                    }()
                    let digest = try store.mergeIntoNextDigest(id, digestDue: slot, actor: actor, at: now)
                    return .actionDone(ActionOutcome(summary: labels.fill("#{} will go with digest #{}", "\(id)", "\(digest)"), groupID: nil, detectionIDs: [],
                                                     removesRows: false, at: now, screenToken: -1, isUndo: false))
                }
            }]
        case .editMessage:
            return beginEdit(n)
        default:
            return []
        }
    }

    func outboxJob(_ summary: String, undoable: Bool, _ body: @escaping @Sendable () throws -> String) -> Effect {
        incidentJob(summary, undoable: undoable, body)
    }

    mutating func submitOutboxPrompt(_ kind: PromptState.Kind, text: String) -> [Effect] {
        let store = self.store, actor = environment.analyst, now = self.now, labels = environment.labels
        let reason = text.trimmingCharacters(in: .whitespaces)
        guard !reason.isEmpty else { state.prompt?.error = labels("a reason is required (it is audited)"); return [] }
        state.prompt = nil
        switch kind {
        case .holdReason(let id):
            return [outboxJob(labels.fill("#{} held", "\(id)"), undoable: true) { try store.holdNotification(id, reason: reason, actor: actor, at: now) }]
        case .cancelReason(let id):
            return [outboxJob(labels.fill("#{} cancelled", "\(id)"), undoable: true) { try store.cancelNotification(id, reason: reason, actor: actor, at: now) }]
        default:
            return []
        }
    }

    /// `$EDITOR` on a private copy (mode 0600 in a private directory, removed afterwards):
    /// the first line is the subject, then a blank line, then the body.
    mutating func beginEdit(_ n: CustomerNotification) -> [Effect] {
        guard let editor = environment.editor else {
            setMessage(environment.labels("editing needs $EDITOR (or VISUAL) set"), error: true)
            return []
        }
        guard !n.state.followsDeliveryAttempt || n.state == .dead else {
            setMessage(environment.labels.fill("#{} is {}: what went out cannot be edited", "\(n.id)", environment.labels.term("n", n.state.rawValue)), error: true)
            return []
        }
        let store = self.store, driver = environment.outbox, now = self.now, id = n.id, labels = environment.labels
        return [.outside {
            var subject = n.subject, body = n.body
            if let lines = try? driver?.preview(id, at: now), let blank = lines.firstIndex(of: "") {
                subject = lines[..<blank].first { $0.hasPrefix("Subject: ") }.map { String($0.dropFirst("Subject: ".count)) } ?? subject
                body = lines[(blank + 1)...].joined(separator: "\n")
            } else if subject.isEmpty, let current = try? store.notification(id: id) {
                subject = current.subject
                body = current.body
            }
            guard let edited = PrivateEdit.run(editor: editor, text: "Subject: \(subject)\n\n\(body)") else { return .failed(labels("edit: the editor failed; nothing was changed")) }
            let parsed = PrivateEdit.parse(edited)
            guard parsed.subject != subject || parsed.body != body else { return .failed(labels("edit: no change")) }
            return .edited(notificationID: id, subject: parsed.subject, body: parsed.body)
        }]
    }

    mutating func saveEdit(id: Int64, subject: String, body: String) -> [Effect] {
        let store = self.store, actor = environment.analyst, now = self.now
        return [outboxJob(environment.labels.fill("#{} edited: saved as a new revision, sent as edited", "\(id)"), undoable: false) {
            try store.editNotification(id, subject: subject, body: body, actor: actor, at: now)
        }]
    }
}

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
