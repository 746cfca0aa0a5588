import Foundation
import GRDB
import TobanCore

/// Mapping between `Detection` and a `detections` row.
enum DetectionRow {
    static let columns = """
    id, customer_id, sensor, source_format, source_name, source_offset, event_time, ingest_time, \
    signature_id, signature_name, category, vendor_severity, severity, urgency, urgency_reason, \
    src_ip, src_port, dest_ip, dest_port, transport, endpoint, evidence, count, first_seen, last_seen, \
    status, disposition, assignee, raw
    """

    /// The columns a new row is inserted with (`bindInsert` binds them in this order).
    static let insertColumns = """
    customer_id, sensor, source_format, source_name, source_offset, event_time, ingest_time, \
    signature_id, signature_name, category, vendor_severity, severity, urgency, urgency_reason, \
    src_ip, src_port, dest_ip, dest_port, transport, endpoint, evidence, count, first_seen, last_seen, \
    status, disposition, assignee, raw, aggregation_key, aggregation_hash, endpoint_hash
    """

    /// New rows, `rows` of them in one statement (the ingest writer's). One statement
    /// costs SQLite about as much again as the row it inserts (its cursors opened and
    /// positioned afresh): thirty-two at once took a third less of the commit thread.
    ///
    /// OR FAIL, because a statement that may write several rows and then abort keeps a
    /// statement journal (a copy of every page it changes) to undo itself. One that fails
    /// keeps the rows it wrote, and needs none; the writer rolls back its whole transaction
    /// on any error.
    static func insertSQL(rows: Int) -> String {
        "INSERT OR FAIL INTO detections (\(insertColumns)) VALUES \([String].tuples(rows, width: insertWidth))"
    }

    static let insertWidth = insertColumns.split(separator: ",").count

    /// A row's aggregation key (`AggregationKey.text`) made from the columns it consists of.
    /// The ingest writer stores `aggregation_key` empty: the text repeated ~60 bytes of those
    /// columns in every row. Rows stored before that hold the text, and it is read as is.
    /// `table`: the name or alias to qualify the columns with, if any.
    static func aggregationKeySQL(table: String = "") -> String {
        let t = table.isEmpty ? "" : table + "."
        return """
            (CASE WHEN \(t)aggregation_key <> '' THEN \(t)aggregation_key ELSE \(t)customer_id || '|' || \(t)sensor || '|' \
            || \(t)signature_id || '|' || coalesce(\(t)src_ip, '-') || '|' || coalesce(\(t)dest_ip, '-') END)
            """
    }

    /// Binds a new open row for `insertSQL(rows:)`: `d`'s fields with the folded count, times and
    /// the urgency just evaluated (the ingest writer's hot path; see `RawStatement`).
    /// `inout` only to be lent the detection and its texts where they lie (they are not
    /// changed): a borrowed argument read from an array or pointer is copied first, every
    /// string in it retained and released again.
    static func bindInsert(_ d: inout Detection, text: inout PreparedIngestBatch.DetectionText, count: Int, first: Int64, last: Int64,
                           urgency: Urgency, reason: String, into s: inout RawStatement) {
        s.bind(d.customerID); s.bind(d.sensor); s.bind(d.sourceFormat.rawValue); s.bind(d.sourcePosition.source)
        s.bind(d.sourcePosition.offset); s.bind(d.eventTime.storeMilliseconds); s.bind(d.ingestTime.storeMilliseconds)
        s.bind(d.signature.id); s.bind(d.signature.name); s.bind(d.signature.category); s.bind(d.vendorSeverity)
        s.bind(d.severity.rawValue); s.bind(urgency.rawValue); s.bind(reason)
        s.bind(text.sourceIP); s.bind(d.sourcePort); s.bind(text.destinationIP); s.bind(d.destinationPort)
        s.bind(d.transport); s.bind(text.endpoint?.endpoint); s.bind(text.evidence); s.bind(count)
        s.bind(first); s.bind(last)
        s.bind(DetectionStatus.new.rawValue); s.bindNull(); s.bindNull(); s.bind(d.raw); s.bind(""); s.bind(text.aggregate.hash)
        s.bind(text.endpointHash)
    }

    static func detection(_ row: Row) -> Detection {
        let evidenceFields = (JSONText.decode(row["evidence"] as String?) as? [String: String]) ?? [:]
        let status = DetectionStatus(rawValue: row["status"]) ?? .new
        return Detection(
            id: row["id"],
            customerID: row["customer_id"],
            sensor: row["sensor"],
            sourceFormat: SourceFormat(rawValue: row["source_format"]) ?? .syslog,
            sourcePosition: SourcePosition(source: row["source_name"], offset: row["source_offset"]),
            eventTime: Date(storeMilliseconds: row["event_time"]),
            ingestTime: Date(storeMilliseconds: row["ingest_time"]),
            signature: Signature(id: row["signature_id"], name: row["signature_name"], category: row["category"]),
            vendorSeverity: row["vendor_severity"],
            severity: Severity(rawValue: row["severity"]) ?? .informational,
            urgency: Urgency(rawValue: row["urgency"]) ?? .p5,
            urgencyReason: row["urgency_reason"],
            sourceIP: (row["src_ip"] as String?).flatMap { IPAddress($0) },
            sourcePort: row["src_port"],
            destinationIP: (row["dest_ip"] as String?).flatMap { IPAddress($0) },
            destinationPort: row["dest_port"],
            transport: row["transport"],
            endpoint: (row["endpoint"] as String?).flatMap { IPAddress($0) },
            evidence: Evidence(fields: evidenceFields),
            count: row["count"],
            firstSeen: Date(storeMilliseconds: row["first_seen"]),
            lastSeen: Date(storeMilliseconds: row["last_seen"]),
            status: status,
            disposition: (row["disposition"] as String?).flatMap { Disposition(rawValue: $0) },
            assignee: row["assignee"],
            raw: row["raw"]
        )
    }

    static func fetch(_ db: Database, id: Int64) throws -> Detection? {
        try Row.fetchOne(db, sql: "SELECT \(columns) FROM detections WHERE id = ?", arguments: [id]).map(detection)
    }
}
