// The C side of Toban's terminal layer.
//
// SwiftPM drops the cflags that `pkg-config ncursesw` prints, so the wide-character
// API (get_wch, add_wch, setcchar, ...) would silently vanish without these two defines.
// They must come before any system header.
#ifndef TOBAN_CNCURSESW_SHIM_H
#define TOBAN_CNCURSESW_SHIM_H

#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE 1
#endif

#include <locale.h>
#include <wchar.h>
#include <ncurses.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>
#include <errno.h>
#include <string.h>
#include <stdio.h>

// Swift 6 refuses mutable C globals (stdscr, LINES, COLS) and cannot see macros that
// expand to expressions (A_BOLD, KEY_F(n), getmaxyx). Each gets a static inline accessor.
static inline WINDOW *toban_stdscr(void) { return stdscr; }
static inline int toban_lines(void) { return LINES; }
static inline int toban_cols(void) { return COLS; }
static inline int toban_colors(void) { return COLORS; }
static inline int toban_color_pairs(void) { return COLOR_PAIRS; }

static inline void toban_getmaxyx(WINDOW *w, int *y, int *x) { int yy, xx; getmaxyx(w, yy, xx); *y = yy; *x = xx; }

static inline attr_t toban_a_normal(void) { return A_NORMAL; }
static inline attr_t toban_a_bold(void) { return A_BOLD; }
static inline attr_t toban_a_dim(void) { return A_DIM; }
static inline attr_t toban_a_reverse(void) { return A_REVERSE; }
static inline attr_t toban_a_underline(void) { return A_UNDERLINE; }
static inline attr_t toban_a_italic(void) { return A_ITALIC; }
static inline attr_t toban_color_pair_attr(int pair) { return COLOR_PAIR(pair); }

static inline int toban_key_f(int n) { return KEY_F(n); }
static inline int toban_key_resize(void) { return KEY_RESIZE; }
static inline int toban_key_up(void) { return KEY_UP; }
static inline int toban_key_down(void) { return KEY_DOWN; }
static inline int toban_key_left(void) { return KEY_LEFT; }
static inline int toban_key_right(void) { return KEY_RIGHT; }
static inline int toban_key_npage(void) { return KEY_NPAGE; }
static inline int toban_key_ppage(void) { return KEY_PPAGE; }
static inline int toban_key_home(void) { return KEY_HOME; }
static inline int toban_key_end(void) { return KEY_END; }
static inline int toban_key_enter(void) { return KEY_ENTER; }
static inline int toban_key_backspace(void) { return KEY_BACKSPACE; }
static inline int toban_key_dc(void) { return KEY_DC; }
static inline int toban_key_btab(void) { return KEY_BTAB; }
static inline int toban_key_code_yes(void) { return KEY_CODE_YES; }
static inline int toban_err(void) { return ERR; }
static inline int toban_ok(void) { return OK; }

// Draw one cell: a base character (plus nothing else: Toban never emits combining
// sequences on their own) with attributes and a colour pair.
static inline int toban_mvadd_wch(int y, int x, wchar_t ch, attr_t attrs, int pair) {
    cchar_t cc;
    wchar_t wstr[2] = { ch, L'\0' };
    if (setcchar(&cc, wstr, attrs, (short)pair, NULL) == ERR) return ERR;
    return mvadd_wch(y, x, &cc);
}

static inline int toban_get_wch(wint_t *out) { return get_wch(out); }
static inline int toban_wcwidth(wchar_t c) { return wcwidth(c); }
static inline int toban_errno(void) { return errno; }

// ---- Added for the terminal driver -------------------------------------------------

// newterm instead of initscr: initscr prints and exit()s when TERM is unusable, which
// would kill the process without restoring anything. NULL here lets Swift throw instead.
// (stdout/stdin are mutable C globals that Swift 6 refuses to touch.)
static inline SCREEN *toban_newterm(void) {
    SCREEN *s = newterm(NULL, stdout, stdin);
    if (s != NULL) set_term(s);
    return s;
}

// Draw one cell from a NUL-terminated base character plus up to CCHARW_MAX-1 combining
// marks. The pair goes through setcchar's `opts` (an int*), ncurses' extension for pair
// numbers above 32767 that alloc_pair may hand out.
static inline int toban_mvadd_wchstr(int y, int x, const wchar_t *wstr, attr_t attrs, int pair) {
    cchar_t cc;
    int p = pair;
    if (setcchar(&cc, wstr, attrs, 0, &p) == ERR) return ERR;
    return mvadd_wch(y, x, &cc);
}

static inline int toban_ccharw_max(void) { return CCHARW_MAX; }
static inline void toban_clear_errno(void) { errno = 0; }
static inline int toban_eio(void) { return EIO; }
static inline int toban_eintr(void) { return EINTR; }

// Signals. A handler may only set a flag (sig_atomic_t) or restore and _exit.
// The first SIGINT/SIGTERM/SIGHUP sets the flag; the event loop sees it within one read
// timeout and shuts down in order. A second one means the loop is stuck: restore the
// terminal and leave at once. Crash signals restore the terminal, then die as they would
// have, so a core dump or the shell's "Segmentation fault" still happens.
//
// These are static: each C translation unit gets its own copy. The Swift side must call
// all of them from one source file (Terminal/SignalGuard.swift) so there is one flag.
static volatile sig_atomic_t toban_pending_signal_flag = 0;
static volatile sig_atomic_t toban_curses_active_flag = 0;

static inline void toban_on_terminate(int sig) {
    if (toban_pending_signal_flag != 0) {
        if (toban_curses_active_flag) endwin();
        _exit(128 + sig);
    }
    toban_pending_signal_flag = sig;
}

static inline void toban_on_crash(int sig) {
    if (toban_curses_active_flag) { toban_curses_active_flag = 0; endwin(); }
    signal(sig, SIG_DFL);
    raise(sig);
}

static inline int toban_install_signal_handlers(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = toban_on_terminate;
    sa.sa_flags = 0; // no SA_RESTART: a blocked read must return so the loop sees the flag
    if (sigaction(SIGINT, &sa, NULL) != 0) return -1;
    if (sigaction(SIGTERM, &sa, NULL) != 0) return -1;
    if (sigaction(SIGHUP, &sa, NULL) != 0) return -1;
    struct sigaction crash;
    memset(&crash, 0, sizeof crash);
    sigemptyset(&crash.sa_mask);
    crash.sa_handler = toban_on_crash;
    crash.sa_flags = SA_RESETHAND;
    sigaction(SIGSEGV, &crash, NULL);
    sigaction(SIGBUS, &crash, NULL);
    sigaction(SIGILL, &crash, NULL);
    sigaction(SIGTRAP, &crash, NULL); // Swift runtime traps (fatalError, overflow)
    sigaction(SIGABRT, &crash, NULL);
    signal(SIGPIPE, SIG_IGN); // a dropped SSH session must surface as EIO/EOF, not kill us silently
    return 0;
}

static inline int toban_take_pending_signal(void) {
    int s = toban_pending_signal_flag;
    toban_pending_signal_flag = 0;
    return s;
}

static inline int toban_peek_pending_signal(void) { return toban_pending_signal_flag; }
static inline void toban_set_curses_active(int on) { toban_curses_active_flag = on ? 1 : 0; }
static inline int toban_curses_active(void) { return toban_curses_active_flag; }
static inline void toban_endwin_if_active(void) {
    if (toban_curses_active_flag) { toban_curses_active_flag = 0; endwin(); }
}

#endif
