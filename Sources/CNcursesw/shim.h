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

#endif
