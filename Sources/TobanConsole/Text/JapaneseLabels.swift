/// The console's Japanese text, by the English it replaces. One table for the whole
/// console (hints, prompts, titles, columns, sections, help), so a screen in `ja` does not
/// mix languages; what is missing here shows in English, and a test lists every screen's
/// text against it.
extension Labels {
    static let japaneseText: [String: String] = [
        // Hints and prompts.
        "open": "開く", "filter": "絞込", "group": "グループ", "mark": "選択", "ack": "確認", "claim": "担当",
        "close": "クローズ", "escalate": "エスカレーション", "endpoints": "被疑端末", "help": "ヘルプ", "back": "戻る",
        "endpoint": "端末", "suspect": "被疑", "cleared": "問題なし", "contained": "封じ込め", "undo": "取消",
        "advance": "次の段階", "note": "メモ", "merge": "統合", "assign": "割当", "link marked": "選択分を紐付け",
        "reopen": "再オープン", "on-site": "駆け付け", "preview": "プレビュー", "send now": "今すぐ送信", "hold": "保留",
        "release": "保留解除", "edit": "編集", "to digest": "定時報告へ", "cancel": "取消", "retry": "再送",
        "redraw": "再描画", "confirm": "顧客へ確定",
        "Escalation comment: ": "エスカレーションのコメント: ", "Comment for the incident: ": "インシデントへのコメント: ",
        "Note to the customer (optional): ": "顧客へのメモ (任意): ", "Note: ": "メモ: ", "Why reopen: ": "再オープンの理由: ",
        "On-site request, note: ": "駆け付け依頼のメモ: ", "Hold, reason: ": "保留の理由: ", "Cancel, reason: ": "取消の理由: ",
        "comment: ": "コメント: ", "Close as ": "クローズ: ", "Note": "メモ",
        "j/k move · Enter or 1–9 choose · Esc cancel": "j/k 移動 · Enter か 1–9 で選択 · Esc 取消",
        " Enter choose · Esc cancel": " Enter 選択 · Esc 取消",
        // Title, breadcrumbs, footer.
        "Queue": "キュー", "Help": "ヘルプ", "Endpoints 被疑端末": "被疑端末", "Incidents": "インシデント", "Outbox": "送信箱",
        "Ingest health": "取込状況", "Detection #{}": "検知 #{}", "Message #{}": "通知 #{}",
        "{} to confirm": "未確定 {}", " next {}": " 次 {}", "on call {}": "当番 {}", "+{} new (n)": "+{} 新着 (n)",
        "+{} new ★★★ P1 (n)": "+{} 新着 ★★★ P1 (n)", "+{} new *** P1 (n)": "+{} 新着 *** P1 (n)", "{} marked": "{} 件選択",
        "by {}": "{}別", "loading…": "読込中…", "lag {}": "遅延 {}", "quar {}": "隔離 {}", "silent {}": "無通信 {}",
        "unassigned {}": "未割当 {}", "ingest health …": "取込状況 …", "open P1/2/3/4/5": "未対応 P1/2/3/4/5", "+{} more": "他 {}",
        // Columns.
        "Urg": "緊急度", "Age": "経過", "Customer": "顧客", "Endpoint": "端末", "Signature": "シグネチャ", "Cnt": "件数",
        "Sensor": "センサー", "Status": "状態", "Last": "最終", "Group": "グループ", "Open": "未対応", "Risk": "リスク",
        "Why": "理由", "Sigs": "種類", "First": "初回", "Incident": "インシデント", "State": "状態", "Owner": "担当",
        "Title": "件名", "Det": "検知", "Endpoints": "端末", "Notified": "通知", "Ack by": "応答期限", "Kind": "種別",
        "To": "宛先", "Due": "期限", "Tries": "試行", "Last answer": "最後の応答",
        // Screens.
        "No open detections. 異常なし": "未対応の検知はありません。異常なし", "Nothing matches /{}": "/{} に一致するものはありません",
        "Endpoints ranked by risk{}": "リスク順の被疑端末{}", " — filter: {}": " — 絞込: {}",
        "No endpoints implicated yet.": "該当する端末はまだありません。",
        "Incidents by urgency, oldest first — {} — {}": "緊急度順・古い順のインシデント — {} — {}", "open incidents": "未完了のインシデント",
        "filter: {}": "絞込: {}", "No incidents here. F9 on a detection escalates one.": "インシデントはありません。検知で F9 を押すとエスカレーションします。",
        "not yet": "未送信", "Outbox — {} waiting": "送信箱 — 待ち {}", ", {} overdue": "、期限超過 {}",
        ", {} confirmed item(s) not yet assembled by the dispatcher": "、配信待ちに未組込の確定項目 {}",
        "Nothing waiting. C confirms a detection to its customer; F9 escalates.": "送信待ちはありません。C で顧客へ確定、F9 でエスカレーション。",
        "SOC (page)": "SOC (呼出)", "held: {}": "保留: {}", "{} ago": "{}前",
        // Sections.
        "Detections ({}) — Enter opens one": "検知 ({}) — Enter で開く", "Evidence": "証跡", "History": "履歴",
        "Notes ({}) — N adds one": "メモ ({}) — N で追加", "Notifications": "通知", "Peers ({})": "通信相手 ({})",
        "Quarantined lines: {}": "隔離した行: {}", "Raw line": "元の行", "Same endpoint ({})": "同じ端末 ({})",
        "Same signature, other customers ({})": "同じシグネチャ・他の顧客 ({})",
        "Sources ({}): lag is now minus the newest event read": "取込元 ({}): 遅延は現在時刻と最新イベントの差",
        "Timeline (JST) — Enter opens the detection under the cursor": "時系列 (JST) — Enter でカーソル位置の検知を開く",
        "Unassigned: {} events, {} open detections (no configured customer claims their sensor or network)":
            "未割当: イベント {}、未対応の検知 {} (センサーやネットワークがどの顧客にも属さない)",
        "Silent sensors: {} (monitoring gaps)": "無通信センサー: {} (監視の空白)", ", {} more in planned maintenance": "、計画メンテナンス中 {}",
        "Why {}": "{} の理由", "(nothing sent to the customer yet)": "(顧客への送信はまだありません)", "(none)": "(なし)",
        "(no changes yet)": "(変更はまだありません)", "(none recorded)": "(記録なし)",
        // Help sections.
        "Everywhere": "全画面", "Detection queue": "検知キュー", "Endpoint page": "端末ページ", "Detection detail": "検知の詳細",
        "Filter / command line": "絞込・コマンド行", "Incident page": "インシデントページ", "Message preview": "通知プレビュー",
        "Filter language (/): terms are ANDed": "絞込の書き方 (/): 条件はすべて満たすもの",
        "Commands (:), Tab completes": "コマンド (:)、Tab で補完", "Line editing (filter and command line)": "行編集 (絞込・コマンド行)",
        // Filter and command meanings.
        "customers, by id or display name": "顧客 (ID か表示名)", "one urgency or a range": "緊急度 (1つか範囲)",
        "signature text contains": "シグネチャに含む文字列", "source, destination or endpoint address / network": "送信元・宛先・端末のアドレスかネットワーク",
        "detection status (open by default)": "検知の状態 (既定は未完了)", "the sensor that saw it": "検知したセンサー", "seen within": "最終検知からの時間",
        "who has it": "担当者", "the detection queue": "検知キュー", "narrow the queue to one customer (replaces an earlier cust:)": "キューを1顧客に絞る (前の cust: を置き換え)",
        "group the queue (source: a scanner is one row, with its targets)": "キューをまとめる (source: スキャン元を1行に、対象数付き)",
        "suspect endpoints (被疑端末) by risk": "リスク順の被疑端末", "incidents by urgency, then age": "緊急度・経過順のインシデント",
        "open one incident": "インシデントを開く", "customer notifications waiting and recently sent": "送信待ちと最近送信した顧客通知",
        "who is on call now, on every layer": "各レイヤーの現在の当番", "ingest health: lag, quarantine, silent sensors, unassigned, flood": "取込状況: 遅延・隔離・無通信・未割当・大量流入",
        "acknowledge the page in the banner": "バナーの呼出に応答", "switch the colour theme": "配色を切り替え", "this help": "このヘルプ", "quit Toban": "Toban を終了",
        "Delete the character before the cursor": "カーソル前の文字を削除", "Delete the character under the cursor": "カーソル位置の文字を削除",
        "Move the cursor left": "カーソルを左へ", "Move the cursor right": "カーソルを右へ", "Go to the start of the line": "行頭へ",
        "Go to the end of the line": "行末へ", "Delete to the start of the line": "行頭まで削除", "Delete to the end of the line": "行末まで削除",
        "Delete the word before the cursor": "カーソル前の単語を削除", "Move one word left": "1語左へ", "Move one word right": "1語右へ",
    ]

