/// The middle of `values` (the upper of the two middle ones when their count is even), the
/// median the ingest and store-floor benchmarks print.
func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
