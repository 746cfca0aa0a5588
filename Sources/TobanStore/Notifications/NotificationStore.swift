import Foundation
import TobanCore

/// Customer notifications: the outbox the dispatcher delivers from and the console shows.
/// Message content is stored here and never copied into the audit trail. `TobanStore`
/// implements it.
public protocol NotificationStore: AnyObject, Sendable {
    func notifications(_ filter: NotificationFilter, before id: Int64?, limit: Int) throws -> [CustomerNotification]
    func notification(id: Int64) throws -> CustomerNotification?
    func createNotification(_ notification: CustomerNotification, actor: String, at now: Date) throws -> CustomerNotification
    func setNotificationState(id: Int64, to next: NotificationState, actor: String, at now: Date,
                              error: String?, comment: String?) throws -> String
}

extension TobanStore: NotificationStore {}
