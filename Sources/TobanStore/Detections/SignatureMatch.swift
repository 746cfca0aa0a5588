import Foundation
import GRDB
import TobanCore

/// `sig~text` resolved against the stored signature names (a few thousand rows) instead of
/// every detection: which signature ids can match, and for which of them every row matches
/// (so the per-row name test can be left out).
struct SignatureMatch {
    /// Matching ids, sorted.
    var ids: [String]
    /// Ids whose every stored name matches (or that equal the text): their rows need no name test.
    var wholly: Set<String>

    /// Up to this many matching signatures, an open-queue page is read signature by
    /// signature through `detections_signature_queue` and merged (a few index seeks each);
    /// beyond it the matches are common enough to read the queue index with the id list as
    /// a filter.
    static let mergeLimit = 64

    static func resolve(_ db: Database, _ text: String) throws -> SignatureMatch {
        let pattern = "%" + DetectionFilter.escapeLike(text) + "%"
        let rows = try Row.fetchAll(db.cachedStatement(sql: """
            SELECT signature_id, MIN(signature_name LIKE ?1 ESCAPE '\\' OR signature_id = ?2) AS every
            FROM signature_names GROUP BY signature_id HAVING MAX(signature_name LIKE ?1 ESCAPE '\\' OR signature_id = ?2)
            ORDER BY signature_id
            """), arguments: [pattern, text])
        var match = SignatureMatch(ids: [], wholly: [])
        for row in rows {
            let id: String = row["signature_id"]
            match.ids.append(id)
            if (row["every"] as Int) == 1 { match.wholly.insert(id) }
        }
        return match
    }
}
