import GRDB

/// Versioned schema. Times are INTEGER milliseconds since 1970 (UTC) everywhere; IP
/// addresses are their canonical text (`IPAddress.description`); enums are their raw
/// values (urgency and severity as integers 1–5, so they sort); JSON is compact text.
///
/// A migration is history: its SQL is literal text, never built from live code (such as
/// `ContextColumns` or `QueueAggregatesSchema`), so changing that code cannot change what
/// an old migration did on a store created later. The schema texts follow in version order.
enum StoreMigrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        /// A migration that is one SQL text.
        func register(_ identifier: String, _ sql: String) {
            migrator.registerMigration(identifier) { db in try db.execute(sql: sql) }
        }
        register("v1", schemaV1)
        migrator.registerMigration("v2-ingest-write-path") { db in
            db.add(function: AggregationHash.sqlFunction)
            try db.execute(sql: schemaV2)
        }
        // Keep this one registered last (after any "v2-…"): it backfills from the final
        // detections table and adds the triggers that keep its tables exact.
        migrator.registerMigration("v3-queue-aggregates") { db in
            try db.execute(sql: schemaV3Tables)
            try db.execute(sql: schemaV3Backfill)
            try db.execute(sql: schemaV3Triggers)
            // The sparkline reads `detection_arrivals` now: one index less per inserted row.
            try db.execute(sql: "DROP INDEX IF EXISTS detections_ingest_time")
        }
        register("v4-context-parts", schemaV4)
        // Context is written every few seconds rather than with each batch: a source's
        // checkpoint also says how far its context is stored (NULL: as far as its rows).
        register("v5-context-checkpoint", """
            ALTER TABLE ingest_checkpoints ADD COLUMN context_offset INTEGER;
            ALTER TABLE ingest_checkpoints ADD COLUMN context_fingerprint INTEGER;
            """)
        register("v6-outbox", schemaV6Outbox)
        register("v7-incident-work", schemaV7IncidentWork)
        // A followed file's format is kept with its checkpoint (ingest reads on in it after a
        // restart instead of guessing from the line it resumes at).
        register("v8-checkpoint-format", "ALTER TABLE ingest_checkpoints ADD COLUMN format TEXT")
        // While ingest reads a backlog it brings an endpoint's row up to date (counters and
        // risk score) every couple of seconds rather than with every batch; a row that waits
        // says so, so a writer that starts after a crash recounts it from its detections.
        register("v9-endpoints-settle", schemaV9EndpointsSettle)
        // The ingest writer keeps the open keys of the aggregation window in memory
        // (`OpenAggregates`), spilling to a table only what memory cannot hold, and looks
        // older ones up by endpoint: no index of random keys over every detection.
        register("v10-fold-in-memory", schemaV10FoldInMemory)
        // Ingest inserts open rows only: the order of closed ones gets an index of its own,
        // which ingest never writes, instead of one over every row.
        register("v11-closed-order", schemaV11ClosedOrder)
        // The unconfirmed rows' index tests their status with ORs, not an IN list: SQLite
        // builds an IN list's lookup table every time it checks a row against the index.
        register("v12-unconfirmed-without-in-list", schemaV12UnconfirmedWithoutInList)
        // Ingest inserts open rows only: closed ones get the signature index of their own
        // that "same signature, other customers" needs, instead of one over every row.
        register("v13-closed-signature", schemaV13ClosedSignature)
        // Context parts are appended to their table and found through a small index,
        // instead of being inserted into a table ordered by bucket and endpoint.
        register("v14-context-parts-appended", schemaV14ContextPartsAppended)
        // The open queue's indexes in ascending order: every read fixes the urgency and
        // reads newest first by going through its range backwards.
        register("v15-ascending-queue-indexes", schemaV15AscendingQueueIndexes)
        // An endpoint a backlog's batch touches is marked in a table that is only appended
        // to, instead of in its row: rows at random places in `endpoints`, rewritten batch
        // after batch, were a third of the writer's page reads and writes.
        register("v16-endpoint-marks", schemaV16EndpointMarks)
        // The endpoint index leads with one integer, a hash of the customer and the address,
        // instead of the two texts: it was the dearest index of every inserted detection.
        migrator.registerMigration("v17-endpoint-hash") { db in
            db.add(function: EndpointHash.sqlFunction)
            try db.execute(sql: schemaV17EndpointHash)
        }
        return migrator
    }

    /// Index names the queries rely on (and the tests look for in query plans).
    enum Index {
        static let queue = "detections_queue"
        static let closedQueue = "detections_closed_order"
        static let endpointTime = "detections_endpoint_time"
        /// Closed detections by signature and time (open ones: `signatureQueue`).
        static let closedSignature = "detections_closed_signature"
        static let endpointRisk = "endpoints_risk"
        static let signatureQueue = "detections_signature_queue"
        static let customerQueue = "detections_customer_queue"
        /// A context bucket's parts: (bucket_start, customer_id, endpoint, part), unique.
        static let contextParts = "context_parts_key"
        /// Open P1/P2 detections not yet confirmed to the customer, by arrival.
        static let unconfirmed = "detections_unconfirmed"
        /// The rows `unconfirmed` holds, spelled as its definition spells them: a query
        /// uses a partial index only when its WHERE repeats the index's condition.
        static let unconfirmedRows = "(status = 'new' OR status = 'acknowledged' OR status = 'in_triage') AND urgency <= 2"
    }

    /// Migration "v7-incident-work": what working an incident to its close needs (merge,
    /// reopen, urgency reason, on-site requests), and the on-call ladder's pages.
    static let schemaV7IncidentWork = """
    ALTER TABLE incidents ADD COLUMN urgency_reason TEXT NOT NULL DEFAULT '';
    ALTER TABLE incidents ADD COLUMN merged_into INTEGER;
    ALTER TABLE incidents ADD COLUMN reopened_from INTEGER;
    ALTER TABLE incidents ADD COLUMN on_site_request TEXT;
    CREATE INDEX incidents_open_worklist ON incidents (urgency, created_at, id) WHERE state <> 'closed';
    CREATE INDEX incidents_worklist ON incidents (urgency, created_at, id);
    CREATE INDEX notifications_incident ON notifications (incident_id);
    CREATE INDEX notifications_waiting ON notifications (due_at, id) WHERE state NOT IN ('sent', 'cancelled');
    CREATE INDEX detections_unconfirmed ON detections (ingest_time)
        WHERE status IN ('new', 'acknowledged', 'in_triage') AND urgency <= 2;

    CREATE TABLE pages (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        chain TEXT NOT NULL,
        customer_id TEXT,
        urgency INTEGER NOT NULL,
        summary TEXT NOT NULL,
        reason TEXT NOT NULL,
        level INTEGER NOT NULL,
        round INTEGER NOT NULL,
        layer TEXT NOT NULL,
        login TEXT NOT NULL,
        paged_at INTEGER NOT NULL,
        acknowledge_by INTEGER NOT NULL,
        acknowledged_at INTEGER,
        acknowledged_by TEXT,
        resolved_at INTEGER
    );
    CREATE INDEX pages_chain ON pages (chain, id);
    CREATE INDEX pages_open ON pages (acknowledged_at, resolved_at);
    """

    /// Migration "v9-endpoints-settle": `stale` 1 while the ingest writer holds part of the
    /// row's counters or its score back (`BatchWriter.upsertEndpoints`).
    static let schemaV9EndpointsSettle = """
    ALTER TABLE endpoints ADD COLUMN stale INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX endpoints_stale ON endpoints (customer_id, ip) WHERE stale = 1;
    """

    /// Migration "v10-fold-in-memory": `fold_spill` holds the open rows of the aggregation
    /// window the ingest writer has no room for in memory, by their key's hash; a deleted
    /// detection takes its entry along.
    static let schemaV10FoldInMemory = """
    DROP INDEX IF EXISTS detections_aggregation;
    CREATE TABLE fold_spill (
        detection_id INTEGER PRIMARY KEY,
        hash INTEGER NOT NULL,
        last_seen INTEGER NOT NULL
    );
    CREATE INDEX fold_spill_hash ON fold_spill (hash);
    CREATE INDEX fold_spill_last_seen ON fold_spill (last_seen);
    CREATE TRIGGER fold_spill_delete AFTER DELETE ON detections
    BEGIN
    DELETE FROM fold_spill WHERE detection_id = old.id;
    END;
    """

    /// Migration "v11-closed-order": the queue order of closed detections. A view that
    /// includes closed rows merges it with `detections_queue` (open rows); the index over
    /// every row that it replaces cost each inserted detection one more index entry.
    static let schemaV11ClosedOrder = """
    DROP INDEX IF EXISTS detections_order;
    CREATE INDEX detections_closed_order ON detections (urgency, last_seen DESC, id DESC) WHERE status = 'closed';
    """

    /// Migration "v12-unconfirmed-without-in-list": the same rows in `detections_unconfirmed`,
    /// selected without an IN list. SQLite evaluated `status IN (…)` by building a temporary
    /// table for every detection inserted or updated (a third of the insert's cost, measured
    /// with a table of this shape); a query must now spell the condition the same way to
    /// use the index (`Index.unconfirmedRows`).
    static let schemaV12UnconfirmedWithoutInList = """
    DROP INDEX IF EXISTS detections_unconfirmed;
    CREATE INDEX detections_unconfirmed ON detections (ingest_time)
        WHERE (status = 'new' OR status = 'acknowledged' OR status = 'in_triage') AND urgency <= 2;
    """

    /// Migration "v13-closed-signature": closed detections by signature and time. Open ones
    /// are in `detections_signature_queue` (one range per urgency); the index over every
    /// row that this replaces cost each inserted detection one more index entry.
    static let schemaV13ClosedSignature = """
    DROP INDEX IF EXISTS detections_signature;
    CREATE INDEX detections_closed_signature ON detections (signature_id, last_seen) WHERE status = 'closed';
    """

    /// Migration "v14-context-parts-appended": `context_parts` becomes an ordinary table,
    /// its rows in the order they were written, with its key as a unique index
    /// (`Index.contextParts`). Ordered by its key, every flush of context inserted a
    /// ~400-byte row at a random place in the current hour's pages for each endpoint: the
    /// commit thread kept those hundreds of pages in its cache, splitting and writing them
    /// again and again. Now rows land at the end, and only the index's small entries land
    /// at random. Readers look a bucket's parts up through the index, as before through
    /// the key.
    static let schemaV14ContextPartsAppended = """
    CREATE TABLE context_parts_appended (
        customer_id TEXT NOT NULL,
        endpoint TEXT NOT NULL,
        bucket_start INTEGER NOT NULL,
        -- orders a bucket's parts (its examples in the order they were kept)
        part INTEGER NOT NULL,
        dns INTEGER NOT NULL DEFAULT 0,
        http INTEGER NOT NULL DEFAULT 0,
        tls INTEGER NOT NULL DEFAULT 0,
        fileinfo INTEGER NOT NULL DEFAULT 0,
        flow INTEGER NOT NULL DEFAULT 0,
        smtp INTEGER NOT NULL DEFAULT 0,
        ssh INTEGER NOT NULL DEFAULT 0,
        conn INTEGER NOT NULL DEFAULT 0,
        other INTEGER NOT NULL DEFAULT 0,
        -- a JSON array of the ContextSample objects this part added
        samples TEXT NOT NULL
    );
    INSERT INTO context_parts_appended (customer_id, endpoint, bucket_start, part, dns, http, tls, fileinfo, flow, smtp, ssh, conn, other, samples)
        SELECT customer_id, endpoint, bucket_start, part, dns, http, tls, fileinfo, flow, smtp, ssh, conn, other, samples
        FROM context_parts ORDER BY bucket_start, customer_id, endpoint, part;
    DROP TABLE context_parts;
    ALTER TABLE context_parts_appended RENAME TO context_parts;
    CREATE UNIQUE INDEX context_parts_key ON context_parts (bucket_start, customer_id, endpoint, part);
    """

    /// Migration "v15-ascending-queue-indexes": the open queue's three indexes keep
    /// `last_seen` and `id` ascending. Descending, each new detection (the latest activity)
    /// went to the front of its urgency's range, where SQLite splits pages in half: the
    /// indexes were twice the pages they need, and ingest wrote each of those pages to the
    /// log. Every query over them fixes the urgency (`Keyset.leadValues`, one statement per
    /// urgency), so "newest first" is the range read backwards, as SQLite does for an
    /// ascending index.
    static let schemaV15AscendingQueueIndexes = """
    DROP INDEX IF EXISTS detections_queue;
    DROP INDEX IF EXISTS detections_signature_queue;
    DROP INDEX IF EXISTS detections_customer_queue;
    CREATE INDEX detections_queue ON detections (urgency, last_seen, id) WHERE status <> 'closed';
    CREATE INDEX detections_signature_queue ON detections (signature_id, urgency, last_seen, id) WHERE status <> 'closed';
    CREATE INDEX detections_customer_queue ON detections (customer_id, urgency, last_seen, id) WHERE status <> 'closed';
    """

    /// Migration "v16-endpoint-marks": endpoints whose rows lag behind their detections
    /// while ingest reads a backlog (see `BatchWriter.upsertEndpoints`). Appended to, read
    /// only by a writer that starts, and emptied when the endpoints settle; no index.
    static let schemaV16EndpointMarks = """
    CREATE TABLE endpoint_marks (customer_id TEXT NOT NULL, ip TEXT NOT NULL);
    """

    /// Migration "v17-endpoint-hash": `endpoint_hash` (`EndpointHash`) for every row, the
    /// endpoint index rebuilt on it, and the v3 triggers that find an endpoint's latest open
    /// row made to read that index (their text otherwise as v3 wrote it). The planner chose
    /// the customer's queue index for that subquery, and read the customer's rows of that
    /// urgency backwards until one was the endpoint's: on 200k stored rows of one customer,
    /// 4–5 ms for each close or urgency change of a recent row (100 took 0.41–0.51 s). Read
    /// through the endpoint's own rows, 100 took 0.011–0.016 s, with identical aggregates.
    static let schemaV17EndpointHash = """
    ALTER TABLE detections ADD COLUMN endpoint_hash INTEGER NOT NULL DEFAULT 0;
    UPDATE detections SET endpoint_hash = toban_endpoint_hash(customer_id, endpoint);
    DROP INDEX detections_endpoint_time;
    CREATE INDEX detections_endpoint_time ON detections (endpoint_hash, last_seen);
    DROP TRIGGER queue_aggregates_close;
    DROP TRIGGER queue_aggregates_reopen;
    DROP TRIGGER queue_aggregates_urgency;
    DROP TRIGGER queue_aggregates_delete;
    """ + schemaV3Triggers.replacingOccurrences(
        of: "FROM detections\n        WHERE customer_id = old.customer_id AND endpoint IS old.endpoint AND",
        with: "FROM detections INDEXED BY detections_endpoint_time\n        WHERE endpoint_hash = old.endpoint_hash AND customer_id = old.customer_id AND endpoint IS old.endpoint AND")

    static let schemaV1 = """
    CREATE TABLE customers (
        id TEXT PRIMARY KEY NOT NULL,
        display_name TEXT NOT NULL,
        snapshot TEXT NOT NULL,
        updated_at INTEGER NOT NULL
    );

    CREATE TABLE sensors (
        customer_id TEXT NOT NULL,
        name TEXT NOT NULL,
        last_event_at INTEGER,
        last_heartbeat_at INTEGER,
        kernel_packets INTEGER,
        kernel_drops INTEGER,
        PRIMARY KEY (customer_id, name)
    ) WITHOUT ROWID;

    CREATE TABLE detections (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        customer_id TEXT NOT NULL,
        sensor TEXT NOT NULL,
        source_format TEXT NOT NULL,
        source_name TEXT NOT NULL,
        source_offset INTEGER NOT NULL,
        event_time INTEGER NOT NULL,
        ingest_time INTEGER NOT NULL,
        signature_id TEXT NOT NULL,
        signature_name TEXT NOT NULL,
        category TEXT NOT NULL,
        vendor_severity TEXT NOT NULL,
        severity INTEGER NOT NULL,
        urgency INTEGER NOT NULL CHECK (urgency BETWEEN 1 AND 5),
        urgency_reason TEXT NOT NULL,
        src_ip TEXT,
        src_port INTEGER,
        dest_ip TEXT,
        dest_port INTEGER,
        transport TEXT NOT NULL,
        endpoint TEXT,
        evidence TEXT NOT NULL,
        count INTEGER NOT NULL,
        first_seen INTEGER NOT NULL,
        last_seen INTEGER NOT NULL,
        status TEXT NOT NULL,
        disposition TEXT,
        assignee TEXT,
        raw TEXT NOT NULL,
        aggregation_key TEXT NOT NULL
    );
    -- The console's queue: open detections by urgency, newest activity first.
    CREATE INDEX detections_queue ON detections (urgency, last_seen DESC, id DESC) WHERE status <> 'closed';
    -- The same order over every status (queries that include closed detections).
    CREATE INDEX detections_order ON detections (urgency, last_seen DESC, id DESC);
    CREATE INDEX detections_endpoint_time ON detections (customer_id, endpoint, last_seen);
    CREATE INDEX detections_aggregation ON detections (aggregation_key, last_seen);
    CREATE INDEX detections_signature ON detections (signature_id, last_seen);
    CREATE INDEX detections_ingest_time ON detections (ingest_time);

    CREATE TABLE endpoints (
        customer_id TEXT NOT NULL,
        ip TEXT NOT NULL,
        mac TEXT,
        hostname TEXT,
        risk_score REAL NOT NULL DEFAULT 0,
        risk_explanation TEXT NOT NULL DEFAULT '[]',
        status TEXT NOT NULL DEFAULT 'none',
        status_note TEXT,
        first_seen INTEGER NOT NULL,
        last_seen INTEGER NOT NULL,
        detection_count INTEGER NOT NULL DEFAULT 0,
        distinct_signatures INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (customer_id, ip)
    ) WITHOUT ROWID;
    CREATE INDEX endpoints_risk ON endpoints (risk_score DESC, customer_id, ip);

    -- One row per endpoint per hour, never one per event.
    CREATE TABLE context_buckets (
        customer_id TEXT NOT NULL,
        endpoint TEXT NOT NULL,
        bucket_start INTEGER NOT NULL,
        counts TEXT NOT NULL,
        samples TEXT NOT NULL,
        PRIMARY KEY (customer_id, endpoint, bucket_start)
    ) WITHOUT ROWID;
    CREATE INDEX context_buckets_start ON context_buckets (bucket_start);

    CREATE TABLE incidents (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        customer_id TEXT NOT NULL,
        title TEXT NOT NULL,
        urgency INTEGER NOT NULL,
        state TEXT NOT NULL,
        outcome TEXT,
        endpoints TEXT NOT NULL,
        owner TEXT,
        escalated_to TEXT,
        acknowledge_by INTEGER,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        comment TEXT NOT NULL
    );
    CREATE INDEX incidents_customer ON incidents (customer_id, id);

    CREATE TABLE incident_detections (
        incident_id INTEGER NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
        detection_id INTEGER NOT NULL REFERENCES detections(id) ON DELETE CASCADE,
        PRIMARY KEY (incident_id, detection_id)
    ) WITHOUT ROWID;
    CREATE INDEX incident_detections_detection ON incident_detections (detection_id);

    CREATE TABLE notifications (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        customer_id TEXT NOT NULL,
        incident_id INTEGER REFERENCES incidents(id) ON DELETE SET NULL,
        detection_ids TEXT NOT NULL,
        urgency INTEGER NOT NULL,
        channel TEXT NOT NULL,
        recipients TEXT NOT NULL,
        language TEXT NOT NULL,
        subject TEXT NOT NULL,
        body TEXT NOT NULL,
        state TEXT NOT NULL,
        due_at INTEGER NOT NULL,
        sent_at INTEGER,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        created_at INTEGER NOT NULL
    );
    CREATE INDEX notifications_customer ON notifications (customer_id, id);
    CREATE INDEX notifications_state ON notifications (state, due_at);

    CREATE TABLE audit (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at INTEGER NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        subject TEXT NOT NULL,
        subject_id TEXT NOT NULL,
        customer_id TEXT,
        before TEXT,
        after TEXT,
        comment TEXT,
        group_id TEXT
    );
    CREATE INDEX audit_subject ON audit (subject, subject_id, id);
    CREATE INDEX audit_group ON audit (group_id) WHERE group_id IS NOT NULL;
    CREATE INDEX audit_customer ON audit (customer_id) WHERE customer_id IS NOT NULL;

    CREATE TABLE ingest_checkpoints (
        source_id TEXT PRIMARY KEY NOT NULL,
        path TEXT NOT NULL,
        device INTEGER NOT NULL,
        inode INTEGER NOT NULL,
        fingerprint INTEGER NOT NULL,
        offset INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
    );

    CREATE TABLE ingest_counters (
        source_id TEXT PRIMARY KEY NOT NULL,
        lines INTEGER NOT NULL DEFAULT 0,
        detections INTEGER NOT NULL DEFAULT 0,
        context INTEGER NOT NULL DEFAULT 0,
        sampled_out INTEGER NOT NULL DEFAULT 0,
        quarantined INTEGER NOT NULL DEFAULT 0,
        unassigned INTEGER NOT NULL DEFAULT 0,
        last_event_at INTEGER,
        updated_at INTEGER NOT NULL
    );
    """

    /// The ingest writer's hot path, made cheaper:
    /// - detections are folded by an integer hash of their aggregation key (8 bytes in the
    ///   index instead of ~80, and only open rows indexed); the key text stays in the row so
    ///   a hash collision is caught by comparing it, never folded into a stranger's row;
    /// - a context bucket's counts are integer columns added to in place (no JSON to
    ///   rewrite), and its examples are appended as small chunks in `context_samples`
    ///   (one row per bucket and batch, written only while the bucket has room), so a
    ///   batch never rewrites what earlier batches stored. Both are keyed by bucket start
    ///   first: a batch's writes land together at the young end of the tree (a few hot
    ///   pages, not one page per endpoint all over the file), pruning cuts off the old end,
    ///   and a timeline reads its dozen buckets by point lookups.
    static let schemaV2 = """
    ALTER TABLE detections ADD COLUMN aggregation_hash INTEGER NOT NULL DEFAULT 0;
    UPDATE detections SET aggregation_hash = toban_aggregation_hash(aggregation_key);
    DROP INDEX detections_aggregation;
    CREATE INDEX detections_aggregation ON detections (aggregation_hash, last_seen) WHERE status <> 'closed';

    CREATE TABLE context_counts (
        customer_id TEXT NOT NULL,
        endpoint TEXT NOT NULL,
        bucket_start INTEGER NOT NULL,
        dns INTEGER NOT NULL DEFAULT 0,
        http INTEGER NOT NULL DEFAULT 0,
        tls INTEGER NOT NULL DEFAULT 0,
        fileinfo INTEGER NOT NULL DEFAULT 0,
        flow INTEGER NOT NULL DEFAULT 0,
        smtp INTEGER NOT NULL DEFAULT 0,
        ssh INTEGER NOT NULL DEFAULT 0,
        conn INTEGER NOT NULL DEFAULT 0,
        other INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (bucket_start, customer_id, endpoint)
    ) WITHOUT ROWID;
    INSERT INTO context_counts (customer_id, endpoint, bucket_start, dns, http, tls, fileinfo, flow, smtp, ssh, conn, other)
        SELECT customer_id, endpoint, bucket_start,
               coalesce(json_extract(counts, '$.dns'), 0),
               coalesce(json_extract(counts, '$.http'), 0),
               coalesce(json_extract(counts, '$.tls'), 0),
               coalesce(json_extract(counts, '$.fileinfo'), 0),
               coalesce(json_extract(counts, '$.flow'), 0),
               coalesce(json_extract(counts, '$.smtp'), 0),
               coalesce(json_extract(counts, '$.ssh'), 0),
               coalesce(json_extract(counts, '$.conn'), 0),
               coalesce(json_extract(counts, '$.other'), 0)
        FROM context_buckets;
    CREATE TABLE context_samples (
        customer_id TEXT NOT NULL,
        endpoint TEXT NOT NULL,
        bucket_start INTEGER NOT NULL,
        -- how many samples the bucket held before this chunk (orders the chunks)
        seq INTEGER NOT NULL,
        -- a JSON array of ContextSample objects
        samples TEXT NOT NULL,
        PRIMARY KEY (bucket_start, customer_id, endpoint, seq)
    ) WITHOUT ROWID;
    INSERT INTO context_samples (customer_id, endpoint, bucket_start, seq, samples)
        SELECT customer_id, endpoint, bucket_start, 0, samples FROM context_buckets WHERE samples <> '[]';
    DROP TABLE context_buckets;
    ALTER TABLE context_counts RENAME TO context_buckets;
    """

    /// Migration "v3-queue-aggregates" (the tables, backfill and triggers are explained in
    /// `QueueAggregatesSchema`), written out so that later changes to that type, whose
    /// backfill also serves `rebuildQueueAggregates`, cannot change what this migration does.
    static let schemaV3Tables = """
    CREATE TABLE queue_aggregates (
        dimension TEXT NOT NULL,
        key TEXT NOT NULL,
        customer_id TEXT NOT NULL,
        urgency INTEGER NOT NULL,
        open_count INTEGER NOT NULL,
        last_seen INTEGER NOT NULL,
        label TEXT NOT NULL,
        PRIMARY KEY (dimension, key, customer_id, urgency)
    ) WITHOUT ROWID;
    CREATE INDEX queue_aggregates_customer ON queue_aggregates (dimension, customer_id, urgency);

    -- The same per (dimension, key, customer) over all urgencies: the group list without a
    -- GROUP BY over every endpoint × urgency row. Kept alongside queue_aggregates by the
    -- same writers (arrivals only add, so an upsert; departures recompute the group).
    CREATE TABLE queue_group_totals (
        dimension TEXT NOT NULL,
        key TEXT NOT NULL,
        customer_id TEXT NOT NULL,
        open_count INTEGER NOT NULL,
        urgency INTEGER NOT NULL,
        last_seen INTEGER NOT NULL,
        label TEXT NOT NULL,
        PRIMARY KEY (dimension, key, customer_id)
    ) WITHOUT ROWID;

    CREATE TABLE signature_names (
        signature_id TEXT NOT NULL,
        signature_name TEXT NOT NULL,
        PRIMARY KEY (signature_id, signature_name)
    ) WITHOUT ROWID;

    CREATE TABLE detection_arrivals (
        minute INTEGER PRIMARY KEY NOT NULL,
        count INTEGER NOT NULL
    );

    CREATE INDEX detections_signature_queue ON detections (signature_id, urgency, last_seen DESC, id DESC) WHERE status <> 'closed';
    CREATE INDEX detections_customer_queue ON detections (customer_id, urgency, last_seen DESC, id DESC) WHERE status <> 'closed';
    """

    static let schemaV3Backfill = """
    DELETE FROM queue_aggregates;
    DELETE FROM signature_names;
    DELETE FROM detection_arrivals;
    INSERT INTO queue_aggregates (dimension, key, customer_id, urgency, open_count, last_seen, label)
        SELECT 'signature', signature_id, customer_id, urgency, COUNT(*), MAX(last_seen), MAX(signature_name)
        FROM detections WHERE status <> 'closed' GROUP BY signature_id, customer_id, urgency;
    INSERT INTO queue_aggregates (dimension, key, customer_id, urgency, open_count, last_seen, label)
        SELECT 'endpoint', COALESCE(endpoint, '-'), customer_id, urgency, COUNT(*), MAX(last_seen), COALESCE(endpoint, '-')
        FROM detections WHERE status <> 'closed' GROUP BY endpoint, customer_id, urgency;
    INSERT INTO queue_aggregates (dimension, key, customer_id, urgency, open_count, last_seen, label)
        SELECT 'customer', customer_id, customer_id, urgency, COUNT(*), MAX(last_seen), customer_id
        FROM detections WHERE status <> 'closed' GROUP BY customer_id, urgency;
    DELETE FROM queue_group_totals;
    INSERT INTO queue_group_totals (dimension, key, customer_id, open_count, urgency, last_seen, label)
        SELECT dimension, key, customer_id, SUM(open_count), MIN(urgency), MAX(last_seen), MAX(label) FROM queue_aggregates
        GROUP BY dimension, key, customer_id;
    INSERT INTO signature_names (signature_id, signature_name) SELECT DISTINCT signature_id, signature_name FROM detections;
    INSERT INTO detection_arrivals (minute, count) SELECT CAST(ingest_time / 60000 AS INTEGER), COUNT(*) FROM detections GROUP BY 1;
    """

    /// Triggers keeping the v3 tables exact when a detection is closed, reopened, changes
    /// urgency while open, or is deleted; one block per grouping (signature, endpoint, customer).
    static let schemaV3Triggers = """
    CREATE TRIGGER queue_aggregates_close AFTER UPDATE OF status ON detections
    WHEN old.status <> 'closed' AND new.status = 'closed'
    BEGIN
    UPDATE queue_aggregates SET open_count = open_count - 1 WHERE dimension = 'signature' AND key = old.signature_id AND customer_id = old.customer_id AND urgency = old.urgency;
    DELETE FROM queue_aggregates WHERE dimension = 'signature' AND key = old.signature_id AND customer_id = old.customer_id AND urgency = old.urgency AND open_count <= 0;
    UPDATE queue_aggregates SET last_seen = coalesce((SELECT max(last_seen) FROM detections
            WHERE signature_id = old.signature_id AND urgency = old.urgency AND customer_id = old.customer_id AND status <> 'closed'), last_seen)
        WHERE dimension = 'signature' AND key = old.signature_id AND customer_id = old.customer_id AND urgency = old.urgency AND last_seen <= old.last_seen;
    DELETE FROM queue_group_totals WHERE dimension = 'signature' AND key = old.signature_id AND customer_id = old.customer_id;
    INSERT INTO queue_group_totals (dimension, key, customer_id, open_count, urgency, last_seen, label)
        SELECT dimension, key, customer_id, SUM(open_count), MIN(urgency), MAX(last_seen), MAX(label) FROM queue_aggregates
        WHERE dimension = 'signature' AND key = old.signature_id AND customer_id = old.customer_id GROUP BY dimension, key, customer_id;
    UPDATE queue_aggregates SET open_count = open_count - 1 WHERE dimension = 'endpoint' AND key = COALESCE(old.endpoint, '-') AND customer_id = old.customer_id AND urgency = old.urgency;
    DELETE FROM queue_aggregates WHERE dimension = 'endpoint' AND key = COALESCE(old.endpoint, '-') AND customer_id = old.customer_id AND urgency = old.urgency AND open_count <= 0;
    UPDATE queue_aggregates SET last_seen = coalesce((SELECT max(last_seen) FROM detections
            WHERE customer_id = old.customer_id AND endpoint IS old.endpoint AND urgency = old.urgency AND status <> 'closed'), last_seen)
        WHERE dimension = 'endpoint' AND key = COALESCE(old.endpoint, '-') AND customer_id = old.customer_id AND urgency = old.urgency AND last_seen <= old.last_seen;
    DELETE FROM queue_group_totals WHERE dimension = 'endpoint' AND key = COALESCE(old.endpoint, '-') AND customer_id = old.customer_id;
    INSERT INTO queue_group_totals (dimension, key, customer_id, open_count, urgency, last_seen, label)
        SELECT dimension, key, customer_id, SUM(open_count), MIN(urgency), MAX(last_seen), MAX(label) FROM queue_aggregates
        WHERE dimension = 'endpoint' AND key = COALESCE(old.endpoint, '-') AND customer_id = old.customer_id GROUP BY dimension, key, customer_id;
    UPDATE queue_aggregates SET open_count = open_count - 1 WHERE dimension = 'customer' AND key = old.customer_id AND customer_id = old.customer_id AND urgency = old.urgency;
    DELETE FROM queue_aggregates WHERE dimension = 'customer' AND key = old.customer_id AND customer_id = old.customer_id AND urgency = old.urgency AND open_count <= 0;
    UPDATE queue_aggregates SET last_seen = coalesce((SELECT max(last_seen) FROM detections
            WHERE urgency = old.urgency AND customer_id = old.customer_id AND status <> 'closed'), last_seen)
        WHERE dimension = 'customer' AND key = old.customer_id AND customer_id = old.customer_id AND urgency = old.urgency AND last_seen <= old.last_seen;
    DELETE FROM queue_group_totals WHERE dimension = 'customer' AND key = old.customer_id AND customer_id = old.customer_id;
    INSERT INTO queue_group_totals (dimension, key, customer_id, open_count, urgency, last_seen, label)
        SELECT dimension, key, customer_id, SUM(open_count), MIN(urgency), MAX(last_seen), MAX(label) FROM queue_aggregates
        WHERE dimension = 'customer' AND key = old.customer_id AND customer_id = old.customer_id GROUP BY dimension, key, customer_id;
    END;
    CREATE TRIGGER queue_aggregates_reopen AFTER UPDATE OF status ON detections
    WHEN old.status = 'closed' AND new.status <> 'closed'
    BEGIN
    INSERT INTO queue_aggregates (dimension, key, customer_id, urgency, open_count, last_seen, label)
        VALUES ('signature', new.signature_id, new.customer_id, new.urgency, 1, new.last_seen, new.signature_name)
        ON CONFLICT (dimension, key, customer_id, urgency) DO UPDATE SET open_count = open_count + 1,
            last_seen = max(last_seen, excluded.last_seen), label = max(label, excluded.label);
    INSERT INTO queue_group_totals (dimension, key, customer_id, open_count, urgency, last_seen, label)
        VALUES ('signature', new.signature_id, new.customer_id, 1, new.urgency, new.last_seen, new.signature_name)
        ON CONFLICT (dimension, key, customer_id) DO UPDATE SET open_count = open_count + 1, urgency = min(urgency, excluded.urgency),
            last_seen = max(last_seen, excluded.last_seen), label = max(label, excluded.label);
    INSERT INTO queue_aggregates (dimension, key, customer_id, urgency, open_count, last_seen, label)
        VALUES ('endpoint', COALESCE(new.endpoint, '-'), new.customer_id, new.urgency, 1, new.last_seen, COALESCE(new.endpoint, '-'))
        ON CONFLICT (dimension, key, customer_id, urgency) DO UPDATE SET open_count = open_count + 1,
            last_seen = max(last_seen, excluded.last_seen), label = max(label, excluded.label);
    INSERT INTO queue_group_totals (dimension, key, customer_id, open_count, urgency, last_seen, label)
        VALUES ('endpoint', COALESCE(new.endpoint, '-'), new.customer_id, 1, new.urgency, new.last_seen, COALESCE(new.endpoint, '-'))
        ON CONFLICT (dimension, key, customer_id) DO UPDATE SET open_count = open_count + 1, urgency = min(urgency, excluded.urgency),
            last_seen = max(last_seen, excluded.last_seen), label = max(label, excluded.label);
    INSERT INTO queue_aggregates (dimension, key, customer_id, urgency, open_count, last_seen, label)
        VALUES ('customer', new.customer_id, new.customer_id, new.urgency, 1, new.last_seen, new.customer_id)
        ON CONFLICT (dimension, key, customer_id, urgency) DO UPDATE SET open_count = open_count + 1,
            last_seen = max(last_seen, excluded.last_seen), label = max(label, excluded.label);
    INSERT INTO queue_group_totals (dimension, key, customer_id, open_count, urgency, last_seen, label)
        VALUES ('customer', new.customer_id, new.customer_id, 1, new.urgency, new.last_seen, new.customer_id)
        ON CONFLICT (dimension, key, customer_id) DO UPDATE SET open_count = open_count + 1, urgency = min(urgency, excluded.urgency),
            last_seen = max(last_seen, excluded.last_seen), label = max(label, excluded.label);
    END;
    CREATE TRIGGER queue_aggregates_urgency AFTER UPDATE OF urgency ON detections
    WHEN old.urgency <> new.urgency AND old.status <> 'closed' AND new.status <> 'closed'
    BEGIN
    UPDATE queue_aggregates SET open_count = open_count - 1 WHERE dimension = 'signature' AND key = old.signature_id AND customer_id = old.customer_id AND urgency = old.urgency;
    DELETE FROM queue_aggregates WHERE dimension = 'signature' AND key = old.signature_id AND customer_id = old.customer_id AND urgency = old.urgency AND open_count <= 0;
    UPDATE queue_aggregates SET last_seen = coalesce((SELECT max(last_seen) FROM detections
            WHERE signature_id = old.signature_id AND urgency = old.urgency AND customer_id = old.customer_id AND status <> 'closed'), last_seen)
        WHERE dimension = 'signature' AND key = old.signature_id AND customer_id = old.customer_id AND urgency = old.urgency AND last_seen <= old.last_seen;
    DELETE FROM queue_group_totals WHERE dimension = 'signature' AND key = old.signature_id AND customer_id = old.customer_id;
    INSERT INTO queue_group_totals (dimension, key, customer_id, open_count, urgency, last_seen, label)
        SELECT dimension, key, customer_id, SUM(open_count), MIN(urgency), MAX(last_seen), MAX(label) FROM queue_aggregates
        WHERE dimension = 'signature' AND key = old.signature_id AND customer_id = old.customer_id GROUP BY dimension, key, customer_id;
    UPDATE queue_aggregates SET open_count = open_count - 1 WHERE dimension = 'endpoint' AND key = COALESCE(old.endpoint, '-') AND customer_id = old.customer_id AND urgency = old.urgency;
    DELETE FROM queue_aggregates WHERE dimension = 'endpoint' AND key = COALESCE(old.endpoint, '-') AND customer_id = old.customer_id AND urgency = old.urgency AND open_count <= 0;
    UPDATE queue_aggregates SET last_seen = coalesce((SELECT max(last_seen) FROM detections
            WHERE customer_id = old.customer_id AND endpoint IS old.endpoint AND urgency = old.urgency AND status <> 'closed'), last_seen)
        WHERE dimension = 'endpoint' AND key = COALESCE(old.endpoint, '-') AND customer_id = old.customer_id AND urgency = old.urgency AND last_seen <= old.last_seen;
    DELETE FROM queue_group_totals WHERE dimension = 'endpoint' AND key = COALESCE(old.endpoint, '-') AND customer_id = old.customer_id;
    INSERT INTO queue_group_totals (dimension, key, customer_id, open_count, urgency, last_seen, label)
        SELECT dimension, key, customer_id, SUM(open_count), MIN(urgency), MAX(last_seen), MAX(label) FROM queue_aggregates
        WHERE dimension = 'endpoint' AND key = COALESCE(old.endpoint, '-') AND customer_id = old.customer_id GROUP BY dimension, key, customer_id;
    UPDATE queue_aggregates SET open_count = open_count - 1 WHERE dimension = 'customer' AND key = old.customer_id AND customer_id = old.customer_id AND urgency = old.urgency;
    DELETE FROM queue_aggregates WHERE dimension = 'customer' AND key = old.customer_id AND customer_id = old.customer_id AND urgency = old.urgency AND open_count <= 0;
    UPDATE queue_aggregates SET last_seen = coalesce((SELECT max(last_seen) FROM detections
            WHERE urgency = old.urgency AND customer_id = old.customer_id AND status <> 'closed'), last_seen)
        WHERE dimension = 'customer' AND key = old.customer_id AND customer_id = old.customer_id AND urgency = old.urgency AND last_seen <= old.last_seen;
    DELETE FROM queue_group_totals WHERE dimension = 'customer' AND key = old.customer_id AND customer_id = old.customer_id;
    INSERT INTO queue_group_totals (dimension, key, customer_id, open_count, urgency, last_seen, label)
        SELECT dimension, key, customer_id, SUM(open_count), MIN(urgency), MAX(last_seen), MAX(label) FROM queue_aggregates
        WHERE dimension = 'customer' AND key = old.customer_id AND customer_id = old.customer_id GROUP BY dimension, key, customer_id;
    INSERT INTO queue_aggregates (dimension, key, customer_id, urgency, open_count, last_seen, label)
        VALUES ('signature', new.signature_id, new.customer_id, new.urgency, 1, new.last_seen, new.signature_name)
        ON CONFLICT (dimension, key, customer_id, urgency) DO UPDATE SET open_count = open_count + 1,
            last_seen = max(last_seen, excluded.last_seen), label = max(label, excluded.label);
    INSERT INTO queue_group_totals (dimension, key, customer_id, open_count, urgency, last_seen, label)
        VALUES ('signature', new.signature_id, new.customer_id, 1, new.urgency, new.last_seen, new.signature_name)
        ON CONFLICT (dimension, key, customer_id) DO UPDATE SET open_count = open_count + 1, urgency = min(urgency, excluded.urgency),
            last_seen = max(last_seen, excluded.last_seen), label = max(label, excluded.label);
    INSERT INTO queue_aggregates (dimension, key, customer_id, urgency, open_count, last_seen, label)
        VALUES ('endpoint', COALESCE(new.endpoint, '-'), new.customer_id, new.urgency, 1, new.last_seen, COALESCE(new.endpoint, '-'))
        ON CONFLICT (dimension, key, customer_id, urgency) DO UPDATE SET open_count = open_count + 1,
            last_seen = max(last_seen, excluded.last_seen), label = max(label, excluded.label);
    INSERT INTO queue_group_totals (dimension, key, customer_id, open_count, urgency, last_seen, label)
        VALUES ('endpoint', COALESCE(new.endpoint, '-'), new.customer_id, 1, new.urgency, new.last_seen, COALESCE(new.endpoint, '-'))
        ON CONFLICT (dimension, key, customer_id) DO UPDATE SET open_count = open_count + 1, urgency = min(urgency, excluded.urgency),
            last_seen = max(last_seen, excluded.last_seen), label = max(label, excluded.label);
    INSERT INTO queue_aggregates (dimension, key, customer_id, urgency, open_count, last_seen, label)
        VALUES ('customer', new.customer_id, new.customer_id, new.urgency, 1, new.last_seen, new.customer_id)
        ON CONFLICT (dimension, key, customer_id, urgency) DO UPDATE SET open_count = open_count + 1,
            last_seen = max(last_seen, excluded.last_seen), label = max(label, excluded.label);
    INSERT INTO queue_group_totals (dimension, key, customer_id, open_count, urgency, last_seen, label)
        VALUES ('customer', new.customer_id, new.customer_id, 1, new.urgency, new.last_seen, new.customer_id)
        ON CONFLICT (dimension, key, customer_id) DO UPDATE SET open_count = open_count + 1, urgency = min(urgency, excluded.urgency),
            last_seen = max(last_seen, excluded.last_seen), label = max(label, excluded.label);
    END;
    CREATE TRIGGER queue_aggregates_delete AFTER DELETE ON detections
    WHEN old.status <> 'closed'
    BEGIN
    UPDATE queue_aggregates SET open_count = open_count - 1 WHERE dimension = 'signature' AND key = old.signature_id AND customer_id = old.customer_id AND urgency = old.urgency;
    DELETE FROM queue_aggregates WHERE dimension = 'signature' AND key = old.signature_id AND customer_id = old.customer_id AND urgency = old.urgency AND open_count <= 0;
    UPDATE queue_aggregates SET last_seen = coalesce((SELECT max(last_seen) FROM detections
            WHERE signature_id = old.signature_id AND urgency = old.urgency AND customer_id = old.customer_id AND status <> 'closed'), last_seen)
        WHERE dimension = 'signature' AND key = old.signature_id AND customer_id = old.customer_id AND urgency = old.urgency AND last_seen <= old.last_seen;
    DELETE FROM queue_group_totals WHERE dimension = 'signature' AND key = old.signature_id AND customer_id = old.customer_id;
    INSERT INTO queue_group_totals (dimension, key, customer_id, open_count, urgency, last_seen, label)
        SELECT dimension, key, customer_id, SUM(open_count), MIN(urgency), MAX(last_seen), MAX(label) FROM queue_aggregates
        WHERE dimension = 'signature' AND key = old.signature_id AND customer_id = old.customer_id GROUP BY dimension, key, customer_id;
    UPDATE queue_aggregates SET open_count = open_count - 1 WHERE dimension = 'endpoint' AND key = COALESCE(old.endpoint, '-') AND customer_id = old.customer_id AND urgency = old.urgency;
    DELETE FROM queue_aggregates WHERE dimension = 'endpoint' AND key = COALESCE(old.endpoint, '-') AND customer_id = old.customer_id AND urgency = old.urgency AND open_count <= 0;
    UPDATE queue_aggregates SET last_seen = coalesce((SELECT max(last_seen) FROM detections
            WHERE customer_id = old.customer_id AND endpoint IS old.endpoint AND urgency = old.urgency AND status <> 'closed'), last_seen)
        WHERE dimension = 'endpoint' AND key = COALESCE(old.endpoint, '-') AND customer_id = old.customer_id AND urgency = old.urgency AND last_seen <= old.last_seen;
    DELETE FROM queue_group_totals WHERE dimension = 'endpoint' AND key = COALESCE(old.endpoint, '-') AND customer_id = old.customer_id;
    INSERT INTO queue_group_totals (dimension, key, customer_id, open_count, urgency, last_seen, label)
        SELECT dimension, key, customer_id, SUM(open_count), MIN(urgency), MAX(last_seen), MAX(label) FROM queue_aggregates
        WHERE dimension = 'endpoint' AND key = COALESCE(old.endpoint, '-') AND customer_id = old.customer_id GROUP BY dimension, key, customer_id;
    UPDATE queue_aggregates SET open_count = open_count - 1 WHERE dimension = 'customer' AND key = old.customer_id AND customer_id = old.customer_id AND urgency = old.urgency;
    DELETE FROM queue_aggregates WHERE dimension = 'customer' AND key = old.customer_id AND customer_id = old.customer_id AND urgency = old.urgency AND open_count <= 0;
    UPDATE queue_aggregates SET last_seen = coalesce((SELECT max(last_seen) FROM detections
            WHERE urgency = old.urgency AND customer_id = old.customer_id AND status <> 'closed'), last_seen)
        WHERE dimension = 'customer' AND key = old.customer_id AND customer_id = old.customer_id AND urgency = old.urgency AND last_seen <= old.last_seen;
    DELETE FROM queue_group_totals WHERE dimension = 'customer' AND key = old.customer_id AND customer_id = old.customer_id;
    INSERT INTO queue_group_totals (dimension, key, customer_id, open_count, urgency, last_seen, label)
        SELECT dimension, key, customer_id, SUM(open_count), MIN(urgency), MAX(last_seen), MAX(label) FROM queue_aggregates
        WHERE dimension = 'customer' AND key = old.customer_id AND customer_id = old.customer_id GROUP BY dimension, key, customer_id;
    END;
    """

    /// A context bucket is stored as parts, one per batch that touched it: the batch's
    /// counts and the examples it added (the bucket is their sum and union). A batch
    /// writes one row per bucket, where it used to update the bucket's counts and append
    /// a chunk of examples: two random writes for every bucket a batch touched, and an
    /// hour's endpoints are touched by every batch of that hour. Readers sum a bucket's
    /// parts (a handful) in `part` order.
    static let schemaV4 = """
    CREATE TABLE context_parts (
        customer_id TEXT NOT NULL,
        endpoint TEXT NOT NULL,
        bucket_start INTEGER NOT NULL,
        -- orders a bucket's parts (its examples in the order they were kept)
        part INTEGER NOT NULL,
        dns INTEGER NOT NULL DEFAULT 0,
        http INTEGER NOT NULL DEFAULT 0,
        tls INTEGER NOT NULL DEFAULT 0,
        fileinfo INTEGER NOT NULL DEFAULT 0,
        flow INTEGER NOT NULL DEFAULT 0,
        smtp INTEGER NOT NULL DEFAULT 0,
        ssh INTEGER NOT NULL DEFAULT 0,
        conn INTEGER NOT NULL DEFAULT 0,
        other INTEGER NOT NULL DEFAULT 0,
        -- a JSON array of the ContextSample objects this part added
        samples TEXT NOT NULL,
        PRIMARY KEY (bucket_start, customer_id, endpoint, part)
    ) WITHOUT ROWID;
    INSERT INTO context_parts (customer_id, endpoint, bucket_start, part, samples)
        SELECT customer_id, endpoint, bucket_start, seq, samples FROM context_samples;
    INSERT INTO context_parts (customer_id, endpoint, bucket_start, part, dns, http, tls, fileinfo, flow, smtp, ssh, conn, other, samples)
        SELECT b.customer_id, b.endpoint, b.bucket_start,
               coalesce((SELECT max(s.seq) + 1 FROM context_samples s WHERE s.bucket_start = b.bucket_start
                         AND s.customer_id = b.customer_id AND s.endpoint = b.endpoint), 0),
               b.dns, b.http, b.tls, b.fileinfo, b.flow, b.smtp, b.ssh, b.conn, b.other, '[]'
        FROM context_buckets b;
    DROP TABLE context_samples;
    DROP TABLE context_buckets;
    """

    /// The transactional outbox. An item is what an analyst confirmed (or what the contract
    /// sends unconfirmed), written in the confirmation's transaction with the audit group
    /// that undo cancels it by; the dispatcher assembles pending items into notifications,
    /// one per channel (mail to the contacts, each webhook), grouped by customer and
    /// delivery class, and delivers them with a lease, committing each attempt before it
    /// is made and its result after.
    static let schemaV6Outbox = """
    CREATE TABLE notification_items (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        customer_id TEXT NOT NULL,
        incident_id INTEGER,
        kind TEXT NOT NULL,
        urgency INTEGER NOT NULL,
        arrived_at INTEGER NOT NULL,
        confirmed_at INTEGER NOT NULL,
        confirmed_by TEXT NOT NULL,
        state TEXT NOT NULL,
        deadline_at INTEGER,
        content TEXT NOT NULL,
        audit_group TEXT NOT NULL,
        created_at INTEGER NOT NULL
    );
    CREATE INDEX notification_items_state ON notification_items (state, id);
    CREATE INDEX notification_items_customer ON notification_items (customer_id, id);
    CREATE INDEX notification_items_group ON notification_items (audit_group);

    CREATE TABLE notification_links (
        notification_id INTEGER NOT NULL REFERENCES notifications(id) ON DELETE CASCADE,
        item_id INTEGER NOT NULL REFERENCES notification_items(id) ON DELETE CASCADE,
        PRIMARY KEY (notification_id, item_id)
    ) WITHOUT ROWID;
    CREATE INDEX notification_links_item ON notification_links (item_id);

    ALTER TABLE notifications ADD COLUMN kind TEXT NOT NULL DEFAULT 'single';
    ALTER TABLE notifications ADD COLUMN delivery_class TEXT NOT NULL DEFAULT 'prompt';
    ALTER TABLE notifications ADD COLUMN target TEXT NOT NULL DEFAULT 'mail';
    ALTER TABLE notifications ADD COLUMN message_id TEXT NOT NULL DEFAULT '';
    ALTER TABLE notifications ADD COLUMN in_reply_to TEXT;
    ALTER TABLE notifications ADD COLUMN deadline_at INTEGER;
    ALTER TABLE notifications ADD COLUMN held_reason TEXT;
    ALTER TABLE notifications ADD COLUMN lease_owner TEXT;
    ALTER TABLE notifications ADD COLUMN lease_until INTEGER;
    ALTER TABLE notifications ADD COLUMN next_attempt_at INTEGER;
    ALTER TABLE notifications ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE notifications ADD COLUMN last_response TEXT;
    CREATE INDEX notifications_open ON notifications (customer_id, target, delivery_class, state);
    CREATE INDEX notifications_sent ON notifications (customer_id, target, sent_at);
    """
}
