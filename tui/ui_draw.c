/* ui_draw: the console's drawing helpers (colours, clipped text, times, smartcase). */
#include "console.h"

#include "cli.h"

#include <ctype.h>
#include <curses.h>
#include <stdarg.h>
#include <string.h>
#include <wchar.h>

void ui_colors(int color)
{
    if (!color || !has_colors())
        return;
    start_color();
    use_default_colors();
    init_pair(C_OK, COLOR_GREEN, -1);
    init_pair(C_BAD, COLOR_RED, -1);
    init_pair(C_BUSY, COLOR_YELLOW, -1);
    init_pair(C_COLD, COLOR_CYAN, -1);
    init_pair(C_HEAD, -1, -1);
    init_pair(C_DIM, COLOR_BLUE, -1);
    init_pair(C_MATCH, COLOR_YELLOW, -1);
    init_pair(C_ALERT, COLOR_WHITE, COLOR_RED);
}

void ui_attr(const struct console *c, int pair, int on)
{
    attr_t a = 0;
    if (c->color && pair && has_colors())
        a |= COLOR_PAIR(pair);
    if (pair == C_HEAD)
        a |= A_BOLD;
    if (pair == C_MATCH)
        a |= A_BOLD | A_UNDERLINE;
    if (pair == C_ALERT)
        a |= A_BOLD | (c->color && has_colors() ? 0 : A_REVERSE);
    if (pair == C_DIM && !(c->color && has_colors()))
        a |= A_DIM;
    (on ? attron : attroff)(a);
}

const char *ui_elide(const char *s, int width, char *out, size_t n)
{
    int len = (int)strlen(s);
    if (len <= width || width < 5) {
        snprintf(out, n, "%.*s", width < 0 ? 0 : width, s);
        return out;
    }
    /* a name (no space) or a file name with spaces ("my sample 2.vcf.gz": its extension
     * within the last 8 characters): its start and its end; other text: its start */
    const char *dot = strrchr(s, '.');
    int file =
        dot && len - (int)(dot - s) <= 8 && isalnum((unsigned char)dot[1]) && !strchr(dot, ' ');
    if (!strchr(s, ' ') || file) {
        int tail = (width - 2) / 3, head = width - 2 - tail;
        if (tail > 2 && (s[len - tail] == '.' || s[head - 1] == '.')) /* not "exam...org" */
            tail--, head++;
        snprintf(out, n, "%.*s..%s", head, s, s + len - tail);
    } else {
        snprintf(out, n, "%.*s..", width - 2, s);
    }
    return out;
}

void ui_text(int y, int x, const char *s)
{
    int w = COLS - x;
    if (y < 0 || y >= LINES || w <= 0)
        return;
    wchar_t ws[1024];
    mbstate_t st;
    memset(&st, 0, sizeof st);
    const char *p = s;
    size_t n = mbsrtowcs(ws, &p, sizeof ws / sizeof *ws - 1, &st);
    if (n == (size_t)-1) { /* not text of this locale: bytes, cut at the edge */
        mvaddnstr(y, x, s, w);
        return;
    }
    ws[n] = 0;
    size_t end = n; /* trailing spaces (padding) may be cut without a mark */
    while (end && ws[end - 1] == L' ')
        end--;
    size_t k = 0, k2 = 0;
    for (int cells = 0; k < n; k++) {
        int cw = wcwidth(ws[k]);
        cells += cw < 0 ? 1 : cw;
        if (cells > w)
            break;
        if (cells <= w - 2)
            k2 = k + 1;
    }
    if (k >= end) { /* all of the text fits */
        mvaddnwstr(y, x, ws, (int)k);
        return;
    }
    mvaddnwstr(y, x, ws, (int)k2); /* cut: marked, so a cut number is never read whole */
    addnstr("..", w >= 2 ? 2 : w);
}

void ui_put(int y, int x, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    ui_text(y, x, buf);
}

const char *ui_when(int64_t t, double now, char *buf, size_t n)
{
    if (!t) {
        snprintf(buf, n, "-");
        return buf;
    }
    char when[32], a[16];
    cli_time(t, when, sizeof when);
    double d = now - (double)t;
    snprintf(buf, n, "%s UTC (%s %s)", when, ui_age_text(d < 0 ? -d : d, a, sizeof a),
             d < 0 ? "from now" : "ago");
    return buf;
}

const char *ui_match(const char *hay, const char *needle)
{
    if (!needle || !*needle)
        return NULL;
    int fold = 1;
    for (const char *p = needle; *p; p++)
        if (isupper((unsigned char)*p))
            fold = 0;
    if (!fold)
        return strstr(hay, needle);
    return strcasestr(hay, needle);
}

int ui_status_pair(int status, int archive)
{
    if (status == JOB_FAILED)
        return C_BAD;
    if (status == JOB_RUNNING || status == JOB_PENDING || archive == ARCH_RESTORING ||
        archive == ARCH_ARCHIVING)
        return C_BUSY;
    if (archive == ARCH_ARCHIVED)
        return C_COLD;
    return C_OK;
}
