/// Migration "v3-queue-aggregates" (its SQL is in `StoreMigrations`, literal, as history):
/// what the console reads instead of scanning detections.
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
/// on a fold) and by deletion (erasure). The last three are rare and kept by the migration's
/// triggers. Insertion is the ingest hot path, so there is deliberately NO insert trigger (nor
/// one on the fold's count/first_seen/last_seen update): the writer tallies each transaction
/// in memory and applies it with a few hundred upserts before it commits
/// (`QueueAggregates.Tally`), and before a fold changes a row's urgency (whose trigger must
/// find the row's group written).
enum QueueAggregatesSchema {
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
}
