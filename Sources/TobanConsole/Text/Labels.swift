import TobanCore

/// The console's one language (`console.language`): every hint and prompt comes from this
/// table, so a screen never mixes two. Japanese domain terms may stand in parentheses in
/// English ("suspect (被疑)").
public enum ConsoleLanguage: String, Sendable, CaseIterable {
    case en, ja
}

public struct Labels: Sendable, Equatable {
    public var language: ConsoleLanguage

    public init(_ language: ConsoleLanguage = .en) { self.language = language }

    /// Key hints at the bottom of each screen, by their English text.
    static let japanese: [String: String] = [
        "open": "開く", "filter": "絞込", "group": "グループ", "mark": "選択", "ack": "確認", "claim": "担当",
        "close": "クローズ", "escalate": "エスカレーション", "endpoints": "被疑端末", "help": "ヘルプ", "back": "戻る",
        "endpoint": "端末", "suspect": "被疑", "cleared": "問題なし", "contained": "封じ込め", "undo": "取消",
        "advance": "次の段階", "note": "メモ", "merge": "統合", "assign": "割当", "link marked": "選択分を紐付け",
        "reopen": "再オープン", "on-site": "駆け付け", "preview": "プレビュー", "send now": "今すぐ送信", "hold": "保留",
        "release": "保留解除", "edit": "編集", "to digest": "定時報告へ", "cancel": "取消", "retry": "再送",
        "redraw": "再描画", "confirm": "顧客へ確定",
        // Prompts.
        "Escalation comment: ": "エスカレーションのコメント: ", "Comment for the incident: ": "インシデントへのコメント: ",
        "Note to the customer (optional): ": "顧客へのメモ (任意): ", "Note: ": "メモ: ", "Why reopen: ": "再オープンの理由: ",
        "On-site request, note: ": "駆け付け依頼のメモ: ", "Hold, reason: ": "保留の理由: ", "Cancel, reason: ": "取消の理由: ",
        "comment: ": "コメント: ", "Close as ": "クローズ: ", "Note": "メモ",
    ]

    /// `text` (English) in the console's language.
    public func callAsFunction(_ text: String) -> String {
        language == .ja ? Self.japanese[text] ?? text : text
    }

    /// An endpoint verdict: "suspect (被疑)" in English, "被疑" in Japanese.
    public func status(_ s: EndpointStatus) -> String {
        switch language {
        case .ja: return s.japaneseName
        case .en: return s == .none ? "none" : "\(s.rawValue) (\(s.japaneseName))"
        }
    }
}