    /// Help lines of the actions, by their configuration names.
    static let japaneseActions: [String: String] = [
        "move_down": "下へ", "move_up": "上へ", "top": "先頭の行へ", "bottom": "最後の行へ", "page_down": "次のページ", "page_up": "前のページ",
        "drill_in": "選択中の項目を開く", "back": "戻る・閉じる", "quit": "Toban を終了", "filter": "一覧を絞り込む", "command": "コマンドを入力",
        "help": "このヘルプを表示", "submit": "入力を確定", "cancel": "入力を破棄", "toggle_mark": "一括操作の選択・解除",
        "mark_visible": "画面上の行をすべて選択", "mark_range": "最も近い選択行からカーソルまで選択", "acknowledge": "確認 (見ています)",
        "claim": "担当する (自分に割当)", "no_action": "クローズ: 対応不要", "escalate": "コメント付きでエスカレーション: 新しいインシデントか、顧客の未完了インシデントに追加 (選択); 顧客へは契約どおり通知 (P1 は即時)",
        "undo": "直前の変更を取り消す", "toggle_group": "まとめ方を切り替え: シグネチャ・端末・顧客・なし (スキャンは :group source)",
        "jump_to_new": "最新の到着へ", "view_endpoints": "被疑端末を表示", "view_queue": "検知キューを表示",
        "mark_suspect": "端末を被疑にする (顧客へ通知)", "mark_cleared": "端末を問題なしにする", "mark_contained": "端末を封じ込め済みにする",
        "refresh": "画面を再描画", "view_incidents": "インシデントを表示", "view_outbox": "顧客通知の送信箱を表示",
        "view_health": "取込状況を表示: 遅延・隔離・無通信・未割当・大量流入", "acknowledge_page": "バナーの当番呼出に応答 (対応します)",
        "confirm": "インシデントにせず顧客へ確定: 期限付きの通知が送信箱に作られます",
        "advance_incident": "インシデントを次の段階へ: 調査中 → 顧客通知済み → 封じ込め済み",
        "close_incident": "結果を付けてインシデントをクローズ (真陽性・誤検知・無害・重複)", "add_note": "インシデントにメモを追加",
        "assign_incident": "インシデントを担当者に割当", "link_marked": "キューで選択した検知をこのインシデントに紐付け",
        "merge_incident": "このインシデントを顧客の別の未完了インシデントへ統合 (こちらは重複としてクローズ)",
        "reopen_incident": "クローズ済みのインシデントを再オープン (元に紐付いた新しいインシデントとして)",
        "record_on_site": "★★★ の期間内の顧客の駆け付け依頼を記録", "preview": "送信内容をそのまま表示: ヘッダーと本文",
        "edit_message": "$EDITOR で通知を編集 (新しい版として監査記録)", "send_now": "期限に関わらず今すぐ送信", "hold_message": "理由を付けて保留",
        "release_message": "保留を解除", "merge_into_digest": "顧客の次の定時報告に含める", "cancel_message": "理由を付けて取消", "retry_message": "配信失敗の通知を再送",
    ]
}
