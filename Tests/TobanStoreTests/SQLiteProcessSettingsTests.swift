import Testing
import TobanStore

/// Settings for the whole process can be made only before SQLite's first use: the
/// executables apply them first thing.
@Suite struct SQLiteProcessSettingsTests {
    @Test func tooLateOnceAStoreIsOpenAndSaysSo() throws {
        let f = try StoreFixture()
        #expect(try f.count("SELECT 1") == 1)
        #expect(SQLiteProcessSettings.apply() == false)
        // Nothing changed underneath the open store.
        #expect(try f.count("SELECT 2") == 2)
    }
}
