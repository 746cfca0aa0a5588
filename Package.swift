// swift-tools-version:6.0
// Toban — the on-duty console for a managed NDR monitoring service.
//
// Dependency rule (kept by the target graph below, one direction only):
//   TobanCore  <- TobanIngest
//   TobanCore, CSQLite  <- TobanStore <- TobanNotify
//   TobanCore, TobanStore, CNcursesw <- TobanConsole
//   everything <- toban (the executable: wiring only)
import PackageDescription

let package = Package(
    name: "Toban",
    // Linux only: the followers and the terminal call Glibc directly.
    products: [
        .executable(name: "toban", targets: ["toban"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        // Notifications: message templates the SOC can override, and HMAC for signed webhooks.
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        // Domain types and pure rules. No I/O, no clock reads.
        .target(name: "TobanCore"),

        // Followers, format parsers, normalisation. Emits batches to a sink; never touches the store.
        // Release builds skip the run-time exclusivity checks here: the pipeline is one
        // class driven by one thread, and checking its ten property accesses per line cost
        // 4.6 % of the reading thread. Debug builds (the tests) still check them.
        .target(name: "TobanIngest", dependencies: ["TobanCore"],
                swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]),

        // SQLite through GRDB: schema, migrations, queries, checkpoints, audit.
        .target(name: "TobanStore", dependencies: [
            "TobanCore", "CSQLite",
            .product(name: "GRDB", package: "GRDB.swift"),
            // SQLite's C API, for the ingest writer's hot statements (RawStatement).
            .product(name: "GRDBSQLite", package: "GRDB.swift"),
        ]),

        // The sqlite3 system library, plus static inline shims for what Swift cannot call
        // (variadic configuration). Only TobanStore uses it.
        .systemLibrary(
            name: "CSQLite",
            providers: [.apt(["libsqlite3-dev"])]
        ),

        // Outbox planning, templates, mail and webhook delivery, the dispatcher, the SLA report.
        .target(name: "TobanNotify", dependencies: [
            "TobanCore", "TobanStore",
            .product(name: "Mustache", package: "swift-mustache"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),

        // ncursesw, plus static inline accessors for what Swift cannot import.
        .systemLibrary(
            name: "CNcursesw",
            pkgConfig: "ncursesw",
            providers: [.apt(["libncurses-dev"])]
        ),

        // The TUI: terminal driver, cell grid, views, keymap, themes. The only ncurses user.
        .target(name: "TobanConsole", dependencies: [
            "TobanCore", "TobanStore", "CNcursesw",
            .product(name: "Collections", package: "swift-collections"),
        ]),

        // The executable: argument parsing, configuration file, wiring, subcommands.
        .executableTarget(name: "toban", dependencies: [
            "TobanCore", "TobanIngest", "TobanStore", "TobanNotify", "TobanConsole",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "TOMLKit", package: "TOMLKit"),
        ]),

        .executableTarget(name: "toban-bench", dependencies: [
            "TobanIngest", "TobanCore", "TobanStore", "TobanConsole", "TobanNotify",
            // Bulk seeding of the console benchmark's store with one INSERT … SELECT, and
            // the store floor's inserts through SQLite's C API.
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "GRDBSQLite", package: "GRDB.swift"),
        ]),
        // Test doubles and helpers every test target shares (as swift-nio's NIOEmbedded):
        // the manual clock, fixtures, temporary directories, the binary runner, MemorySink.
        .target(name: "TobanTestSupport", dependencies: ["TobanCore", "TobanIngest"], path: "Tests/TobanTestSupport"),

        .testTarget(name: "TobanCoreTests", dependencies: ["TobanCore", "TobanTestSupport"]),
        .testTarget(name: "TobanIngestTests", dependencies: ["TobanIngest", "TobanCore", "TobanTestSupport"]),
        .testTarget(name: "TobanStoreTests", dependencies: [
            "TobanStore", "TobanCore", "TobanTestSupport",
            .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        .testTarget(name: "TobanNotifyTests", dependencies: [
            "TobanNotify", "TobanStore", "TobanCore", "TobanTestSupport",
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .testTarget(name: "TobanConsoleTests", dependencies: ["TobanConsole", "TobanStore", "TobanCore", "TobanTestSupport"]),
        // End-to-end tests of the built `toban` binary (runs it as a subprocess).
        .testTarget(name: "TobanTests", dependencies: [
            "toban", "TobanIngest", "TobanStore", "TobanNotify", "TobanCore", "TobanTestSupport",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Crypto", package: "swift-crypto"),
        ], exclude: ["Servers"]),
    ],
    swiftLanguageModes: [.v6]
)
