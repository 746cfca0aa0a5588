/// The messages as Toban ships them, one per kind and language. Each renders the whole
/// message: the first line is the subject, the rest the body. A SOC overrides any of them
/// with a file of the same name (`single.ja.mustache` …) in `[notify] templates` or
/// `$XDG_CONFIG_HOME/toban/templates/`. Every value a template receives is already
/// sanitised; the TEXT pragma keeps mustache from HTML-escaping it.
enum BuiltinTemplates {
    static let all: [String: String] = [
        "single.ja": singleJA, "single.en": singleEN,
        "followup.ja": followupJA, "followup.en": followupEN,
        "digest.ja": digestJA, "digest.en": digestEN,
        "daily.ja": dailyJA, "daily.en": dailyEN,
    ]

    static let itemJA = """
    {{#items}}
    ■ {{urgencyLabel}} {{signature}}
      端末: {{endpoint}}{{#hostname}} ({{hostname}}){{/hostname}}
      分類: {{category}}
      検知: {{count}} 件 / 初回 {{firstSeen}} / 最終 {{lastSeen}} ({{zone}})
    {{#evidence}}
      証跡: {{.}}
    {{/evidence}}
      緊急度の理由: {{reason}}
    {{#note}}
      担当アナリストより: {{note}}
    {{/note}}
    {{#incident}}
      インシデント番号: {{incident}}
    {{/incident}}

    {{/items}}
    """

    static let itemEN = """
    {{#items}}
    * {{urgencyLabel}} {{signature}}
      Endpoint: {{endpoint}}{{#hostname}} ({{hostname}}){{/hostname}}
      Category: {{category}}
      Seen: {{count}} times, first {{firstSeen}}, last {{lastSeen}} ({{zone}})
    {{#evidence}}
      Evidence: {{.}}
    {{/evidence}}
      Why this urgency: {{reason}}
    {{#note}}
      From the analyst: {{note}}
    {{/note}}
    {{#incident}}
      Incident: {{incident}}
    {{/incident}}

    {{/items}}
    """

    static let actionsJA = """
    【至急お願いしたい対応】
    {{#actions}}
    ・{{.}}
    {{/actions}}

    本件に関するお問い合わせは SOC までご連絡ください。{{#socContact}}
    連絡先: {{socContact}}{{/socContact}}
    {{#incidentLine}}ご連絡の際はインシデント番号 {{incidentLine}} をお知らせください。{{/incidentLine}}
    """

    static let actionsEN = """
    What to do now:
    {{#actions}}
    - {{.}}
    {{/actions}}

    Questions about this notice: please contact the SOC.{{#socContact}}
    Contact: {{socContact}}{{/socContact}}
    {{#incidentLine}}Please quote incident {{incidentLine}}.{{/incidentLine}}
    """

    static let singleJA = """
    {{% CONTENT_TYPE: TEXT}}{{stars}}【{{urgencyName}}】不審な通信を検知しました: {{leadEndpoint}} {{leadSignature}}{{#incidentLine}} [{{incidentLine}}]{{/incidentLine}}
    {{customer}} ご担当者様

    当 SOC の監視において、以下の被疑端末を確認しました（{{itemCount}} 件）。
    緊急度: {{urgencyLabel}}（{{urgencyName}}）

    \(itemJA)
    \(actionsJA)
    """

    static let singleEN = """
    {{% CONTENT_TYPE: TEXT}}{{stars}}[{{urgencyLabel}} {{urgencyName}}] Suspicious traffic detected: {{leadEndpoint}} {{leadSignature}}{{#incidentLine}} [{{incidentLine}}]{{/incidentLine}}
    Dear {{customer}} security team,

    Our monitoring confirmed the following suspect endpoints ({{itemCount}}).
    Urgency: {{urgencyLabel}} ({{urgencyName}})

    \(itemEN)
    \(actionsEN)
    """

    static let followupJA = """
    {{% CONTENT_TYPE: TEXT}}Re: {{stars}}【{{urgencyName}}】不審な通信を検知しました: {{leadEndpoint}} {{leadSignature}}{{#incidentLine}} [{{incidentLine}}]{{/incidentLine}}
    {{customer}} ご担当者様

    先にお知らせしたインシデントについて、追加の情報です。

    \(itemJA)
    \(actionsJA)
    """

    static let followupEN = """
    {{% CONTENT_TYPE: TEXT}}Re: {{stars}}[{{urgencyLabel}} {{urgencyName}}] Suspicious traffic detected: {{leadEndpoint}} {{leadSignature}}{{#incidentLine}} [{{incidentLine}}]{{/incidentLine}}
    Dear {{customer}} security team,

    More about the incident we told you of earlier.

    \(itemEN)
    \(actionsEN)
    """

    static let digestJA = """
    {{% CONTENT_TYPE: TEXT}}{{stars}}【定時報告】検知 {{itemCount}} 件（{{slot}}）
    {{customer}} ご担当者様

    前回のご報告以降に確認した検知をまとめてお知らせします（{{itemCount}} 件、最も高い緊急度: {{urgencyLabel}} {{urgencyName}}）。

    \(itemJA)
    \(actionsJA)
    """

    static let digestEN = """
    {{% CONTENT_TYPE: TEXT}}{{stars}}[Digest] {{itemCount}} detections ({{slot}})
    Dear {{customer}} security team,

    What we confirmed since our last report ({{itemCount}}; highest urgency {{urgencyLabel}} {{urgencyName}}):

    \(itemEN)
    \(actionsEN)
    """

    static let dailyJA = """
    {{% CONTENT_TYPE: TEXT}}【日次報告】{{date}} 検知 {{itemCount}} 件
    {{customer}} ご担当者様

    前営業日以降に確認した、緊急度の低い検知のご報告です（{{itemCount}} 件）。

    \(itemJA)
    \(actionsJA)
    """

    static let dailyEN = """
    {{% CONTENT_TYPE: TEXT}}[Daily report] {{date}}: {{itemCount}} detections
    Dear {{customer}} security team,

    Lower-urgency detections we confirmed since the last business day ({{itemCount}}):

    \(itemEN)
    \(actionsEN)
    """
}
