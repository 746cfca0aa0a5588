/// Migration "v3-queue-aggregates": what the console reads instead of scanning detections.
///
/// - `queue_aggregates`: open (not closed) detections per (dimension, key, customer, urgency)
///   with their count and latest activity, for the three groupings of the queue
///   (dimension = `DetectionGrouping.rawValue`: signature id, endpoint address or "-",
///   customer id). The header's per-customer counts are the "customer" rows.
/// - `queue_group_totals`: the same summed over urgencies, one row per group.
/// - `signature_names`: every (signature id, name) pair stored, so that `sig~text` is
///   matched against a few thousand names instead of every detection.
/// - `detection_arrivals`: new detection rows per minute of ingest time (the sparkline).
/// - `detections_signature_queue` and `detections_customer_queue`: the queue order within
///   one signature / one customer, so `sig~` and `cust:` page each matching signature or
///   customer with index seeks (a customer with no P1 would otherwise mean reading every
///   other customer's P1 rows to find that out). Two more index entries per inserted row:
///   the price of a console that stays fast on the filters analysts use most.
///
/// Exactness: rows change group membership only by insertion (ingest), by a status change
/// across closed/open (analyst actions, undo), by an urgency change (ingest re-evaluation
/// on a fold) and by deletion (erasure). The last three are rare and kept by the triggers
/// below. Insertion is the ingest hot path, so there is deliberately NO insert trigger (nor
/// one on the fold's count/first_seen/last_seen update): the writer tallies each batch in
/// memory and applies it with a few hundred upserts (`QueueAggregates.Tally`).
enum QueueAggregatesSchema {
    static let tables = """
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

    /// Fills the three tables from the detections (the migration, and `rebuildQueueAggregates`).
    static let backfill = """
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

    /// One grouping dimension as seen from a trigger: its key expression and how to find
    /// the latest open member of a (key, customer, urgency) group through an index.
    struct Dimension: Sendable {
        var name: String
        var key: @Sendable (String) -> String
        /// WHERE terms selecting the group's members, given the row alias ("old"/"new").
        var members: @Sendable (String) -> String
    }

    static let dimensions: [Dimension] = [
        Dimension(name: "signature", key: { "\($0).signature_id" },
                  members: { "signature_id = \($0).signature_id AND urgency = \($0).urgency AND customer_id = \($0).customer_id" }),
        Dimension(name: "endpoint", key: { "COALESCE(\($0).endpoint, '-')" },
                  members: { "customer_id = \($0).customer_id AND endpoint IS \($0).endpoint AND urgency = \($0).urgency" }),
        Dimension(name: "customer", key: { "\($0).customer_id" },
                  members: { "urgency = \($0).urgency AND customer_id = \($0).customer_id" }),
    ]

    /// Statements adding the row `r` ("new") to its groups.
    static func add(_ r: String) -> String {
        dimensions.map { d in
            let label = d.name == "signature" ? "\(r).signature_name" : d.key(r)
            return """
            INSERT INTO queue_aggregates (dimension, key, customer_id, urgency, open_count, last_seen, label)
                VALUES ('\(d.name)', \(d.key(r)), \(r).customer_id, \(r).urgency, 1, \(r).last_seen, \(label))
                ON CONFLICT (dimension, key, customer_id, urgency) DO UPDATE SET open_count = open_count + 1,
                    last_seen = max(last_seen, excluded.last_seen), label = max(label, excluded.label);
            INSERT INTO queue_group_totals (dimension, key, customer_id, open_count, urgency, last_seen, label)
                VALUES ('\(d.name)', \(d.key(r)), \(r).customer_id, 1, \(r).urgency, \(r).last_seen, \(label))
                ON CONFLICT (dimension, key, customer_id) DO UPDATE SET open_count = open_count + 1, urgency = min(urgency, excluded.urgency),
                    last_seen = max(last_seen, excluded.last_seen), label = max(label, excluded.label);
            """
        }.joined(separator: "\n")
    }

    /// Statements removing the row `r` ("old") from its groups. Runs AFTER the row left the
    /// open set (closed or deleted), so when it was its group's latest member the new latest
    /// is read from the remaining open members (an index seek, and only in that case).
    static func remove(_ r: String) -> String {
        dimensions.map { d in
            let group = "dimension = '\(d.name)' AND key = \(d.key(r)) AND customer_id = \(r).customer_id AND urgency = \(r).urgency"
            return """
            UPDATE queue_aggregates SET open_count = open_count - 1 WHERE \(group);
            DELETE FROM queue_aggregates WHERE \(group) AND open_count <= 0;
            UPDATE queue_aggregates SET last_seen = coalesce((SELECT max(last_seen) FROM detections
                    WHERE \(d.members(r)) AND status <> 'closed'), last_seen)
                WHERE \(group) AND last_seen <= \(r).last_seen;
            \(total(dimension: "'\(d.name)'", key: d.key(r), customer: "\(r).customer_id"))
            """
        }.joined(separator: "\n")
    }

    /// Status across closed/open: one trigger per direction (a WHEN each, no CASE in SQL).
    /// Urgency: only while the row is open before and after (otherwise the status trigger
    /// accounts for it with the right urgency). Delete: only open rows were counted.
    /// Statements recomputing a group's totals row from its (at most five) per-urgency rows,
    /// after a member left (its smallest urgency may be gone).
    static func total(dimension: String, key: String, customer: String) -> String {
        """
        DELETE FROM queue_group_totals WHERE dimension = \(dimension) AND key = \(key) AND customer_id = \(customer);
        INSERT INTO queue_group_totals (dimension, key, customer_id, open_count, urgency, last_seen, label)
            SELECT dimension, key, customer_id, SUM(open_count), MIN(urgency), MAX(last_seen), MAX(label) FROM queue_aggregates
            WHERE dimension = \(dimension) AND key = \(key) AND customer_id = \(customer) GROUP BY dimension, key, customer_id;
        """
    }

    static var triggerSQL: String {
        """
        CREATE TRIGGER queue_aggregates_close AFTER UPDATE OF status ON detections
        WHEN old.status <> 'closed' AND new.status = 'closed'
        BEGIN
        \(remove("old"))
        END;
        CREATE TRIGGER queue_aggregates_reopen AFTER UPDATE OF status ON detections
        WHEN old.status = 'closed' AND new.status <> 'closed'
        BEGIN
        \(add("new"))
        END;
        CREATE TRIGGER queue_aggregates_urgency AFTER UPDATE OF urgency ON detections
        WHEN old.urgency <> new.urgency AND old.status <> 'closed' AND new.status <> 'closed'
        BEGIN
        \(remove("old"))
        \(add("new"))
        END;
        CREATE TRIGGER queue_aggregates_delete AFTER DELETE ON detections
        WHEN old.status <> 'closed'
        BEGIN
        \(remove("old"))
        END;
        """
    }
}
