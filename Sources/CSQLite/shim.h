#ifndef TOBAN_CSQLITE_SHIM_H
#define TOBAN_CSQLITE_SHIM_H

#include <sqlite3.h>

/// sqlite3_config is variadic, so Swift cannot call it. Turns off SQLite's memory
/// statistics; must run before SQLite's first use in the process (else SQLITE_MISUSE, and
/// nothing changes).
static inline int toban_sqlite3_disable_memory_statistics(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

#endif
